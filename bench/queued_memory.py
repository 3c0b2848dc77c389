#!/usr/bin/env python3
"""Memory per queued message: one offline persistent session, N QoS 1 messages of 64 bytes
published to it, the broker's RSS before and after, divided by N.

    bench/queued_memory.py BROKER [N] [--store]     (N default 200000; store off unless --store)

Several brokers can be compared by running it once for each (same N). Needs mosquitto_sub
(for the session) and target/release/nanomq-cli (the publishers; CLI= to use another).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time

broker = sys.argv[1]
args = [a for a in sys.argv[2:] if not a.startswith("--")]
count = int(args[0]) if args else 200_000
store = "--store" in sys.argv
cli = os.environ.get("CLI", "target/release/nanomq-cli")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


port = free_port()
with tempfile.TemporaryDirectory() as tmp:
    conf = os.path.join(tmp, "nanomq.conf")
    with open(conf, "w") as f:
        f.write(
            f'url = "nmq-tcp://127.0.0.1:{port}"\n'
            "num_taskq_thread = 1\nmax_taskq_thread = 1\n"
            "msq_len = 10000000\nmax_queued_bytes = 0\nparallel = 64\n"
            '[log]\nlevel = "warn"\n[websocket]\nenable = false\n[http_server]\nenable = false\n'
            f"[persistence]\nenable = {'true' if store else 'false'}\n"
            f'dir = "{tmp}/data"\n'
        )
    proc = subprocess.Popen([broker, "start", "--conf", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        subprocess.run(["mosquitto_sub", "-p", str(port), "-V", "mqttv5", "-i", "keeper", "-c",
                        "-x", "3600", "-q", "1", "-t", "q/#", "-E"], check=True)
        time.sleep(1)
        before = rss_kib(proc.pid)
        subprocess.run([cli, "bench", "pub", "-p", str(port), "-V", "5", "-c", "10", "-q", "1",
                        "-s", "64", "-t", "q/%i", "-L", str(count // 10), "--json"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        after = rss_kib(proc.pid)
        per = (after - before) * 1024 / count
        print(f"{broker}: {count} queued, RSS {before / 1024:.1f} -> {after / 1024:.1f} MiB, "
              f"{per:.0f} B per message ({per - 64:.0f} B + the 64-byte payload)")
    finally:
        proc.terminate()
        proc.wait()
