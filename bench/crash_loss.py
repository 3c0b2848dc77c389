#!/usr/bin/env python3
"""Kill under load: is anything the broker acknowledged lost by kill -9? (issue 12)

Each run: a persistent session subscribes to one topic and leaves; a publisher sends numbered
QoS 1 messages to that topic as fast as the broker acknowledges them (64 in flight); after a
random 0.3-1.5 s the broker gets SIGKILL mid-stream; it is started again on the same store, the
session comes back and reads until the queue is drained. Every number the publisher saw a
PUBACK for must be delivered. Duplicates are allowed (QoS 1 is at least once) and counted.

    bench/crash_loss.py NANOMQ_BINARY [RUNS] [SYNC]    (SYNC: always, the default, or interval)

Prints one line per run and a summary; exits 1 if any acknowledged message was lost.
Needs paho-mqtt (pip install paho-mqtt).
"""

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import paho.mqtt.client as mqtt

TOPIC = "loss/t"
HOLDER = "loss-holder"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker(binary, workdir, port, sync):
    conf = os.path.join(workdir, "nanomq.conf")
    with open(conf, "w") as f:
        f.write(
            f'url = "nmq-tcp://127.0.0.1:{port}"\nmsq_len = 10000000\nmax_queued_bytes = 0\n'
            '[log]\nlevel = "warn"\n[websocket]\nenable = false\n[http_server]\nenable = false\n'
            f'[persistence]\nenable = true\ndir = "data"\nsync = "{sync}"\nsync_interval_ms = 100\n'
        )
    proc = subprocess.Popen(
        [binary, "start", "--conf", conf],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(workdir, "broker.err"), "ab"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.01)
    proc.kill()
    sys.exit(f"the broker did not start: {open(os.path.join(workdir, 'broker.err')).read()}")


def client(client_id, clean):
    c = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=clean,
        protocol=mqtt.MQTTv311,
    )
    c.max_inflight_messages_set(64)
    c.max_queued_messages_set(0)
    return c


def connect_blocking(c, port):
    connected = threading.Event()
    c.on_connect = lambda *_: connected.set()
    c.connect("127.0.0.1", port, keepalive=60)
    c.loop_start()
    if not connected.wait(10):
        sys.exit("no CONNACK")


def park(port):
    c = client(HOLDER, False)
    subscribed = threading.Event()
    c.on_subscribe = lambda *_: subscribed.set()
    connect_blocking(c, port)
    c.subscribe(TOPIC, qos=1)
    if not subscribed.wait(10):
        sys.exit("no SUBACK")
    c.disconnect()
    c.loop_stop()


def publish_until_killed(port, broker, kill_after):
    """Publishes numbered messages; returns the set of numbers that were acknowledged."""
    c = client(f"loss-pub-{os.getpid()}", True)
    acked = set()
    pending = {}
    lock = threading.Lock()
    window = threading.Semaphore(64)
    gone = threading.Event()

    early = set()  # PUBACKs that came before publish() returned the mid

    def on_publish(_c, _u, mid, _rc, _props):
        with lock:
            n = pending.pop(mid, None)
            if n is not None:
                acked.add(n)
            else:
                early.add(mid)
        window.release()

    c.on_publish = on_publish
    c.on_disconnect = lambda *_: gone.set()
    connect_blocking(c, port)
    killer = threading.Timer(kill_after, lambda: broker.send_signal(signal.SIGKILL))
    killer.start()
    n = 0
    while not gone.is_set():
        if not window.acquire(timeout=0.5):
            continue
        n += 1
        # Not under `lock`: paho calls on_publish holding its own lock.
        info = c.publish(TOPIC, str(n).encode(), qos=1)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            break
        with lock:
            if info.mid in early:
                early.discard(info.mid)
                acked.add(n)
            else:
                pending[info.mid] = n
    killer.join()
    broker.wait()
    c.loop_stop()
    with lock:
        return acked, n


def drain(port):
    """Reads the session's queue until it has been quiet for 2 s; returns the numbers."""
    c = client(HOLDER, False)
    got = []
    last = [time.monotonic()]
    present = []

    def on_connect(_c, _u, flags, _rc, _props):
        present.append(flags.session_present)

    def on_message(_c, _u, msg):
        got.append(int(msg.payload))
        last[0] = time.monotonic()

    c.on_message = on_message
    connected = threading.Event()
    c.on_connect = lambda *a: (on_connect(*a), connected.set())
    c.connect("127.0.0.1", port, keepalive=60)
    c.loop_start()
    if not connected.wait(10):
        sys.exit("no CONNACK on drain")
    while time.monotonic() - last[0] < 2.0:
        time.sleep(0.1)
    c.disconnect()
    c.loop_stop()
    return got, bool(present and present[0])


def one_run(binary, sync, index):
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        broker = start_broker(binary, workdir, port, sync)
        park(port)
        kill_after = random.uniform(0.3, 1.5)
        acked, sent = publish_until_killed(port, broker, kill_after)
        broker = start_broker(binary, workdir, port, sync)
        try:
            got, present = drain(port)
        finally:
            broker.terminate()
            broker.wait()
        received = set(got)
        lost = acked - received
        dups = len(got) - len(received)
        print(
            f"run {index:2}: killed after {kill_after:.2f} s, sent {sent}, acknowledged {len(acked)}, "
            f"delivered {len(received)} (+{dups} duplicates), session present {present}, lost {len(lost)}"
            + (f" e.g. {sorted(lost)[:10]}" if lost else ""),
            flush=True,
        )
        return len(acked), len(lost), present


def main():
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    sync = sys.argv[3] if len(sys.argv) > 3 else "always"
    total_acked = total_lost = 0
    absent = 0
    for i in range(1, runs + 1):
        acked, lost, present = one_run(binary, sync, i)
        total_acked += acked
        total_lost += lost
        absent += 0 if present else 1
    print(
        f"{runs} runs, sync = {sync}: {total_acked} acknowledged, {total_lost} lost, "
        f"session missing after restart in {absent} runs"
    )
    sys.exit(1 if total_lost or absent else 0)


if __name__ == "__main__":
    main()
