#!/usr/bin/env python3
"""Soak: the release broker under mixed load for a long while, with clients that misbehave.

    bench/soak.sh [SECONDS]          (default 600; needs python3 with paho-mqtt)

Good clients (their own process, so that the bad ones cannot starve them of CPU): publishers
sending numbered QoS 1 messages at a steady pace, and subscribers checking that every message
a publisher got a PUBACK for arrives, in order, exactly once per subscriber.

Bad clients, all at once, for the whole run:
  stuck      subscribe to '#' at QoS 1, read everything, never acknowledge
  deaf       subscribe to '#' with keep alive 0 and never read
  storm      connect and drop, over and over, with fresh client ids
  takeover   two connections fighting over one client id
  garbage    malformed packets, before and after CONNECT
  half-open  sockets that never send CONNECT, or announce a 1 MB one and stop

Every 10 s it prints the broker's RSS and connection count and the good clients' counts; at the
end the good clients' loss (must be 0) and the RSS of the first and last minute (flat = no leak).
"""

import argparse
import base64
import json
import multiprocessing as mp
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import paho.mqtt.client as mqtt

GOOD_PUBLISHERS = 4
GOOD_SUBSCRIBERS = 2
GOOD_RATE = 200  # messages per second per publisher


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def broker_state(http_port):
    """Sessions, subscriptions and retained messages the broker holds, from its HTTP API."""
    request = urllib.request.Request(f"http://127.0.0.1:{http_port}/api/v4/metrics")
    request.add_header("Authorization", "Basic " + base64.b64encode(b"admin:public").decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            data = json.load(response)["data"]
        return data["sessions"], data["subscriptions"], data["retained"]
    except (OSError, ValueError, KeyError):
        return None, None, None


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---- raw MQTT 3.1.1 packets -------------------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        byte = n % 128
        n //= 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def string(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def connect_packet(client_id, keepalive=60, clean=True):
    body = string("MQTT") + bytes([4, 0x02 if clean else 0]) + struct.pack("!H", keepalive)
    body += string(client_id)
    return bytes([0x10]) + varint(len(body)) + body


def subscribe_packet(filter_, qos, pid=1):
    body = struct.pack("!H", pid) + string(filter_) + bytes([qos])
    return bytes([0x82]) + varint(len(body)) + body


def raw_session(port, client_id, keepalive=60):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(connect_packet(client_id, keepalive))
    return s


# ---- bad clients ------------------------------------------------------------------------

def stuck(port, stop):
    while not stop.is_set():
        try:
            s = raw_session(port, f"stuck-{random.randrange(1 << 30)}")
            s.sendall(subscribe_packet("#", 1))
            s.settimeout(1)
            end = time.time() + 60
            while time.time() < end and not stop.is_set():
                try:
                    if not s.recv(65536):
                        break
                except socket.timeout:
                    pass
            s.close()
        except OSError:
            time.sleep(0.5)


def deaf(port, stop):
    while not stop.is_set():
        try:
            s = raw_session(port, f"deaf-{random.randrange(1 << 30)}", keepalive=0)
            s.sendall(subscribe_packet("#", 0))
            # Never reads: the broker ends it after write_timeout (10 s here); then again.
            stop.wait(30)
            s.close()
        except OSError:
            time.sleep(0.5)


def storm(port, stop):
    while not stop.is_set():
        try:
            s = raw_session(port, f"storm-{random.randrange(1 << 30)}")
            s.recv(4)
            s.close()
        except OSError:
            time.sleep(0.1)
        time.sleep(0.02)


def takeover(port, stop):
    held = []
    while not stop.is_set():
        try:
            held.append(raw_session(port, "contested"))
            if len(held) > 2:
                held.pop(0).close()
        except OSError:
            pass
        time.sleep(0.1)


def garbage(port, stop):
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if random.random() < 0.5:
                s.sendall(connect_packet(f"garbage-{random.randrange(1 << 30)}"))
            s.sendall(os.urandom(random.randrange(1, 512)))
            s.close()
        except OSError:
            pass
        time.sleep(0.05)


def half_open(port, stop):
    open_ = []
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if random.random() < 0.3:
                s.sendall(bytes([0x10]) + varint(1_000_000))
            open_.append(s)
            if len(open_) > 500:
                open_.pop(0).close()
        except OSError:
            time.sleep(0.1)
        time.sleep(0.01)


BAD = [stuck, stuck, deaf, storm, takeover, garbage, half_open]


def run_bad(port, stop_event):
    stop = threading.Event()
    threads = [threading.Thread(target=f, args=(port, stop), daemon=True) for f in BAD]
    for t in threads:
        t.start()
    stop_event.wait()
    stop.set()


# ---- good clients -----------------------------------------------------------------------

def run_good(port, duration, results):
    acked = [0] * GOOD_PUBLISHERS
    received = [[0] * GOOD_PUBLISHERS for _ in range(GOOD_SUBSCRIBERS)]
    problems = []
    lock = threading.Lock()

    def on_message(index):
        def handler(client, userdata, message):
            who, seq = struct.unpack("!II", message.payload[:8])
            with lock:
                expected = received[index][who]
                if seq == expected:
                    received[index][who] += 1
                elif seq < expected:
                    pass  # a resend after a reconnection: a duplicate, not a loss
                else:
                    problems.append(f"subscriber {index}: publisher {who} jumped {expected} -> {seq}")
                    received[index][who] = seq + 1
        return handler

    subscribers = []
    for i in range(GOOD_SUBSCRIBERS):
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"good-sub-{i}", clean_session=False)
        c.max_inflight_messages_set(64)
        c.on_message = on_message(i)
        c.connect("127.0.0.1", port, keepalive=30)
        c.subscribe("soak/good/#", qos=1)
        c.loop_start()
        subscribers.append(c)
    time.sleep(1)

    def publisher(who):
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"good-pub-{who}")
        c.max_inflight_messages_set(64)
        c.max_queued_messages_set(0)

        def on_publish(client, userdata, mid, reason_code, properties):
            with lock:
                acked[who] += 1
        c.on_publish = on_publish
        c.connect("127.0.0.1", port, keepalive=30)
        c.loop_start()
        start = time.time()
        seq = 0
        while time.time() - start < duration:
            due = int((time.time() - start) * GOOD_RATE)
            while seq < due:
                c.publish(f"soak/good/{who}", struct.pack("!II", who, seq) + b"x" * 56, qos=1)
                seq += 1
            time.sleep(0.005)
        deadline = time.time() + 30
        while time.time() < deadline:
            with lock:
                if acked[who] >= seq:
                    break
            time.sleep(0.1)
        c.loop_stop()
        c.disconnect()

    threads = [threading.Thread(target=publisher, args=(w,)) for w in range(GOOD_PUBLISHERS)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        with lock:
            results["acked"] = sum(acked)
            results["received"] = [sum(r) for r in received]
        time.sleep(1)
    # Let the subscribers drain.
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            done = all(received[i][w] >= acked[w] for i in range(GOOD_SUBSCRIBERS) for w in range(GOOD_PUBLISHERS))
        if done:
            break
        time.sleep(0.2)
    with lock:
        results["acked"] = sum(acked)
        results["received"] = [sum(r) for r in received]
        results["lost"] = sum(max(0, acked[w] - received[i][w]) for i in range(GOOD_SUBSCRIBERS) for w in range(GOOD_PUBLISHERS))
        results["problems"] = problems[:10]
    for c in subscribers:
        c.loop_stop()
        c.disconnect()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("duration", nargs="?", type=int, default=600)
    parser.add_argument("--broker", default="target/release/nanomq")
    args = parser.parse_args()

    port, http_port = free_port(), free_port()
    tmp = tempfile.mkdtemp()
    conf = os.path.join(tmp, "nanomq.conf")
    with open(conf, "w") as f:
        f.write(f'url = "nmq-tcp://127.0.0.1:{port}"\nwrite_timeout = 10\n[log]\nlevel = "error"\n'
                f'[websocket]\nenable = false\n[http_server]\nport = {http_port}\n')
    broker = subprocess.Popen([args.broker, "start", "--conf", conf], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(tmp, "broker.log"), "w"))
    time.sleep(1)
    if broker.poll() is not None:
        sys.exit("the broker did not start")

    manager = mp.Manager()
    results = manager.dict(acked=0, received=[0] * GOOD_SUBSCRIBERS, lost=None, problems=[])
    stop_bad = mp.Event()
    bad = mp.Process(target=run_bad, args=(port, stop_bad))
    bad.start()
    good = mp.Process(target=run_good, args=(port, args.duration, results))
    good.start()

    samples = []
    start = time.time()
    print(f"{'t (s)':>6} {'RSS (MiB)':>10} {'fds':>6} {'sessions':>9} {'subs':>6} {'retained':>9} "
          f"{'good acked':>11} {'good received':>20}")
    try:
        while good.is_alive():
            if broker.poll() is not None:
                sys.exit(f"the broker died (exit {broker.returncode}); log in {tmp}/broker.log")
            rss = rss_kib(broker.pid)
            fds = len(os.listdir(f"/proc/{broker.pid}/fd"))
            t = time.time() - start
            samples.append((t, rss))
            sessions, subs, retained = broker_state(http_port)
            print(f"{t:6.0f} {rss / 1024:10.1f} {fds:6d} {sessions!s:>9} {subs!s:>6} {retained!s:>9} "
                  f"{results['acked']:11d} {str(list(results['received'])):>20}", flush=True)
            good.join(10)
    finally:
        stop_bad.set()
        bad.join(10)
        if bad.is_alive():
            bad.terminate()
    alive = broker.poll() is None
    broker.terminate()
    broker.wait(10)

    first = [r for t, r in samples if t <= 60]
    last = [r for t, r in samples if t >= samples[-1][0] - 60]
    print()
    print(f"broker alive at the end: {alive}")
    print(f"good messages acknowledged: {results['acked']}, received per subscriber: {list(results['received'])}")
    print(f"good clients' loss: {results['lost']}")
    for problem in results["problems"]:
        print(f"  {problem}")
    if first and last:
        print(f"RSS first minute: {max(first) / 1024:.1f} MiB max; last minute: {max(last) / 1024:.1f} MiB max")
    sys.exit(0 if alive and results["lost"] == 0 else 1)


if __name__ == "__main__":
    main()
