#!/usr/bin/env bash
# TLS interop with mosquitto_pub/mosquitto_sub: server TLS (--cafile), mutual TLS (--cert),
# a certificate from another CA refused. Usage: transport_check.sh HOST TLS_PORT CERT_DIR
set -euo pipefail
host=$1 port=$2 certs=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
tls=(-h localhost -p "$port" --cafile "$certs/ca.pem")

# Server-only TLS: a retained message round trip through the TLS listener.
mosquitto_pub "${tls[@]}" -t tls/check -m "over tls" -r -q 1
out=$(mosquitto_sub "${tls[@]}" -t tls/check -C 1 -W 5)
[ "$out" = "over tls" ] || fail "server TLS: got '$out'"
echo "ok: mosquitto over TLS (--cafile)"

# Mutual TLS with a client certificate from the CA.
out=$(mosquitto_sub "${tls[@]}" --cert "$certs/client.pem" --key "$certs/client.key" -t tls/check -C 1 -W 5 -V mqttv5)
[ "$out" = "over tls" ] || fail "mutual TLS: got '$out'"
echo "ok: mosquitto over mutual TLS (--cert)"

# A certificate from another CA is refused.
if mosquitto_sub "${tls[@]}" --cert "$certs/stranger.pem" --key "$certs/stranger.key" -t tls/check -C 1 -W 3 >/dev/null 2>&1; then
  fail "a certificate from another CA was accepted"
fi
echo "ok: foreign client certificate refused"
mosquitto_pub "${tls[@]}" -t tls/check -m '' -r -q 1
