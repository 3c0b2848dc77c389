#!/usr/bin/env bash
# Runs the interop suites (mosquitto clients, paho-mqtt) against a broker binary started on
# an ephemeral loopback port. Usage: tests/interop/run.sh [path/to/nanomq]
# Needs: mosquitto-clients (Debian), python3 with paho-mqtt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-target/release/nanomq}
tmp=$(mktemp -d)
broker=
cleanup() { [ -n "$broker" ] && kill "$broker" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

cat >"$tmp/nanomq.conf" <<CONF
url = "nmq-tcp://127.0.0.1:0"
[websocket]
enable = false
[http_server]
enable = false
CONF

"$bin" start --conf "$tmp/nanomq.conf" >"$tmp/stdout" 2>"$tmp/stderr" &
broker=$!
addr=
for _ in $(seq 100); do
  addr=$(sed -n 's/^nanomq: MQTT\/TCP listening on //p' "$tmp/stdout")
  [ -n "$addr" ] && break
  kill -0 "$broker" 2>/dev/null || { cat "$tmp/stderr" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "broker did not start" >&2; cat "$tmp/stderr" >&2; exit 1; }
host=${addr%:*} port=${addr##*:}
echo "interop: broker at $host:$port"

"$here/mosquitto_check.sh" "$host" "$port"
python3 "$here/paho_check.py" "$host" "$port"

# Graceful stop on SIGTERM, exit status 0.
kill -TERM "$broker"
wait "$broker"
broker=
echo "interop: broker stopped cleanly"
