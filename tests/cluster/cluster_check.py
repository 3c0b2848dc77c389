#!/usr/bin/env python3
"""Scale-out against a real cluster: an edge nanomq bridged into three aedes nodes that share
one redis-server (mqemitter-redis, aedes-persistence-redis), with the other two nodes as its
`hybrid_servers`.

Usage: cluster_check.py path/to/nanomq
Needs: redis-server (Debian), node with `npm ci` done in tests/cluster, python3 with paho-mqtt.

Checks, each against the real processes:
  1. a subscriber on another node receives what the edge forwards;
  2. a message published on any node reaches the edge's local subscriber through the bridge's
     subscription;
  3. kill -9 of the node the bridge uses: the bridge moves to the next node (the time from
     the kill to connected elsewhere is printed), and every message a local publisher had
     acknowledged meanwhile reaches a subscriber of the cluster (at least once);
  4. the bridge's subscription is taken on the new node: the cluster still reaches the edge.
Exits non-zero with a message on the first failed check.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import paho.mqtt.client as mqtt

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 20.0
MESSAGES = 300


def fail(message):
    print(f"cluster: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    fail(f"timed out waiting for {what}")


class Client:
    """A paho client (MQTT 3.1.1) whose received messages are collected."""

    def __init__(self, port, client_id):
        self.payloads = []
        self.topics = []
        self.lock = threading.Lock()
        self.connected = threading.Event()
        self.c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
        self.c.on_connect = lambda *a: self.connected.set()
        self.c.on_message = self._on_message
        self.c.connect("127.0.0.1", port, keepalive=30)
        self.c.loop_start()
        if not self.connected.wait(TIMEOUT):
            fail(f"{client_id}: no CONNACK from port {port}")

    def _on_message(self, client, userdata, msg):
        with self.lock:
            self.topics.append(msg.topic)
            self.payloads.append(msg.payload.decode())

    def subscribe(self, topic, qos=1):
        done = threading.Event()
        self.c.on_subscribe = lambda *a: done.set()
        self.c.subscribe(topic, qos)
        if not done.wait(TIMEOUT):
            fail(f"no SUBACK for {topic}")

    def publish(self, topic, payload, qos=1):
        info = self.c.publish(topic, payload, qos)
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            fail(f"publish to {topic} not acknowledged")

    def seen(self):
        with self.lock:
            return list(self.payloads)

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def main():
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="nanomq-cluster-")
    processes = []

    def spawn(args, name):
        log = open(os.path.join(tmp, f"{name}.log"), "w")
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True, cwd=HERE)
        processes.append(p)
        return p

    def wait_line(p, needle, name):
        deadline = time.monotonic() + TIMEOUT
        lines = []
        while time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                fail(f"{name} exited: {''.join(lines)} (log in {tmp})")
            lines.append(line)
            if needle in line:
                return line.strip()
        fail(f"{name} did not say `{needle}`")

    try:
        redis_port = free_port()
        redis = spawn(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            "redis",
        )
        wait_line(redis, "Ready to accept connections", "redis-server")
        nodes = {}
        for name in ["n1", "n2", "n3"]:
            port = free_port()
            p = spawn(["node", "aedes_node.mjs", str(port), str(redis_port), name], name)
            wait_line(p, "listening", name)
            nodes[name] = (port, p)
        url = {name: f"mqtt-tcp://127.0.0.1:{port}" for name, (port, _) in nodes.items()}

        config = os.path.join(tmp, "nanomq.conf")
        with open(config, "w") as f:
            f.write(f"""
url = "nmq-tcp://127.0.0.1:0"
[http_server]
enable = true
port = 0
ip_addr = "127.0.0.1"
[persistence]
enable = true
dir = "{tmp}/store"
[bridges.mqtt.cluster]
server = "{url['n1']}"
proto_ver = 4
clientid = "edge-site1"
clean_start = false
keepalive = "5s"
hybrid_bridging = true
hybrid_servers = ["{url['n2']}", "{url['n3']}"]
forwards = [{{ local_topic = "site1/#", remote_topic = "", qos = 1 }}]
subscription = [{{ remote_topic = "cmd/site1/#", local_topic = "", qos = 1 }}]
""")
        edge = spawn([binary, "start", "--conf", config], "edge")
        addresses = {}
        while "HTTP API" not in addresses or "MQTT/TCP" not in addresses:
            line = wait_line(edge, "listening on", "the edge")
            what, _, address = line.removeprefix("nanomq: ").partition(" listening on ")
            addresses[what] = address
        edge_port = int(addresses["MQTT/TCP"].rsplit(":", 1)[1])
        api = f"http://{addresses['HTTP API']}/api/v4/bridges/cluster"

        def bridge():
            request = urllib.request.Request(api)
            request.add_header("Authorization", "Basic YWRtaW46cHVibGlj")
            with urllib.request.urlopen(request, timeout=5) as reply:
                return json.load(reply)["data"]

        wait_for("the bridge to connect to n1", lambda: bridge()["state"] == "connected")
        if bridge()["server"] != url["n1"]:
            fail(f"the bridge is on {bridge()['server']}, not n1")

        # 1. What the edge forwards reaches a subscriber on another node.
        on_n2 = Client(nodes["n2"][0], "sub-n2")
        on_n2.subscribe("site1/#")
        on_n3 = Client(nodes["n3"][0], "sub-n3")
        on_n3.subscribe("site1/#")
        local = Client(edge_port, "edge-publisher")
        for n in range(10):
            local.publish(f"site1/warmup/{n}", str(n))
        wait_for("n2's subscriber to get the edge's messages", lambda: len(on_n2.seen()) >= 10)
        print("cluster: what the edge forwards into n1 reaches subscribers on n2 and n3")

        # 2. A message published on any node reaches the edge's local subscriber.
        edge_sub = Client(edge_port, "edge-subscriber")
        edge_sub.subscribe("cmd/site1/#")
        from_n3 = Client(nodes["n3"][0], "pub-n3")
        from_n3.publish("cmd/site1/reboot", "now")
        wait_for("n3's command at the edge", lambda: "now" in edge_sub.seen())
        print("cluster: a command published on n3 reaches the edge's local subscriber")

        # 3. kill -9 of the node in use, while a local publisher keeps publishing.
        acknowledged = []
        stop = threading.Event()

        def publish_steadily():
            n = 0
            while not stop.is_set() and n < MESSAGES:
                local.publish(f"site1/data/{n}", f"m{n}")
                acknowledged.append(f"m{n}")
                n += 1
                time.sleep(0.005)

        publisher = threading.Thread(target=publish_steadily)
        publisher.start()
        wait_for("some messages through n1", lambda: len(acknowledged) >= 50)
        killed_at = time.monotonic()
        nodes["n1"][1].send_signal(signal.SIGKILL)
        wait_for(
            "the bridge on another node",
            lambda: (lambda b: b["state"] == "connected" and b["server"] != url["n1"])(bridge()),
        )
        moved_in = time.monotonic() - killed_at
        publisher.join(TIMEOUT * 3)
        stop.set()
        now_on = bridge()["server"]
        print(f"cluster: n1 killed; the bridge was connected to {now_on} {moved_in:.3f} s later")
        if moved_in > 2.0:
            fail(f"failover took {moved_in:.3f} s (> 2 s)")
        missing = lambda: sorted(set(acknowledged) - set(on_n3.seen()), key=lambda m: int(m[1:]))
        deadline = time.monotonic() + TIMEOUT
        while missing() and time.monotonic() < deadline:
            time.sleep(0.05)
        if missing():
            fail(f"{len(missing())} acknowledged messages never reached n3: {missing()[:10]}")
        duplicates = len(on_n3.seen()) - len(set(on_n3.seen()))
        print(f"cluster: all {len(acknowledged)} acknowledged messages reached n3 "
              f"({duplicates} duplicates, at least once)")

        # 4. The subscription was taken again on the new node.
        from_n3.publish("cmd/site1/after", "again")
        wait_for("a command after the failover", lambda: "again" in edge_sub.seen())
        print("cluster: after the failover, commands from the cluster still reach the edge")
        for client in [on_n2, on_n3, local, edge_sub, from_n3]:
            client.close()
        print("cluster: all checks passed")
    finally:
        for p in reversed(processes):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    main()
