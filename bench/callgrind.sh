#!/usr/bin/env bash
# Instructions the broker executes for fixed message counts, under callgrind: deterministic,
# unlike wall-clock runs on a shared 2-core box, so a change to a hot path can be measured to
# a percent. What BENCHMARKS.md's "instructions" tables come from.
#
#   bench/callgrind.sh [BROKER ...]      (default target/release/nanomq; needs valgrind)
#
# Scenarios (MQTT 5, QoS 1, 64-byte payloads, persistence off, one worker thread):
#   fan-in: 10 publishers → 1 subscriber, 100,000 messages
#   pairs:  20 publishers → 20 subscribers (one each), 100,000 messages
# Prints one line per broker and scenario: its instruction count (the broker's whole life,
# start-up and shutdown included, which are the same for every build).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install -y valgrind" >&2; exit 1; }
cargo build --release -q -p nanomq-cli
cli=target/release/nanomq-cli
brokers=("$@")
[ ${#brokers[@]} -gt 0 ] || brokers=(target/release/nanomq)
tmp=$(mktemp -d)
pid=
stop_broker() { if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap 'stop_broker; rm -rf "$tmp"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run() { # broker scenario publishers subscribers topic-of-publisher filter-of-subscriber
  local broker=$1 name=$2 pubs=$3 subs=$4 topic=$5 filter=$6
  local port; port=$(free_port)
  cat >"$tmp/nanomq.conf" <<CONF
url = "nmq-tcp://127.0.0.1:$port"
num_taskq_thread = 1
max_taskq_thread = 1
parallel = 32
[log]
level = "warn"
[websocket]
enable = false
[http_server]
enable = false
[persistence]
enable = false
CONF
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" -q \
    "$broker" start --conf "$tmp/nanomq.conf" >/dev/null 2>"$tmp/broker.err" &
  pid=$!
  for _ in $(seq 300); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
    sleep 0.1
  done
  "$cli" bench sub -p "$port" -V 5 -c "$subs" -q 1 -t "$filter" -L 100000 --json \
    >"$tmp/sub.json" 2>"$tmp/sub.err" &
  local sub=$!
  # Time for the subscriptions to be in place (the broker under callgrind is slow); one
  # lost message would leave the subscriber waiting, and the run would not end.
  sleep 3
  "$cli" bench pub -p "$port" -V 5 -c "$pubs" -q 1 -s 64 -t "$topic" -L $((100000 / pubs)) \
    --json >"$tmp/pub.json" 2>"$tmp/pub.err"
  wait "$sub" || { echo "subscriber failed: $(cat "$tmp/sub.err")" >&2; exit 1; }
  stop_broker
  local total
  total=$(callgrind_annotate "$tmp/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}')
  printf '%-40s %-8s %14s instructions\n' "$broker" "$name" "$total"
}

for broker in "${brokers[@]}"; do
  run "$broker" fan-in 10 1 "fan/%i" "fan/#"
  run "$broker" pairs 20 20 "pair/%i" "pair/%i"
done
