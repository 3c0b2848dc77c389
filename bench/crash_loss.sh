#!/usr/bin/env bash
# Kill under load, 20 times: numbered QoS 1 messages into an offline persistent session,
# kill -9 mid-stream, restart on the same store, and count acknowledged messages that were
# not delivered (must be 0). See bench/crash_loss.py.
#
#   bench/crash_loss.sh [RUNS] [SYNC]     (default 20 runs, sync = "always"; needs python3 and
#                                          paho-mqtt: pip install paho-mqtt)
#
# With SYNC=interval the loss is not 0 by design: up to sync_interval_ms of acknowledged
# messages are at risk (docs/durability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p nanomq
python3 bench/crash_loss.py target/release/nanomq "${1:-20}" "${2:-always}"
