#!/usr/bin/env bash
# Interop checks with Debian's mosquitto_pub / mosquitto_sub (MQTT 3.1.1 and 5) against a
# running broker. Usage: mosquitto_check.sh HOST PORT
set -euo pipefail
host=$1 port=$2
tmp=$(mktemp -d)
subs=()
cleanup() { for p in "${subs[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pub() { mosquitto_pub -h "$host" -p "$port" "$@"; }

# Waits (bounded) until FILE holds the exact line LINE.
wait_for_line() {
  local file=$1 line=$2
  for _ in $(seq 100); do
    grep -qxF -- "$line" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "never saw '$line' in $file: $(cat "$file" 2>/dev/null)"
}

# Starts a subscriber writing to FILE and waits until its subscription is live: it probes
# TOPIC_PREFIX/probe until the subscriber prints it.
start_sub() {
  local file=$1 prefix=$2 version=$3; shift 3
  mosquitto_sub -h "$host" -p "$port" -V "$version" -t "$prefix/#" -q 2 -v "$@" >"$file" &
  subs+=($!)
  for _ in $(seq 100); do
    pub -V "$version" -t "$prefix/probe" -m ready
    grep -q "^$prefix/probe" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "subscriber on $prefix never became ready"
}

for v in mqttv311 mqttv5; do
  start_sub "$tmp/$v.out" "mosq/$v" "$v"
  for q in 0 1 2; do
    pub -V "$v" -t "mosq/$v/q$q" -m "hello $q" -q "$q"
  done
  for q in 0 1 2; do
    wait_for_line "$tmp/$v.out" "mosq/$v/q$q hello $q"
  done
  echo "ok: mosquitto $v QoS 0/1/2"
done

# Retained: a late subscriber gets it with the retain flag; an empty payload clears it.
pub -t mosq/retained -m kept -r -q 1
out=$(mosquitto_sub -h "$host" -p "$port" -t mosq/retained -C 1 -W 5 -F '%r %p')
[ "$out" = "1 kept" ] || fail "retained: got '$out'"
pub -t mosq/retained -m '' -r -q 1
if mosquitto_sub -h "$host" -p "$port" -t mosq/retained -C 1 -W 1 >/dev/null 2>&1; then
  fail "retained message not cleared"
fi
echo "ok: mosquitto retained set/clear"

# MQTT 5 user properties pass through.
start_sub "$tmp/props.out" mosq/props mqttv5 -F '%t %P'
pub -V mqttv5 -t mosq/props/x -m x -D publish user-property k v -q 1
wait_for_line "$tmp/props.out" "mosq/props/x k:v"
echo "ok: mosquitto MQTT 5 user properties"

# Persistent session (3.1.1, clean session off): QoS 1 queued while the client is away.
mosquitto_sub -h "$host" -p "$port" -c -i mosq-durable -q 1 -t mosq/durable -E
for i in 1 2 3; do pub -t mosq/durable -m "m$i" -q 1; done
out=$(mosquitto_sub -h "$host" -p "$port" -c -i mosq-durable -q 1 -t mosq/durable -C 3 -W 5 | tr '\n' ' ')
[ "$out" = "m1 m2 m3 " ] || fail "persistent session: got '$out'"
echo "ok: mosquitto persistent session"
echo "mosquitto interop: all checks passed"
