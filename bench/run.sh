#!/usr/bin/env bash
# Benchmarks nanomq-rs against Debian's mosquitto on loopback, same scenarios, alternating
# A/B over several rounds, and prints a table of medians with the ratio to mosquitto.
#
#   bench/run.sh [ROUNDS]          (default 3 rounds; needs: mosquitto, python3, taskset)
#   BASELINE=path/to/nanomq bench/run.sh [ROUNDS]
#                                  (the same table against another nanomq-rs build instead of
#                                  mosquitto: how a change moved the figures, A/B in one run)
#   ACL_RULES=100 BASELINE=path/to/nanomq bench/run.sh
#                                  (the broker under test runs with that many ACL rules, none of
#                                  which matches a scenario's topics, so every decision walks
#                                  them all; the baseline runs without: what access control costs)
#
# Fairness: both brokers run pinned to the same single core (BROKER_CPU, default 0) and the
# load generator (nanomq-cli bench) to the others, so what is compared is work per message on
# one core, not thread count. Both use TCP_NODELAY, an in-flight window of 32 and a queue of
# 1024 messages per client. Results go to bench/results/ (ignored by git); copy the table
# into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
broker_cpu=${BROKER_CPU:-0}
ncpu=$(nproc)
if [ "$ncpu" -gt 1 ]; then client_cpus="1-$((ncpu - 1))"; else client_cpus=0; fi
duration=${DURATION:-8}

baseline=${BASELINE:-}
other=mosquitto
if [ -n "$baseline" ]; then
  other=baseline
  baseline=$(realpath "$baseline")
else
  command -v mosquitto >/dev/null || { echo "mosquitto not found: apt-get install -y mosquitto" >&2; exit 1; }
fi
command -v taskset >/dev/null || { echo "taskset not found: apt-get install -y util-linux" >&2; exit 1; }
cargo build --release -q -p nanomq -p nanomq-cli
nanomq_bin=target/release/nanomq
cli=target/release/nanomq-cli
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

out=bench/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
tmp=$(mktemp -d)
pid=
stop_broker() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap 'stop_broker; rm -rf "$tmp"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cat >"$tmp/nanomq.conf" <<CONF
num_taskq_thread = 1
max_taskq_thread = 1
parallel = 32
msq_len = 1024
[log]
level = "warn"
[websocket]
enable = false
[http_server]
enable = false
# In memory, as Mosquitto runs here: bench/durability.sh compares the two with their stores on.
[persistence]
enable = false
CONF

# The broker under test: the same, plus ACL_RULES rules when asked.
cp "$tmp/nanomq.conf" "$tmp/nanomq-under-test.conf"
acl_rules=${ACL_RULES:-0}
for i in $(seq 1 "$acl_rules"); do
  printf '[[auth.acl]]\npermit = "deny"\ntopics = ["blocked/%s/#", "other/+/%s"]\n' "$i" "$i" \
    >>"$tmp/nanomq-under-test.conf"
done

start_broker() { # name port
  case $1 in
    nanomq)
      taskset -c "$broker_cpu" "$nanomq_bin" start --conf "$tmp/nanomq-under-test.conf" --url "nmq-tcp://127.0.0.1:$2" \
        >"$tmp/broker.out" 2>&1 &
      ;;
    baseline)
      taskset -c "$broker_cpu" "$baseline" start --conf "$tmp/nanomq.conf" --url "nmq-tcp://127.0.0.1:$2" \
        >"$tmp/broker.out" 2>&1 &
      ;;
    mosquitto)
      printf 'listener %s 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nmax_inflight_messages 32\nmax_queued_messages 1024\nmax_connections -1\n' \
        "$2" >"$tmp/mosquitto.conf"
      taskset -c "$broker_cpu" mosquitto -c "$tmp/mosquitto.conf" >"$tmp/broker.out" 2>&1 &
      ;;
  esac
  pid=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "$1 did not start" >&2; cat "$tmp/broker.out" >&2; exit 1
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

# nanomq-cli bench exits 3 when clients failed; the JSON summary counts them ("failed"), which
# the tables report, so a run goes on.
bench() { taskset -c "$client_cpus" "$cli" bench "$@" || true; }

# One throughput scenario: subscribers first, then publishers for $duration seconds.
# Prints one JSON line with the subscriber summary and the publisher's sent count.
throughput() { # port name sub_clients sub_topic pub_clients pub_topic qos copies
  # copies: how many subscribers receive each published message (fan-out), for "lost".
  local port=$1 name=$2 copies=${8:-1}
  bench sub -p "$port" -c "$3" -t "$4" -q "$7" --duration $((duration + 4)) --json >"$tmp/sub.json" 2>/dev/null &
  local sub=$!
  sleep 1
  bench pub -p "$port" -c "$5" -t "$6" -q "$7" -s 64 --duration "$duration" --json >"$tmp/pub.json" 2>/dev/null
  wait "$sub"
  python3 - "$name" "$tmp/sub.json" "$tmp/pub.json" "$copies" <<'PY'
import json, sys
name, sub, pub = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
copies = int(sys.argv[4])
print(json.dumps({"scenario": name, "value": sub["received_per_sec"], "sent": pub["sent"] * copies,
                  "received": sub["received"], "latency_ms": sub.get("latency_ms")}))
PY
}

latency() { # port: 10 publishers x 1000 msg/s = 10,000 msg/s into one subscriber, QoS 1
  local port=$1
  bench sub -p "$port" -c 1 -t 'lat/#' -q 1 --duration $((duration + 4)) --json >"$tmp/sub.json" 2>/dev/null &
  local sub=$!
  sleep 1
  bench pub -p "$port" -c 10 -t 'lat/%i' -q 1 -s 64 -I 1 --duration "$duration" --json >"$tmp/pub.json" 2>/dev/null
  wait "$sub"
  python3 - "$tmp/sub.json" "$tmp/pub.json" <<'PY'
import json, sys
sub, pub = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
l = sub["latency_ms"]
for q in ("p50", "p99"):
    print(json.dumps({"scenario": f"latency {q} ms @10k/s QoS1", "value": l[q], "sent": pub["sent"],
                      "received": sub["received"], "rate": sub["received_per_sec"]}))
PY
}

# One stream of 10,000 msg/s paced as a whole and shared by 10 publishers (`-R`), into one
# subscriber: latency counted from each message's scheduled time (no coordinated omission).
shared_latency() { # port qos
  local port=$1 qos=$2
  bench sub -p "$port" -c 1 -t 'slat/#' -q "$qos" --duration $((duration + 4)) --json >"$tmp/sub.json" 2>/dev/null &
  local sub=$!
  sleep 1
  bench pub -p "$port" -c 10 -t 'slat/%i' -q "$qos" -s 64 -R 10000 --duration "$duration" --json >"$tmp/pub.json" 2>/dev/null
  wait "$sub"
  python3 - "$tmp/sub.json" "$tmp/pub.json" "$qos" <<'PY'
import json, sys
sub, pub, qos = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
l = sub["latency_ms"]
for q, label in (("p99", "p99"), ("p999", "p99.9")):
    print(json.dumps({"scenario": f"shared 10k/s stream latency {label} ms QoS{qos}", "value": l[q],
                      "sent": pub["sent"], "received": sub["received"], "rate": sub["received_per_sec"]}))
PY
}

isolation() { # port: fan-in 10->1 QoS 1, without and then with a stuck subscriber to '#'
  local port=$1 stuck sub
  for with_stuck in no yes; do
    stuck=
    if [ "$with_stuck" = yes ]; then
      taskset -c "$client_cpus" python3 bench/stuck_sub.py "$port" '#' &
      stuck=$!
      sleep 0.5
    fi
    bench sub -p "$port" -c 1 -t 'iso/#' -q 1 --duration $((duration + 4)) --json >"$tmp/sub.json" 2>/dev/null &
    sub=$!
    sleep 1
    bench pub -p "$port" -c 10 -t 'iso/%i' -q 1 -s 64 --duration "$duration" --json >"$tmp/pub.json" 2>/dev/null
    wait "$sub"
    if [ -n "$stuck" ]; then kill "$stuck" 2>/dev/null || true; wait "$stuck" 2>/dev/null || true; fi
    python3 - "$with_stuck" "$tmp/sub.json" "$tmp/pub.json" <<'PY'
import json, sys
label = "with a stuck subscriber" if sys.argv[1] == "yes" else "alone"
sub, pub = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
print(json.dumps({"scenario": f"isolation: good subscriber msg/s, {label}", "value": sub["received_per_sec"],
                  "sent": pub["sent"], "received": sub["received"]}))
print(json.dumps({"scenario": f"isolation: publishers' PUBACK/s, {label}", "value": pub["sent_per_sec"]}))
PY
  done
}

idle() { # port: 10,000 idle connections: connect rate and broker RSS per connection
  local port=$1 before after
  before=$(rss_kb)
  bench conn -p "$port" -c 10000 -k 300 --duration 20 --json >"$tmp/conn.json" 2>/dev/null &
  local conn=$!
  # Wait (bounded) until the broker holds all 10,000 connections, then read its memory.
  for _ in $(seq 600); do
    [ "$(ss -Htn state established "( sport = :$port )" | wc -l)" -ge 10000 ] && break
    kill -0 "$conn" 2>/dev/null || break
    sleep 0.05
  done
  after=$(rss_kb)
  wait "$conn"
  python3 - "$tmp/conn.json" "$before" "$after" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
before, after = int(sys.argv[2]), int(sys.argv[3])
print(json.dumps({"scenario": "connect rate /s (10k conns)", "value": c["connect_rate"] or 0,
                  "connected": c["connected"], "failed": c["failed"]}))
connect = c.get("connect_ms") or {}
print(json.dumps({"scenario": "connect p99 ms (10k conns, 64 at a time)", "value": connect.get("p99", 0)}))
print(json.dumps({"scenario": "RSS KiB per idle conn", "value": (after - before) / max(c["connected"], 1),
                  "connected": c["connected"], "lower_is_better": True}))
PY
}

run_all() { # broker
  local port
  port=$(free_port)
  start_broker "$1" "$port"
  throughput "$port" "fan-in 10->1 QoS0 msg/s" 1 'fan/#' 10 'fan/%i' 0
  throughput "$port" "fan-in 10->1 QoS1 msg/s" 1 'fan/#' 10 'fan/%i' 1
  throughput "$port" "fan-out 1->50 QoS0 msg/s" 50 'out/t' 1 'out/t' 0 50
  throughput "$port" "100 pairs QoS1 msg/s" 100 'pair/%i' 100 'pair/%i' 1
  latency "$port"
  shared_latency "$port" 0
  shared_latency "$port" 1
  isolation "$port"
  stop_broker
  # Memory per idle connection is read on a fresh process: after the throughput runs, the
  # allocator would hand freed memory back to new connections and hide their cost.
  port=$(free_port)
  start_broker "$1" "$port"
  idle "$port"
  stop_broker
}

{
  echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  if [ "$other" = mosquitto ]; then
    echo "kernel: $(uname -r); mosquitto: $(mosquitto -h 2>/dev/null | head -1)"
  else
    echo "kernel: $(uname -r); baseline: $baseline"
  fi
  echo "nanomq-rs: $(git rev-parse --short HEAD 2>/dev/null || echo unknown); rounds: $rounds; ${duration}s per scenario; ACL rules: $acl_rules"
} | tee "$out/machine.txt"

for round in $(seq "$rounds"); do
  for broker in nanomq "$other"; do
    # Alternate which broker goes first in each round.
    if [ $((round % 2)) -eq 0 ]; then broker=$([ "$broker" = nanomq ] && echo "$other" || echo nanomq); fi
    echo "round $round: $broker" >&2
    run_all "$broker" | sed "s/^{/{\"broker\": \"$broker\", \"round\": $round, /" | tee -a "$out/results.jsonl" >&2
  done
done

python3 - "$out/results.jsonl" "$out/machine.txt" "$other" <<'PY' | tee "$out/table.md"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
other = sys.argv[3]
order, data, extra = [], {}, {}
for r in rows:
    key = r["scenario"]
    if key not in order:
        order.append(key)
    data.setdefault((key, r["broker"]), []).append(r["value"])
    lost = r.get("sent", 0) - r.get("received", r.get("sent", 0))
    if "sent" in r and "received" in r:
        extra.setdefault((key, r["broker"]), []).append(lost)
print(open(sys.argv[2]).read().strip().replace("\n", "  \n"))
print()
print(f"| scenario | nanomq-rs | {other} | ratio | lost (nanomq-rs / {other}) |")
print("|---|---:|---:|---:|---|")
lower_better = ("latency", "RSS", "connect p99")
for key in order:
    a = statistics.median(data.get((key, "nanomq"), [0]))
    b = statistics.median(data.get((key, other), [0]))
    if any(w in key for w in lower_better):
        ratio = b / a if a else float("inf")
        note = f" (lower is better; ratio = {other}/nanomq-rs)"
    else:
        ratio = a / b if b else float("inf")
        note = ""
    la = extra.get((key, "nanomq"))
    lb = extra.get((key, other))
    lost = f"{max(la)} / {max(lb)}" if la and lb else ""
    fmt = (lambda v: f"{v:,.3f}") if max(a, b) < 10 else (lambda v: f"{v:,.0f}")
    print(f"| {key}{note} | {fmt(a)} | {fmt(b)} | {ratio:.2f}x | {lost} |")
PY
echo "results in $out"

# The durability scenarios (fan-in QoS 1 into a persistent subscriber with the store on and
# off, against Mosquitto with persistence; recovery of 1,000,000 queued messages): their own
# script, run here too unless SKIP_DURABILITY=1.
if [ -z "${SKIP_DURABILITY:-}" ] && [ -z "$baseline" ]; then
  bench/durability.sh "$rounds"
fi
