#!/usr/bin/env bash
# Runs the interop suites (mosquitto clients, paho-mqtt) against a broker binary started on
# ephemeral loopback ports, with TCP, TLS (client certificates optional), WebSocket and
# secure WebSocket listeners. Usage: tests/interop/run.sh [path/to/nanomq]
# Needs: mosquitto-clients (Debian), openssl, python3 with paho-mqtt and prometheus_client.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-target/release/nanomq}
tmp=$(mktemp -d)
broker=
cleanup() { [ -n "$broker" ] && kill "$broker" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$here/certs.sh" "$tmp"
cat >"$tmp/nanomq.conf" <<CONF
url = "nmq-tcp://127.0.0.1:0"
max_packet_size = 1048576
[tls]
enable = true
url = "tls+nmq-tcp://127.0.0.1:0"
cert = "$tmp/server.pem"
key = "$tmp/server.key"
cacert = "$tmp/ca.pem"
verify_peer = true
fail_if_no_peer_cert = false
[websocket]
enable = true
url = "nmq-ws://127.0.0.1:0/mqtt"
tls_url = "nmq-wss://127.0.0.1:0/mqtt"
[http_server]
enable = true
port = 0
ip_addr = "127.0.0.1"
CONF

"$bin" start --conf "$tmp/nanomq.conf" >"$tmp/stdout" 2>"$tmp/stderr" &
broker=$!
addr() { sed -n "s/^nanomq: $1 listening on //p" "$tmp/stdout"; }
for _ in $(seq 100); do
  [ -n "$(addr 'MQTT\/WebSocket+TLS')" ] && break
  kill -0 "$broker" 2>/dev/null || { cat "$tmp/stderr" >&2; exit 1; }
  sleep 0.1
done
tcp=$(addr 'MQTT\/TCP') tls=$(addr 'MQTT\/TLS') ws=$(addr 'MQTT\/WebSocket') wss=$(addr 'MQTT\/WebSocket+TLS')
http=$(addr 'HTTP API')
[ -n "$wss" ] || { echo "broker did not start" >&2; cat "$tmp/stderr" >&2; exit 1; }
host=${tcp%:*} port=${tcp##*:}
echo "interop: broker at tcp $tcp, tls $tls, ws $ws, wss $wss"

"$here/mosquitto_check.sh" "$host" "$port"
python3 "$here/paho_check.py" "$host" "$port"
"$here/transport_check.sh" "$host" "${tls##*:}" "$tmp"
python3 "$here/paho_transport_check.py" "${tls##*:}" "${ws##*:}" "${wss##*:}" "$tmp"
python3 "$here/prometheus_check.py" "$http" "$host" "$port"

# Graceful stop on SIGTERM, exit status 0.
kill -TERM "$broker"
wait "$broker"
broker=
echo "interop: broker stopped cleanly"
