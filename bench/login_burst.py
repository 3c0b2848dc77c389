#!/usr/bin/env python3
"""A burst of password logins against the release broker: what it costs in memory.

    bench/login_burst.py [--logins 1000] [--wrong 0.5] [--hash edge|argon2-default]

(`--hash argon2-default` needs `pip install argon2-cffi` to write the hash.)

Writes a password file with one argon2id user (`edge`: what `nanomq-cli passwd` writes,
m=7 MiB t=5; `argon2-default`: the argon2 crate's default, m=19 MiB t=2, as older files
have), starts `target/release/nanomq` on it, and opens `--logins` MQTT 3.1.1 connections at
once, a `--wrong` fraction of them with a wrong password, each from its own socket. Samples
the broker's RSS every 10 ms and prints idle, peak and after (3 s after the last answer),
the answers by CONNACK code, and the time the burst took.

Target (issue 22, item 5): the peak stays within 64 MB of idle, and RSS returns near idle.
"""

import argparse
import asyncio
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def utf8(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def connect_packet(client_id, user, password):
    variable = utf8("MQTT") + bytes([4, 0b11000010]) + struct.pack("!H", 60)
    payload = utf8(client_id) + utf8(user) + utf8(password)
    body = variable + payload
    length = len(body)
    encoded = bytearray()
    while True:
        byte = length % 128
        length //= 128
        encoded.append(byte | (0x80 if length else 0))
        if not length:
            break
    return bytes([0x10]) + bytes(encoded) + body


async def login(port, n, wrong, codes):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        codes["connect failed"] = codes.get("connect failed", 0) + 1
        return None
    password = "nope" if wrong else "pw"
    writer.write(connect_packet(f"burst-{n}", "alice", password))
    await writer.drain()
    try:
        head = await asyncio.wait_for(reader.readexactly(4), 120)
        code = f"0x{head[3]:02x}"
    except (asyncio.IncompleteReadError, asyncio.TimeoutError, OSError):
        code = "closed"
    codes[code] = codes.get(code, 0) + 1
    return writer


async def burst(port, logins, wrong_fraction):
    codes = {}
    wrong_every = int(1 / wrong_fraction) if wrong_fraction > 0 else 0
    tasks = [
        login(port, n, wrong_every and n % wrong_every == 0, codes) for n in range(logins)
    ]
    writers = await asyncio.gather(*tasks)
    for writer in writers:
        if writer is not None:
            writer.close()
    return codes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=1000)
    parser.add_argument("--wrong", type=float, default=0.5)
    parser.add_argument("--hash", choices=["edge", "argon2-default"], default="edge")
    parser.add_argument("--broker", default=os.path.join(ROOT, "target/release/nanomq"))
    parser.add_argument("--cli", default=os.path.join(ROOT, "target/release/nanomq-cli"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="login-burst-")
    passwd = os.path.join(work, "passwd")
    if args.hash == "edge":
        subprocess.run(
            [args.cli, "passwd", passwd, "alice", "--password-stdin"],
            input=b"pw\n",
            check=True,
            capture_output=True,
        )
    else:
        # The argon2 crate's defaults (m=19 MiB, t=2), as files written before had them.
        from argon2 import PasswordHasher  # pip install argon2-cffi

        phc = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash("pw")
        with open(passwd, "w") as f:
            f.write(f"alice:{phc}\n")
    port = free_port()
    conf = os.path.join(work, "nanomq.conf")
    with open(conf, "w") as f:
        f.write(
            f'url = "nmq-tcp://127.0.0.1:{port}"\nallow_anonymous = false\n'
            f'[auth]\npassword_file = "{passwd}"\n'
            '[websocket]\nenable = false\n[http_server]\nenable = false\n'
            '[persistence]\nenable = false\n'
        )
    broker = subprocess.Popen(
        [args.broker, "start", "--conf", conf],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    broker.stdout.readline()
    time.sleep(1.0)
    idle = rss_kib(broker.pid)
    peak = [idle]
    running = [True]

    def sample():
        while running[0]:
            peak[0] = max(peak[0], rss_kib(broker.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    codes = asyncio.run(burst(port, args.logins, args.wrong))
    took = time.monotonic() - started
    time.sleep(3.0)
    running[0] = False
    sampler.join()
    after = rss_kib(broker.pid)
    broker.terminate()
    broker.wait()
    mib = lambda kib: kib / 1024
    print(
        f"hash={args.hash} logins={args.logins} wrong={args.wrong:.0%} took={took:.1f}s "
        f"answers={dict(sorted(codes.items()))}"
    )
    print(
        f"RSS idle {mib(idle):.1f} MiB, peak {mib(peak[0]):.1f} MiB "
        f"(+{mib(peak[0] - idle):.1f}), after {mib(after):.1f} MiB (+{mib(after - idle):.1f})"
    )
    ok = peak[0] - idle <= 64 * 1024
    print("target (peak within 64 MB of idle):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
