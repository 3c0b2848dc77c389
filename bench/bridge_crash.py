#!/usr/bin/env python3
"""Kill -9 an edge broker and its upstream over and over while the bridge between them is
down, coming back and draining: is anything acknowledged lost? (issue 25)

Two nanomq processes, both with the store on (`sync = "always"`): the upstream, and the edge
with a named bridge to it (a persistent session upstream, `forwards` up/#, `subscription`
down/# at QoS 1). A persistent subscriber on each side takes its session first and leaves. Two
publishers run the whole time, reconnecting whenever their broker is gone: one at the edge on
`up/N`, one at the upstream on `down/N`, both QoS 1, each counting a number only once its
broker acknowledged it. Each round, at random: the upstream is killed and kept down for a
moment (the edge buffers), then started again (the bridge comes back and drains), and the edge
is killed at a random moment of that and started again.

At the end both brokers run undisturbed until the backlogs drain; then every `up/N` the edge
acknowledged must reach the upstream subscriber, and every `down/N` the upstream acknowledged
must reach the edge's subscriber. Duplicates are allowed (QoS 1 is at least once) and counted.

    bench/bridge_crash.py NANOMQ_BINARY [ROUNDS]     (default 20 rounds)

Exits 1 if any acknowledged message was lost. Needs paho-mqtt.
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, binary, workdir, config):
        self.binary, self.workdir = binary, workdir
        os.makedirs(workdir, exist_ok=True)
        self.conf = os.path.join(workdir, "nanomq.conf")
        with open(self.conf, "w") as f:
            f.write(config)
        self.proc = None

    def start(self, port):
        self.proc = subprocess.Popen(
            [self.binary, "start", "--conf", self.conf],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.workdir, "broker.err"), "ab"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.01)
        sys.exit(f"broker in {self.workdir} did not start: see broker.err there")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def config(port, extra=""):
    return (
        f'url = "nmq-tcp://127.0.0.1:{port}"\nmsq_len = 10000000\nmax_queued_bytes = 0\n'
        '[log]\nlevel = "warn"\n[websocket]\nenable = false\n[http_server]\nenable = false\n'
        '[persistence]\nenable = true\ndir = "data"\nsync = "always"\n' + extra
    )


class Publisher(threading.Thread):
    """Publishes `PREFIX/N` at QoS 1 for ever, reconnecting when the broker is gone; keeps the
    numbers the broker acknowledged."""

    def __init__(self, port, prefix, client_id):
        super().__init__(daemon=True)
        self.port, self.prefix, self.client_id = port, prefix, client_id
        self.acked = set()
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id)
            try:
                c.connect("127.0.0.1", self.port, keepalive=5)
            except OSError:
                time.sleep(0.05)
                continue
            c.loop_start()
            try:
                while not self.stop.is_set():
                    batch = []
                    for _ in range(10):
                        batch.append((n, c.publish(f"{self.prefix}/{n}", str(n), qos=1)))
                        n += 1
                    for number, info in batch:
                        info.wait_for_publish(2)
                        if not info.is_published():
                            raise ConnectionError
                        self.acked.add(number)
                    time.sleep(0.002)
            except (ConnectionError, RuntimeError, ValueError):
                pass
            finally:
                c.loop_stop()
                try:
                    c.disconnect()
                except Exception:
                    pass
            time.sleep(0.05)


def holder(port, client_id, topic, collect=None):
    """A persistent QoS 1 session on `topic`: takes it (collect None) or reads what it holds."""
    seen = []
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False)
    c.on_message = lambda cl, u, m: seen.append(int(m.payload))
    subscribed = threading.Event()
    c.on_subscribe = lambda *a: subscribed.set()
    c.connect("127.0.0.1", port, keepalive=30)
    c.loop_start()
    c.subscribe(topic, 1)
    subscribed.wait(10)
    if collect is None:
        c.loop_stop()
        c.disconnect()
        return None
    return c, seen


def main():
    binary = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    tmp = tempfile.mkdtemp(prefix="bridge-crash-")
    up_port, edge_port = free_port(), free_port()
    upstream = Broker(binary, os.path.join(tmp, "up"), config(up_port))
    bridge = (
        "[bridges.mqtt.cloud]\n"
        f'server = "mqtt-tcp://127.0.0.1:{up_port}"\n'
        'clientid = "edge-bridge"\nclean_start = false\nkeepalive = 5\nbackoff_max = 1\n'
        'forwards = [{ local_topic = "up/#" }]\n'
        'subscription = [{ remote_topic = "down/#", qos = 1 }]\n'
    )
    edge = Broker(binary, os.path.join(tmp, "edge"), config(edge_port, bridge))
    upstream.start(up_port)
    edge.start(edge_port)
    holder(up_port, "up-holder", "up/#")
    holder(edge_port, "edge-holder", "down/#")
    time.sleep(1)  # the bridge connects and subscribes upstream (backoff_max 1 s)
    at_edge = Publisher(edge_port, "up", "edge-publisher")
    at_upstream = Publisher(up_port, "down", "upstream-publisher")
    at_edge.start()
    at_upstream.start()
    rng = random.Random(int(os.environ.get("SEED", "25")))
    for r in range(rounds):
        kill_upstream = rng.random() < 0.5
        if kill_upstream:
            upstream.kill()
            time.sleep(rng.uniform(0.3, 1.2))  # the edge buffers meanwhile
            upstream.start(up_port)
        # The edge dies while the bridge is coming back or draining.
        time.sleep(rng.uniform(0.0, 1.5))
        edge.kill()
        edge.start(edge_port)
        what = "upstream and edge" if kill_upstream else "edge"
        print(f"round {r + 1:2}: {what} killed and back; acknowledged so far: {len(at_edge.acked)} up, "
              f"{len(at_upstream.acked)} down", flush=True)
        time.sleep(rng.uniform(0.2, 0.8))
    at_edge.stop.set()
    at_upstream.stop.set()
    at_edge.join(10)
    at_upstream.join(10)

    up_client, up_seen = holder(up_port, "up-holder", "up/#", collect=True)
    edge_client, down_seen = holder(edge_port, "edge-holder", "down/#", collect=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if at_edge.acked <= set(up_seen) and at_upstream.acked <= set(down_seen):
            break
        time.sleep(0.1)
    lost_up = sorted(at_edge.acked - set(up_seen))
    lost_down = sorted(at_upstream.acked - set(down_seen))
    for c in (up_client, edge_client):
        c.loop_stop()
        c.disconnect()
    edge.stop()
    upstream.stop()
    print(f"up:   {len(at_edge.acked)} acknowledged by the edge, {len(lost_up)} lost, "
          f"{len(up_seen) - len(set(up_seen))} duplicates")
    print(f"down: {len(at_upstream.acked)} acknowledged by the upstream, {len(lost_down)} lost, "
          f"{len(down_seen) - len(set(down_seen))} duplicates")
    if lost_up or lost_down:
        print(f"LOST up {lost_up[:20]} down {lost_down[:20]} (logs in {tmp})")
        sys.exit(1)
    print(f"{rounds} rounds of kill -9: nothing acknowledged was lost")


if __name__ == "__main__":
    main()
