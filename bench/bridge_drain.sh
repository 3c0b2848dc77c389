#!/usr/bin/env bash
# How fast a bridge's outage backlog drains, and what local publishers keep meanwhile (issue
# 25's target: 1,000,000 QoS 1 messages of 64 B kept while the upstream is down arrive in
# <= 20 s once it returns, in order per publisher, while a local publisher keeps >= 80% of
# its rate).
#
#   bench/bridge_drain.sh [BROKER]          (default target/release/nanomq)
#   TOTAL=n STORE=1 bench/bridge_drain.sh   (backlog size, default 1,000,000; the store on)
#   THREADS=n bench/bridge_drain.sh         (the edge's worker threads, default 1)
#
# 1. The edge (one worker thread, a named bridge with a 1,100,000-message outage buffer)
#    runs with its upstream down; 10 QoS 1 publishers put TOTAL messages on `bench/%i`.
# 2. A local publisher alone (QoS 1, 10 clients, topic `local/%i`, not forwarded) for 10 s:
#    its rate is the baseline.
# 3. The upstream starts with a QoS 1 subscriber; the bridge reconnects (backoff_max 1 s)
#    and drains; the same local publisher runs again for the drain's first WINDOW seconds
#    (default 5; a drain shorter than that dilutes the comparison).
# Prints: the backlog's publish rate, the drain time (bridge connected -> last message at
# the upstream subscriber), the messages out of their publisher's order, and the local
# publisher's rate alone and during the drain.
set -euo pipefail
cd "$(dirname "$0")/.."
broker=${1:-target/release/nanomq}
cli=${CLI:-target/release/nanomq-cli}
[ -n "${CLI:-}" ] || cargo build --release -q -p nanomq-cli
total=${TOTAL:-1000000}
store=${STORE:-0}
tmp=$(mktemp -d)
pids=()
stop_all() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }
trap 'stop_all; rm -rf "$tmp"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
now() { date +%s.%N; }

up=$(free_port); edge=$(free_port); http=$(free_port)
persistence=false
[ "$store" = 1 ] && persistence=true
cat >"$tmp/up.conf" <<CONF
url = "nmq-tcp://127.0.0.1:$up"
num_taskq_thread = 1
max_taskq_thread = 1
[log]
level = "warn"
[websocket]
enable = false
[http_server]
enable = false
CONF
cat >"$tmp/edge.conf" <<CONF
url = "nmq-tcp://127.0.0.1:$edge"
num_taskq_thread = ${THREADS:-1}
max_taskq_thread = ${THREADS:-1}
[log]
level = "warn"
[websocket]
enable = false
[http_server]
enable = true
port = $http
ip_addr = "127.0.0.1"
[persistence]
enable = $persistence
dir = "$tmp/store"
[bridges.mqtt.cloud]
server = "mqtt-tcp://127.0.0.1:$up"
proto_ver = 5
clientid = "edge"
backoff_max = 1
max_send_queue_len = 1100000
max_send_queue_bytes = 0
forwards = [{ local_topic = "bench/#" }]
CONF
bridge() { curl -s -u admin:public "http://127.0.0.1:$http/api/v4/bridges/cloud"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['data']$1)"; }

"$broker" start --conf "$tmp/edge.conf" >/dev/null 2>"$tmp/edge.err" & pids+=($!)
wait_port "$edge"
start=$(now)
"$cli" bench pub -p "$edge" -V 5 -c 10 -q 1 -s 64 -t 'bench/%i' -L $((total / 10)) --json \
  >"$tmp/backlog.json" 2>"$tmp/backlog.err"
end=$(now)
for _ in $(seq 600); do
  [ "$(bridge | field "['metrics']['queued']")" -ge "$total" ] && break
  sleep 0.1
done
queued=$(bridge | field "['metrics']['queued']")
printf 'backlog: %d messages published in %.1f s (%.0f msg/s), %d queued for the upstream\n' \
  "$total" "$(python3 -c "print($end - $start)")" "$(python3 -c "print($total / ($end - $start))")" "$queued"

local_rate() { # seconds -> msg/s of 10 QoS 1 local publishers
  "$cli" bench pub -p "$edge" -V 5 -c 10 -q 1 -s 64 -t 'local/%i' --duration "${1}s" --json 2>/dev/null \
    | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["sent_per_sec"]))'
}
alone=$(local_rate 10)
echo "local publisher alone: $alone msg/s"

"$broker" start --conf "$tmp/up.conf" >/dev/null 2>"$tmp/up.err" & pids+=($!)
wait_port "$up"
"$cli" bench sub -p "$up" -V 5 -q 1 -t 'bench/#' -L "$total" --json >"$tmp/sub.json" 2>"$tmp/sub.err" &
sub=$!
for _ in $(seq 300); do
  [ "$(bridge | field "['state']")" = connected ] && break
  sleep 0.05
done
connected=$(now)
# The local publisher runs in the first seconds of the drain (WINDOW, default 5 s).
local_rate "${WINDOW:-5}" >"$tmp/during" &
during_pid=$!
wait "$sub" || { echo "subscriber failed: $(cat "$tmp/sub.err")" >&2; exit 1; }
drained=$(now)
wait "$during_pid"
during=$(cat "$tmp/during")
python3 - "$tmp/sub.json" "$connected" "$drained" "$total" "$alone" "$during" <<'PY'
import json, sys
sub = json.load(open(sys.argv[1]))
connected, drained, total, alone, during = map(float, sys.argv[2:])
print(f"drain: {int(total)} messages at the upstream {drained - connected:.1f} s after the bridge connected "
      f"({total / (drained - connected):.0f} msg/s), {sub['out_of_order']} out of their publisher's order")
print(f"local publisher during the drain: {during:.0f} msg/s ({100 * during / alone:.0f}% of alone)")
PY
