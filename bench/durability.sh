#!/usr/bin/env bash
# What durability costs and how fast the store recovers (issue 12; the figures are in
# BENCHMARKS.md and, for issue 12's run, docs/benchmarks-history.md "Durability (issue 12)").
#
#   bench/durability.sh [ROUNDS]      (default 3; needs: mosquitto, python3, taskset)
#   SKIP_RECOVERY=1 bench/durability.sh   throughput only
#   RECOVERY_MESSAGES=200000 bench/durability.sh   a smaller recovery run
#   SKIP_THROUGHPUT=1 bench/durability.sh   recovery only
#   NANOMQ_BIN=path/to/nanomq bench/durability.sh   another build (before/after a change)
#
# Throughput: fan-in 10 -> 1 at QoS 1 into one *persistent* subscriber (clean session off), so
# every message is a delivery the store must keep until it is acknowledged. Compared, in
# alternating rounds: nanomq-rs with `[persistence] enable = false` (memory), `sync = "always"`
# (every PUBACK waits for its fsync), `sync = "interval"` (100 ms), and Mosquitto with
# `persistence true` (which writes only at autosave and at exit: nothing is fsync'd per message,
# so a kill -9 loses everything since the last save; it is listed as the familiar reference,
# not as a like-for-like).
#
# Recovery: an offline persistent session with RECOVERY_MESSAGES (default 1,000,000) QoS 1
# messages queued, sync = "always"; the broker is killed with SIGKILL and restarted. Measured:
# time from exec until the MQTT port accepts (recovery runs before the listeners bind), RSS
# live (before the kill) and after recovery, the store's size, and that the session then
# receives every message.
#
# Broker pinned to BROKER_CPU (default 0), load generator to the other cores. The store lives
# in a temporary directory on the same file system as TMPDIR. Results in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
broker_cpu=${BROKER_CPU:-0}
ncpu=$(nproc)
if [ "$ncpu" -gt 1 ]; then client_cpus="1-$((ncpu - 1))"; else client_cpus=0; fi
duration=${DURATION:-8}
recovery_messages=${RECOVERY_MESSAGES:-1000000}

command -v mosquitto >/dev/null || { echo "mosquitto not found: apt-get install -y mosquitto" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset not found: apt-get install -y util-linux" >&2; exit 1; }
cargo build --release -q -p nanomq -p nanomq-cli
nanomq_bin=${NANOMQ_BIN:-target/release/nanomq}
cli=target/release/nanomq-cli
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

out=bench/results/durability-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
tmp=$(mktemp -d)
pid=
stop_broker() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap 'stop_broker; rm -rf "$tmp"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

nanomq_conf() { # file enable sync msq_len
  cat >"$1" <<CONF
num_taskq_thread = 1
max_taskq_thread = 1
parallel = 32
msq_len = $4
# The queue of one session unbounded in bytes too: the recovery run queues 1,000,000 messages.
max_queued_bytes = 0
[log]
level = "warn"
[websocket]
enable = false
[http_server]
enable = false
[persistence]
enable = $2
dir = "$tmp/data"
sync = "$3"
sync_interval_ms = 100
CONF
}

wait_port() { # port name
  for _ in $(seq 6000); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  echo "$2 did not start" >&2; cat "$tmp/broker.out" >&2; exit 1
}

start_broker() { # name port
  rm -rf "$tmp/data" "$tmp/mosquitto.db"
  case $1 in
    memory) nanomq_conf "$tmp/nanomq.conf" false always 1024 ;;
    always) nanomq_conf "$tmp/nanomq.conf" true always 1024 ;;
    interval) nanomq_conf "$tmp/nanomq.conf" true interval 1024 ;;
  esac
  case $1 in
    mosquitto)
      printf 'listener %s 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nmax_inflight_messages 32\nmax_queued_messages 1024\npersistence true\npersistence_location %s/\n' \
        "$2" "$tmp" >"$tmp/mosquitto.conf"
      taskset -c "$broker_cpu" mosquitto -c "$tmp/mosquitto.conf" >"$tmp/broker.out" 2>&1 &
      ;;
    *)
      taskset -c "$broker_cpu" "$nanomq_bin" start --conf "$tmp/nanomq.conf" --url "nmq-tcp://127.0.0.1:$2" \
        >"$tmp/broker.out" 2>&1 &
      ;;
  esac
  pid=$!
  wait_port "$2" "$1"
}

# nanomq-cli bench exits 3 when clients failed; the JSON summary counts them ("failed"), which
# the tables report, so a run goes on.
bench() { taskset -c "$client_cpus" "$cli" bench "$@" || true; }

fan_in() { # broker
  local port sub
  port=$(free_port)
  start_broker "$1" "$port"
  bench sub -p "$port" -c 1 -t 'dur/#' -q 1 --persistent --prefix "dur-sub-" \
    --duration $((duration + 4)) --json >"$tmp/sub.json" 2>/dev/null &
  sub=$!
  sleep 1
  bench pub -p "$port" -c 10 -t 'dur/%i' -q 1 -s 64 --duration "$duration" --json >"$tmp/pub.json" 2>/dev/null
  wait "$sub"
  stop_broker
  python3 - "$1" "$tmp/sub.json" "$tmp/pub.json" <<'PY'
import json, sys
name, sub, pub = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
print(json.dumps({"broker": name, "received_per_sec": sub["received_per_sec"],
                  "puback_per_sec": pub["sent_per_sec"], "sent": pub["sent"],
                  "received": sub["received"], "latency_ms": sub.get("latency_ms")}))
PY
}

brokers=(memory always interval mosquitto)
[ -n "${SKIP_THROUGHPUT:-}" ] && rounds=0
for round in $(seq 1 "$rounds"); do
  for b in "${brokers[@]}"; do
    echo "round $round: $b" >&2
    fan_in "$b" >>"$out/throughput.jsonl"
  done
done

[ "$rounds" -gt 0 ] && python3 - "$out/throughput.jsonl" <<'PY' | tee "$out/throughput.md"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(b, k): return statistics.median(r[k] for r in rows if r["broker"] == b)
def p99(b): return statistics.median((r["latency_ms"] or {}).get("p99", 0) for r in rows if r["broker"] == b)
base = med("memory", "received_per_sec")
print("| fan-in 10 -> 1 QoS 1, persistent subscriber | msg/s (median) | of memory | latency p99 ms | delivered/acknowledged |")
print("|---|---:|---:|---:|---:|")
for b, label in [("memory", "nanomq-rs, persistence off"), ("always", 'nanomq-rs, sync = "always"'),
                 ("interval", 'nanomq-rs, sync = "interval" (100 ms)'),
                 ("mosquitto", "Mosquitto 2, persistence true (saves at autosave/exit only)")]:
    v = med(b, "received_per_sec")
    got = sum(r["received"] for r in rows if r["broker"] == b)
    sent = sum(r["sent"] for r in rows if r["broker"] == b)
    print(f"| {label} | {v:,.0f} | {v / base:.0%} | {p99(b):.1f} | {got / max(sent, 1):.1%} |")
PY

[ -n "${SKIP_RECOVERY:-}" ] && exit 0

# Recovery of RECOVERY_MESSAGES queued messages after kill -9.
echo "recovery: queueing $recovery_messages messages" >&2
rm -rf "$tmp/data"
nanomq_conf "$tmp/nanomq.conf" true always $((recovery_messages + 1000))
port=$(free_port)
start() {
  taskset -c "$broker_cpu" "$nanomq_bin" start --conf "$tmp/nanomq.conf" --url "nmq-tcp://127.0.0.1:$port" \
    >"$tmp/broker.out" 2>&1 &
  pid=$!
}
start
wait_port "$port" nanomq
# The session: subscribe, leave (it stays, with its subscription), then fill its queue.
bench sub -p "$port" -c 1 -t 'rec/#' -q 1 --persistent --prefix "rec-sub-" --duration 1 --json >/dev/null 2>&1
per_client=$((recovery_messages / 10))
t0=$(date +%s.%N)
bench pub -p "$port" -c 10 -t 'rec/%i' -q 1 -s 64 -L "$per_client" --json >"$tmp/pub.json" 2>/dev/null
t1=$(date +%s.%N)
rss_live=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
store_kb=$(du -sk "$tmp/data" | cut -f1)
t2=$(date +%s.%N)
start
wait_port "$port" nanomq
t3=$(date +%s.%N)
rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
grep -i "restor\|recover\|store" "$tmp/broker.out" >&2 || true
bench sub -p "$port" -c 1 -t 'rec/#' -q 1 --persistent --prefix "rec-sub-" -L "$((per_client * 10))" \
  --duration 120 --json >"$tmp/drain.json" 2>/dev/null
stop_broker
python3 - "$tmp/pub.json" "$tmp/drain.json" "$t0" "$t1" "$t2" "$t3" "$rss_live" "$rss_after" "$store_kb" <<'PY' | tee "$out/recovery.md"
import json, sys
pub, drain = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
t0, t1, t2, t3 = map(float, sys.argv[3:7])
live, after, store = int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
print(f"| recovery after kill -9, {pub['sent']:,} queued QoS 1 messages (64 B) | value |")
print("|---|---:|")
print(f"| queued at (PUBACK/s, sync = \"always\") | {pub['sent'] / (t1 - t0):,.0f} |")
print(f"| store on disk | {store / 1024:,.0f} MiB |")
print(f"| restart: exec to MQTT port accepting | {t3 - t2:.2f} s |")
print(f"| RSS live, before the kill | {live / 1024:,.0f} MiB |")
print(f"| RSS after recovery | {after / 1024:,.0f} MiB ({after / live:.2f}x live) |")
print(f"| delivered to the session afterwards | {drain['received']:,} of {pub['sent']:,} |")
PY
echo "results in $out" >&2
