#!/usr/bin/env python3
"""Issue 23's attacks on the limits, against nanomq-rs and Mosquitto side by side.

    bench/limits_attack.py [--seconds 10] [--only NAME]     (needs: mosquitto, the release build)

Each attack runs against a fresh broker of each kind (nanomq-rs on its default limits, with
its store on; Mosquitto 2 on Debian's defaults), while a good client publishes QoS 1 to a
good subscriber on the same broker. Printed per broker and attack: RSS before, at its peak and
3 s after; the good pair's rate against its rate with no attack; and for nanomq-rs the
refusals and drops its /metrics counted. Attacks, as the issue found them:

- sys:        300 anonymous subscribers to $SYS/# that never read, plus connection churn
- wills:      a subscriber to wills/# that never reads; clients with 60 KB wills that drop
- aliases:    100 MQTT 5 connections, each setting up as many topic aliases as allowed on
              64 KB topics (aliases 1..256 asked; the broker's maximum holds)
- retained:   one client publishing 60 KB retained messages to new topics, as fast as it can
- subs:       one client subscribing to as many distinct filters as it can (batches of 1000)

Target: RSS under 256 MiB through every attack; the good pair keeps >= 95% of its rate.
"""

import argparse
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def s16(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("!H", len(data)) + data


def packet(kind, body):
    return bytes([kind]) + varint(len(body)) + body


def connect(client_id, version=5, will=None, topic_alias_max=0):
    flags = 0x02
    props = b""
    if version == 5:
        props = varint(0)
        if topic_alias_max:
            p = b"\x22" + struct.pack("!H", topic_alias_max)
            props = varint(len(p)) + p
    payload = s16(client_id)
    if will:
        topic, message = will
        flags |= 0x04 | 0x08  # will, QoS 1
        if version == 5:
            payload += varint(0)
        payload += s16(topic) + s16(message)
    body = s16("MQTT") + bytes([version, flags]) + struct.pack("!H", 60) + props + payload
    return packet(0x10, body)


def subscribe(filters, pid=1, version=5):
    body = struct.pack("!H", pid) + (varint(0) if version == 5 else b"")
    for f in filters:
        body += s16(f) + b"\x01"
    return packet(0x82, body)


def publish(topic, payload, qos=0, pid=1, retain=False, alias=None, version=5):
    body = s16(topic)
    if qos:
        body += struct.pack("!H", pid)
    if version == 5:
        props = (b"\x23" + struct.pack("!H", alias)) if alias else b""
        body += varint(len(props)) + props
    return packet(0x30 | (qos << 1) | (1 if retain else 0), body + payload)


def sock(port, data=b"", timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if data:
        s.sendall(data)
    return s


def read_some(s, n=4):
    try:
        return s.recv(n)
    except OSError:
        return b""


class GoodPair:
    """A QoS 1 publisher and its subscriber, paced by PUBACKs, counting what arrives."""

    def __init__(self, port):
        self.port, self.stop, self.count, self.errors = port, threading.Event(), 0, 0
        self.sub = sock(port, connect("good-sub") + subscribe(["good/t"]))
        read_some(self.sub, 64)
        self.pub = sock(port, connect("good-pub"))
        read_some(self.pub, 64)
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        pid = 0
        while not self.stop.is_set():
            pid = pid % 65000 + 1
            try:
                self.pub.sendall(publish("good/t", b"x" * 64, qos=1, pid=pid))
                while True:
                    head = self.pub.recv(1)
                    if not head:
                        raise OSError("closed")
                    length = self.pub.recv(1)[0]
                    rest = self.pub.recv(length) if length else b""
                    if head[0] & 0xF0 == 0x40 and rest[:2] == struct.pack("!H", pid):
                        break
                self.count += 1
                self.sub.setblocking(False)
                try:
                    while self.sub.recv(65536):
                        pass
                except BlockingIOError:
                    pass
                self.sub.setblocking(True)
            except OSError:
                self.errors += 1
                time.sleep(0.05)

    def rate(self, seconds):
        self.count = 0
        self.thread.start()
        time.sleep(seconds)
        self.stop.set()
        return self.count / seconds


def attack_sys(port, stop):
    held = []
    for i in range(300):
        held.append(sock(port, connect(f"sys-{i}") + subscribe(["$SYS/#"])))
    n = 0
    while not stop.is_set():
        try:
            s = sock(port, connect(f"churn-{n % 50}"))
            read_some(s)
            s.close()
        except OSError:
            pass
        n += 1
    return held


def attack_wills(port, stop):
    deaf = [sock(port, connect("deaf") + subscribe(["wills/#"]))]
    payload = b"w" * 60_000
    n = 0
    while not stop.is_set():
        try:
            s = sock(port, connect(f"dying-{n % 100}", will=(f"wills/{n}", payload)))
            read_some(s)
            s.close()  # no DISCONNECT: the will is published
        except OSError:
            pass
        n += 1
    return deaf


def attack_aliases(port, stop):
    held = []
    for i in range(100):
        try:
            s = sock(port, connect(f"alias-{i}", topic_alias_max=256))
            read_some(s, 64)
            for alias in range(1, 257):
                topic = f"{alias}/" + "t" * 64_000
                s.sendall(publish(topic, b"x", alias=alias))
            held.append(s)
        except OSError:
            pass
        if stop.is_set():
            break
    stop.wait()
    return held


def attack_retained(port, stop):
    s = sock(port, connect("filler"))
    read_some(s)
    payload = b"r" * 60_000
    n = 0
    while not stop.is_set():
        try:
            s.sendall(publish(f"fill/{n}", payload, qos=1, pid=n % 65000 + 1, retain=True))
        except OSError:
            s = sock(port, connect(f"filler-{n}"))
            read_some(s)
        n += 1
    return [s]


def attack_subs(port, stop):
    s = sock(port, connect("subscriber"))
    read_some(s)
    n = 0
    while not stop.is_set():
        try:
            s.sendall(subscribe([f"f/{n}/{k}" for k in range(1000)], pid=n % 65000 + 1))
        except OSError:
            break
        n += 1
    return [s]


ATTACKS = {
    "sys": attack_sys,
    "wills": attack_wills,
    "aliases": attack_aliases,
    "retained": attack_retained,
    "subs": attack_subs,
}


def start(kind, work):
    port, http = free_port(), free_port()
    if kind == "nanomq-rs":
        conf = os.path.join(work, "nanomq.conf")
        with open(conf, "w") as f:
            f.write(
                f'url = "nmq-tcp://127.0.0.1:{port}"\nsys_interval = 1\n[log]\nlevel = "error"\n'
                f'[websocket]\nenable = false\n[http_server]\nport = {http}\nip_addr = "127.0.0.1"\n'
                f'[persistence]\ndir = "{work}/data"\n'
            )
        cmd = [os.path.join(ROOT, "target/release/nanomq"), "start", "--conf", conf]
    else:
        conf = os.path.join(work, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nsys_interval 1\n")
        cmd = ["mosquitto", "-c", conf]
    proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, port, http


def metrics(http):
    auth = "Basic " + base64.b64encode(b"admin:public").decode()
    req = urllib.request.Request(f"http://127.0.0.1:{http}/api/v4/metrics", headers={"Authorization": auth})
    try:
        return json.load(urllib.request.urlopen(req, timeout=5))["data"]
    except OSError:
        return {}


def run(kind, name, seconds):
    work = tempfile.mkdtemp(prefix=f"attack-{name}-")
    proc, port, http = start(kind, work)
    time.sleep(0.5)
    baseline = GoodPair(port).rate(2)
    before = rss_kib(proc.pid)
    peak = [before]
    stop = threading.Event()
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            peak[0] = max(peak[0], rss_kib(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    held = []
    attacker = threading.Thread(target=lambda: held.extend(ATTACKS[name](port, stop) or []), daemon=True)
    attacker.start()
    time.sleep(1)
    during = GoodPair(port).rate(seconds)
    stop.set()
    attacker.join(10)
    for s in held:
        s.close()
    time.sleep(3)
    sampling.set()
    after = rss_kib(proc.pid)
    counted = metrics(http) if kind == "nanomq-rs" else {}
    proc.terminate()
    proc.wait(10)
    mib = lambda k: k / 1024
    refused = counted.get("refused", {})
    extra = (
        f" dropped={counted.get('messages_dropped', 0)} refused={refused}" if counted else ""
    )
    ok = peak[0] < 256 * 1024 and during >= 0.95 * baseline
    print(
        f"{name:9} {kind:10} RSS {mib(before):6.1f} -> peak {mib(peak[0]):7.1f} -> after {mib(after):7.1f} MiB; "
        f"good pair {during:7.0f}/s of {baseline:7.0f}/s ({during / max(baseline, 1):4.0%}){extra}"
        f"{'' if kind != 'nanomq-rs' else ('  ok' if ok else '  MISSED')}",
        flush=True,
    )
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--only")
    args = parser.parse_args()
    names = [args.only] if args.only else list(ATTACKS)
    all_ok = True
    for name in names:
        for kind in ("nanomq-rs", "mosquitto"):
            ok = run(kind, name, args.seconds)
            all_ok &= ok or kind != "nanomq-rs"
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
