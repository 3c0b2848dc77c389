#!/usr/bin/env bash
# Soak run of the release broker with misbehaving clients (not part of CI): see bench/soak.py.
#
#   bench/soak.sh [SECONDS]        (default 600; needs python3 and paho-mqtt)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import paho.mqtt' 2>/dev/null || pip install -q paho-mqtt
cargo build --release -q -p nanomq
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec python3 bench/soak.py "${1:-600}" --broker target/release/nanomq
