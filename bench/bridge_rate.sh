#!/usr/bin/env bash
# How fast the bridge carries messages upstream: an edge broker bridging `bench/#` to an
# upstream broker, 10 QoS 1 publishers on the edge, one QoS 1 subscriber on the upstream;
# the subscriber's rate is the bridge's forwarding rate (every message crosses it once).
#
#   bench/bridge_rate.sh [ROUNDS] [BROKER ...]   (default: 3 rounds of target/release/nanomq)
#   bench/bridge_rate.sh 3 target/release/nanomq mosquitto   (against Mosquitto's bridge)
#   CLI=path/to/nanomq-cli bench/bridge_rate.sh ...  (a given load generator)
#
# Several brokers are run in turn each round (A/B of two builds: the edge and the upstream
# are the same build; `mosquitto` runs Debian's Mosquitto as both, its bridge with
# `topic bench/# out 1`, MQTT 5). A named bridge with its default in-flight window (32). Persistence off on both, one worker thread each, 64-byte payloads,
# 200,000 messages per run (TOTAL=n to change; use 600,000 or more for figures). The rate is
# the upstream subscriber's, from its first message to its last. Prints one line per broker and round, then each median.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
brokers=("$@")
[ ${#brokers[@]} -gt 0 ] || brokers=(target/release/nanomq)
# CLI=path uses that load generator instead of building this tree's.
cli=${CLI:-target/release/nanomq-cli}
[ -n "${CLI:-}" ] || cargo build --release -q -p nanomq-cli
total=${TOTAL:-200000}
tmp=$(mktemp -d)
pids=()
stop_all() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }
trap 'stop_all; rm -rf "$tmp"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

conf() { # port [upstream-port]
  cat <<CONF
url = "nmq-tcp://127.0.0.1:$1"
num_taskq_thread = 1
max_taskq_thread = 1
[log]
level = "warn"
[websocket]
enable = false
[http_server]
enable = false
[persistence]
enable = false
CONF
  if [ -n "${2:-}" ]; then
    cat <<CONF
[bridges.mqtt.cloud]
server = "mqtt-tcp://127.0.0.1:$2"
proto_ver = 5
clientid = "edge"
keepalive = 60
forwards = [{ local_topic = "bench/#" }]
max_send_queue_len = 1000000
max_parallel_processes = ${PARALLEL:-32}
CONF
  fi
}

mosquitto_conf() { # port [upstream-port]: Mosquitto's bridge, the same load
  cat <<CONF
listener $1 127.0.0.1
allow_anonymous true
persistence false
log_type error
# Its default (1000 per client) drops what a subscriber has not taken yet: not this test.
max_queued_messages 1000000
CONF
  if [ -n "${2:-}" ]; then
    cat <<CONF
connection cloud
address 127.0.0.1:$2
bridge_protocol_version mqttv50
clientid edge
cleansession true
topic bench/# out 1
CONF
  fi
}

run() { # broker -> messages per second at the upstream subscriber
  local broker=$1 up edge
  up=$(free_port); edge=$(free_port)
  if [ "$broker" = mosquitto ]; then
    mosquitto_conf "$up" >"$tmp/up.conf"; mosquitto_conf "$edge" "$up" >"$tmp/edge.conf"
    mosquitto -c "$tmp/up.conf" >/dev/null 2>"$tmp/up.err" & pids+=($!)
    wait_port "$up"
    mosquitto -c "$tmp/edge.conf" >/dev/null 2>"$tmp/edge.err" & pids+=($!)
    wait_port "$edge"
  else
    conf "$up" >"$tmp/up.conf"; conf "$edge" "$up" >"$tmp/edge.conf"
    "$broker" start --conf "$tmp/up.conf" >/dev/null 2>"$tmp/up.err" & pids+=($!)
    wait_port "$up"
    "$broker" start --conf "$tmp/edge.conf" >/dev/null 2>"$tmp/edge.err" & pids+=($!)
    wait_port "$edge"
  fi
  "$cli" bench sub -p "$up" -V 5 -q 1 -t 'bench/#' -L "$total" --json >"$tmp/sub.json" 2>"$tmp/sub.err" &
  local sub=$!
  # The bridge connects and subscribes on its own schedule; the subscriber and the bridge
  # are in place well within this (what arrives before is not lost: QoS 1 is queued).
  sleep 2
  local start end
  start=$(date +%s.%N)
  "$cli" bench pub -p "$edge" -V 5 -c 10 -q 1 -s 64 -t 'bench/%i' -L $((total / 10)) --json \
    >"$tmp/pub.json" 2>"$tmp/pub.err"
  wait "$sub" || { echo "subscriber failed: $(cat "$tmp/sub.err")" >&2; exit 1; }
  end=$(date +%s.%N)
  stop_all
  # The subscriber times its first to its last message (the process's own end is seen to
  # about a second): its rate, and its p99.
  python3 -c "import json; s = json.load(open('$tmp/sub.json')); print(round(s['received_per_sec']), s['latency_ms']['p99'])"
}

declare -A all
for round in $(seq "$rounds"); do
  for broker in "${brokers[@]}"; do
    read -r rate p99 < <(run "$broker")
    printf '%-40s round %-2s %10s msg/s   p99 %8s ms\n' "$broker" "$round" "$rate" "$p99"
    all[$broker]+="$rate "
  done
done
for broker in "${brokers[@]}"; do
  median=$(printf '%s\n' ${all[$broker]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-40s median     %10s msg/s\n' "$broker" "$median"
done
