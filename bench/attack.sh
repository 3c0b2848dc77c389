#!/usr/bin/env bash
# Half-open connection attack on the release broker (not part of CI): see bench/attack.py.
#
#   bench/attack.sh [N]        (default 10000 MQTT and 10000 HTTP connections)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p nanomq
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec python3 bench/attack.py "${1:-10000}" --broker target/release/nanomq
