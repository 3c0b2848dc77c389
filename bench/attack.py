#!/usr/bin/env python3
"""Half-open connection attack on the release broker (not part of CI).

    bench/attack.sh [N]        (default 10000 of each kind)

Opens N MQTT sockets that never complete CONNECT (a third of them announce a 1 MB CONNECT and
stop) and N HTTP connections that send half a request head, as fast as it can. During the
attack it checks, every second, that a fresh MQTT client connects and gets a PINGRESP and that
the HTTP API answers a real request, and samples the broker's RSS. Then it waits until the
broker has closed every attacking socket.

Targets (issue 9): RSS under 200 MB, every attacking socket closed within 15 s of its opening,
and the fresh client and the API served throughout.
"""

import argparse
import base64
import os
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


CONNECT = bytes([0x10, 0x0d, 0x00, 0x04]) + b"MQTT" + bytes([0x04, 0x02, 0x00, 0x3c, 0x00, 0x01]) + b"f"
BIG_CONNECT_HEAD = bytes([0x10, 0xC0, 0x84, 0x3D])  # remaining length 1,000,000
HALF_HTTP = b"GET /api/v4/brokers HTTP/1.1\r\nHost: x\r\n"
AUTH = "Basic " + base64.b64encode(b"admin:public").decode()


def probe_mqtt(port):
    """Seconds for a fresh client to connect and get a PINGRESP, or None."""
    start = time.time()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(CONNECT)
            if s.recv(4)[:1] != b"\x20":
                return None
            s.sendall(b"\xc0\x00")
            if s.recv(2) != b"\xd0\x00":
                return None
        return time.time() - start
    except OSError:
        return None


def probe_http(port):
    start = time.time()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(f"GET /api/v4/brokers HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH}\r\nConnection: close\r\n\r\n".encode())
            if not s.recv(12).startswith(b"HTTP/1.1 200"):
                return None
        return time.time() - start
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--broker", default="target/release/nanomq")
    args = parser.parse_args()

    mqtt_port, http_port = free_port(), free_port()
    tmp = tempfile.mkdtemp()
    conf = os.path.join(tmp, "nanomq.conf")
    with open(conf, "w") as f:
        f.write(f'url = "nmq-tcp://127.0.0.1:{mqtt_port}"\n[log]\nlevel = "error"\n'
                f'[websocket]\nenable = false\n[http_server]\nport = {http_port}\n')
    broker = subprocess.Popen([args.broker, "start", "--conf", conf], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(tmp, "broker.log"), "w"))
    time.sleep(1)
    if broker.poll() is not None:
        sys.exit("the broker did not start")
    idle_rss = rss_kib(broker.pid)

    stop = threading.Event()
    probes = {"mqtt": [], "http": [], "rss": []}

    def prober():
        while not stop.is_set():
            probes["mqtt"].append(probe_mqtt(mqtt_port))
            probes["http"].append(probe_http(http_port))
            probes["rss"].append(rss_kib(broker.pid))
            stop.wait(1)

    probe_thread = threading.Thread(target=prober, daemon=True)
    probe_thread.start()

    sel = selectors.DefaultSelector()
    opened = {}
    start = time.time()
    failed = 0
    for i in range(args.n):
        for kind, port in (("mqtt", mqtt_port), ("http", http_port)):
            try:
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", port))
                opened[s] = (kind, time.time())
                sel.register(s, selectors.EVENT_WRITE)
            except OSError:
                failed += 1
    # Send each one its partial bytes once it is connected, then wait for the broker to close it.
    pending_write = set(opened)
    closed_after = []
    deadline = time.time() + 60
    while opened and time.time() < deadline:
        for key, mask in sel.select(timeout=0.5):
            s = key.fileobj
            kind, born = opened[s]
            if s in pending_write and mask & selectors.EVENT_WRITE:
                pending_write.discard(s)
                try:
                    if kind == "http":
                        s.send(HALF_HTTP)
                    elif hash(s) % 3 == 0:
                        s.send(BIG_CONNECT_HEAD)
                except OSError:
                    pass
                sel.modify(s, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:
                continue  # an answer (408 for a half request); the close follows
            sel.unregister(s)
            s.close()
            closed_after.append(time.time() - born)
            del opened[s]
    stop.set()
    probe_thread.join()
    peak = max(probes["rss"]) if probes["rss"] else 0
    alive = broker.poll() is None
    broker.terminate()
    broker.wait(10)

    mqtt_ok = [p for p in probes["mqtt"] if p is not None]
    http_ok = [p for p in probes["http"] if p is not None]
    print(f"attacking sockets: {2 * args.n} ({failed} could not be opened) in {time.time() - start:.1f} s")
    print(f"broker RSS: idle {idle_rss / 1024:.1f} MiB, peak during the attack {peak / 1024:.1f} MiB")
    if closed_after:
        closed_after.sort()
        print(f"closed by the broker: {len(closed_after)}, still open after 60 s: {len(opened)}; "
              f"time to close: median {closed_after[len(closed_after) // 2]:.2f} s, max {closed_after[-1]:.2f} s")
    print(f"fresh MQTT client during the attack: {len(mqtt_ok)}/{len(probes['mqtt'])} served, "
          f"slowest {max(mqtt_ok, default=0) * 1000:.0f} ms")
    print(f"HTTP API during the attack: {len(http_ok)}/{len(probes['http'])} answered, "
          f"slowest {max(http_ok, default=0) * 1000:.0f} ms")
    print(f"broker alive at the end: {alive}")
    ok = alive and peak < 200 * 1024 and not opened and closed_after and closed_after[-1] <= 15 \
        and len(mqtt_ok) == len(probes["mqtt"]) and len(http_ok) == len(probes["http"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
