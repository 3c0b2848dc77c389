#!/usr/bin/env python3
"""How the broker's cost grows with the work: nanomq-rs against Mosquitto, same box.

    bench/scale.py [--only connections,subscriptions,retained,fanout,cores] [--quick]

Each scenario starts a fresh broker (pinned to core 0, the load generator to the others,
unless the scenario is about cores) and measures it at several sizes:

- connections: N idle clients (keep alive 300 s, so no PINGREQ falls in the window):
  broker RSS per connection, connect rate and p99 (nanomq-cli bench conn, 64 at a time),
  and the CPU the idle broker burns over 10 s (timers must not cost O(n) per tick).
- subscriptions: N distinct filters (a quarter each `s/i/a/b`, `s/i/+/b`, `s/i/#`,
  `+/i/c`) over 10 connections: SUBSCRIBE rate, RSS per subscription, and the time per
  publish of a QoS 1 publisher whose topic matches 3 of them (1 / its PUBACK rate).
- retained: N retained messages (16 B payloads): RSS per message, the time a subscriber to
  `#` takes to receive them all, and a QoS 1 publisher's rate meanwhile against its rate
  alone.
- fanout: one topic with N subscribers: deliveries/s with the publisher flat out (QoS 0),
  and the delivery latency p99 with the publisher paced so that the broker delivers
  100,000 messages/s.
- cores: fan-in 10->1 QoS 1 and 100 pairs QoS 1, broker pinned to one core against
  unpinned (and nanomq-rs with a worker per CPU): what a bigger box gives.

Raw results go to bench/results/scale-<time>/results.json; bench/plot_scale.py turns them
into bench/plots/*.png and the tables of BENCHMARKS.md. Needs mosquitto, taskset, ss, and
a release build (built here). The open-file limit caps the connection counts: the script
raises its soft limit to the hard one and skips sizes that do not fit (each broker and each
load-generator process needs one descriptor per connection).
"""

import argparse
import json
import os
import resource
import select
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NANOMQ = os.path.join(ROOT, "target/release/nanomq")
CLI = os.path.join(ROOT, "target/release/nanomq-cli")
NCPU = os.cpu_count() or 1
BROKER_CPU = "0"
CLIENT_CPUS = f"1-{NCPU - 1}" if NCPU > 1 else "0"
TMP = tempfile.mkdtemp(prefix="scale-")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Broker:
    """A broker process on a fresh port; `pinned` puts it on core 0."""

    def __init__(self, kind, pinned=True):
        self.kind, self.port = kind, free_port()
        conf = os.path.join(TMP, f"{kind}.conf")
        if kind == "nanomq":
            threads = 1 if pinned else 0
            with open(conf, "w") as f:
                f.write(f"num_taskq_thread = {threads}\nmax_taskq_thread = {max(NCPU, 1)}\n"
                        "parallel = 32\nmsq_len = 1024\nsys_interval = 0\n"
                        # In memory, as Mosquitto runs here (bench/durability.sh compares
                        # the two with their stores on).
                        "[persistence]\nenable = false\n"
                        '[log]\nlevel = "warn"\n[websocket]\nenable = false\n'
                        "[http_server]\nenable = false\n")
            cmd = [NANOMQ, "start", "--conf", conf, "--url", f"nmq-tcp://0.0.0.0:{self.port}"]
        else:
            with open(conf, "w") as f:
                f.write(f"listener {self.port} 0.0.0.0\nallow_anonymous true\n"
                        "set_tcp_nodelay true\nmax_inflight_messages 32\n"
                        "max_queued_messages 1024\nmax_connections -1\n")
            cmd = ["mosquitto", "-c", conf]
        if pinned:
            cmd = ["taskset", "-c", BROKER_CPU] + cmd
        self.log = open(os.path.join(TMP, f"{kind}.log"), "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                time.sleep(0.2)
                self.base_fds = self.fds()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{kind} did not start")

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS"):
                    return int(line.split()[1])
        return 0

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def bench(args, pinned=True, background=False):
    """Runs `nanomq-cli bench ARGS --json`; returns its summary (or the process)."""
    cmd = [CLI, "bench"] + [str(a) for a in args] + ["--json"]
    if pinned:
        cmd = ["taskset", "-c", CLIENT_CPUS] + cmd
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if background:
        return proc
    return finish(proc)


def finish(proc):
    out, _ = proc.communicate(timeout=900)
    for line in out.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no summary from bench: {out[-300:]}")


# ---- raw MQTT 3.1.1, for what the bench command does not do (bulk SUBSCRIBE, retained) ----

def utf8(s):
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def packet(first, body):
    n, size = len(body), b""
    while True:
        byte, n = n % 128, n // 128
        size += bytes([byte | (0x80 if n else 0)])
        if not n:
            return bytes([first]) + size + body


def connect(port, client_id):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(packet(0x10, utf8("MQTT") + bytes([4, 2]) + struct.pack(">H", 300) + utf8(client_id)))
    ack = recv_exact(s, 4)
    if ack[0] != 0x20 or ack[3] != 0:
        raise RuntimeError(f"CONNACK {ack!r}")
    return s


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise RuntimeError("connection closed")
        data += chunk
    return data


class PacketReader:
    """Counts the packets of each type arriving on one socket."""

    def __init__(self, sock):
        self.sock, self.buf, self.counts = sock, b"", {}

    def pump(self, timeout=None):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise RuntimeError("connection closed")
        self.buf += chunk
        pos, buf = 0, self.buf
        while True:
            if len(buf) - pos < 2:
                break
            mult, size, i = 1, 0, pos + 1
            while i < len(buf):
                byte = buf[i]
                size += (byte & 0x7F) * mult
                mult *= 128
                i += 1
                if not byte & 0x80:
                    break
            else:
                break
            if len(buf) - i < size:
                break
            kind = buf[pos] >> 4
            self.counts[kind] = self.counts.get(kind, 0) + 1
            pos = i + size
        self.buf = buf[pos:]
        return True


def drain_forever(socks, stop):
    """Reads and discards whatever arrives on `socks` until `stop` is set."""
    while not stop.is_set():
        r, _, _ = select.select(socks, [], [], 0.2)
        for s in r:
            try:
                s.recv(1 << 20)
            except OSError:
                pass


# ---- scenarios ----

def scenario_connections(kind, n):
    with Broker(kind) as broker:
        before = broker.rss_kib()
        base_fds = broker.base_fds
        per_proc = 15000
        procs = []
        for start in range(0, n, per_proc):
            count = min(per_proc, n - start)
            procs.append(bench(["conn", "-p", broker.port, "-c", count, "-k", 300,
                                "--prefix", f"scale-{start}-", "--duration", "25s"],
                               background=True))
        deadline = time.time() + 300
        while broker.fds() < base_fds + n and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # the last CONNACKs' aftermath
        rss = broker.rss_kib()
        cpu0, t0 = broker.cpu_seconds(), time.time()
        time.sleep(10)
        idle_cpu = (broker.cpu_seconds() - cpu0) / (time.time() - t0) * 100
        results = [finish(p) for p in procs]
        connected = sum(r["connected"] for r in results)
        # The processes connect at once: their rates add up.
        rate = sum(r.get("connect_rate") or 0 for r in results)
        p99 = max((r.get("connect_ms") or {}).get("p99", 0) for r in results)
        return {"connected": connected, "rss_kib_per_conn": (rss - before) / max(connected, 1),
                "rss_mib": rss / 1024, "connect_rate": rate, "connect_p99_ms": p99,
                "idle_cpu_percent": idle_cpu}


def filters(n):
    for i in range(n):
        k, j = i % 4, i // 4
        yield (f"s/{j}/a/b", f"s/{j}/+/b", f"s/{j}/#", f"+/{j}/c")[k]


def scenario_subscriptions(kind, n):
    with Broker(kind) as broker:
        conns = [connect(broker.port, f"scale-sub-{c}") for c in range(10)]
        before = broker.rss_kib()
        all_filters = list(filters(n))
        t0 = time.time()
        per_packet = 100
        readers = [PacketReader(s) for s in conns]
        expected = [0] * len(conns)
        for c, s in enumerate(conns):
            mine = all_filters[c::len(conns)]
            out = bytearray()
            for pid, at in enumerate(range(0, len(mine), per_packet), start=1):
                body = struct.pack(">H", (pid % 65535) + 1)
                for f in mine[at:at + per_packet]:
                    body += utf8(f) + b"\x00"
                out += packet(0x82, body)
                expected[c] += 1
            # Written from a thread so that SUBACKs are read meanwhile (no deadlock on full
            # socket buffers).
            threading.Thread(target=s.sendall, args=(bytes(out),), daemon=True).start()
        for c, r in enumerate(readers):
            while r.counts.get(9, 0) < expected[c]:
                r.pump(30)
        took = time.time() - t0
        time.sleep(1)
        rss = broker.rss_kib()
        stop = threading.Event()
        drainer = threading.Thread(target=drain_forever, args=(conns, stop), daemon=True)
        drainer.start()
        # conns[1] holds filter indexes 1, 11, 21...: j = 7 needs i in 28..31, i.e. conns
        # 8, 9, 0 and 1: the three matching filters are spread over three connections.
        pub = bench(["pub", "-p", broker.port, "-c", 1, "-t", "s/7/a/b", "-q", 1, "-s", 64,
                     "--duration", "5s"])
        stop.set()
        drainer.join()
        for s in conns:
            s.close()
        rate = pub["sent_per_sec"] or 1
        return {"subscribe_rate": n / took, "rss_bytes_per_sub": (rss - before) * 1024 / n,
                "rss_mib": rss / 1024, "publish_us": 1e6 / rate, "publish_rate": rate}


def scenario_retained(kind, n):
    with Broker(kind) as broker:
        s = connect(broker.port, "scale-retainer")
        before = broker.rss_kib()
        payload = b"r" * 16
        out = bytearray()
        for i in range(n):
            out += packet(0x31, utf8(f"r/{i // 1000}/{i}") + payload)
        # The last one at QoS 1: its PUBACK says every earlier one was handled.
        out += packet(0x33, utf8("r/last") + struct.pack(">H", 1) + payload)
        reader = PacketReader(s)
        threading.Thread(target=s.sendall, args=(bytes(out),), daemon=True).start()
        while reader.counts.get(4, 0) < 1:
            reader.pump(60)
        time.sleep(1)
        rss = broker.rss_kib()
        alone = bench(["pub", "-p", broker.port, "-c", 1, "-t", "other/t", "-q", 1, "-s", 64,
                       "--duration", "3s"])["sent_per_sec"]
        # The subscriber to '#' and, meanwhile, the same publisher again.
        during = bench(["pub", "-p", broker.port, "-c", 1, "-t", "other/t", "-q", 1, "-s", 64,
                        "--duration", "3s"], background=True)
        sub = connect(broker.port, "scale-all")
        t0 = time.time()
        sub.sendall(packet(0x82, struct.pack(">H", 1) + utf8("r/#") + b"\x00"))
        reader = PacketReader(sub)
        while reader.counts.get(3, 0) < n + 1:
            if not reader.pump(60):
                break
        took = time.time() - t0
        received = reader.counts.get(3, 0)
        meanwhile = finish(during)["sent_per_sec"]
        sub.close()
        s.close()
        return {"rss_bytes_per_retained": (rss - before) * 1024 / n, "rss_mib": rss / 1024,
                "receive_all_s": took, "received": received,
                "publish_rate_alone": alone, "publish_rate_during": meanwhile}


def scenario_fanout(kind, n):
    with Broker(kind) as broker:
        port = broker.port
        # Flat out: how many deliveries per second.
        sub = bench(["sub", "-p", port, "-c", n, "-t", "fo/t", "-q", 0, "--duration", "16s"],
                    background=True)
        wait_subscribed(broker, n)
        bench(["pub", "-p", port, "-c", 1, "-t", "fo/t", "-q", 0, "-s", 64, "--duration", "5s"])
        flat = finish(sub)
        # Paced to 100,000 deliveries/s: latency.
        rate = max(1, min(20_000, 100_000 // n))
        sub = bench(["sub", "-p", port, "-c", n, "-t", "fo/p", "-q", 0, "--duration", "16s",
                     "--prefix", "paced-"], background=True)
        wait_subscribed(broker, n)
        bench(["pub", "-p", port, "-c", 1, "-t", "fo/p", "-q", 0, "-s", 64, "-R", rate,
               "--duration", "5s"])
        paced = finish(sub)
        return {"deliveries_per_s": flat["received_per_sec"], "paced_rate": rate * n,
                "latency_p50_ms": paced["latency_ms"]["p50"],
                "latency_p99_ms": paced["latency_ms"]["p99"],
                "received_paced": paced["received"]}


def wait_subscribed(broker, n):
    """Waits until the broker holds n more connections than at the start (bench sub
    subscribes right after connecting; a second is left for the SUBSCRIBEs)."""
    deadline = time.time() + 120
    while broker.fds() < broker.base_fds + n and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)


def scenario_cores(kind, pinned):
    out = {}
    for name, sub_args, pub_args in (
        ("fan-in 10->1 QoS1", ["-c", 1, "-t", "fan/#", "-q", 1], ["-c", 10, "-t", "fan/%i", "-q", 1]),
        ("100 pairs QoS1", ["-c", 100, "-t", "pair/%i", "-q", 1], ["-c", 100, "-t", "pair/%i", "-q", 1]),
    ):
        with Broker(kind, pinned=pinned) as broker:
            sub = bench(["sub", "-p", broker.port] + sub_args + ["--duration", "12s"],
                        pinned=pinned, background=True)
            time.sleep(1.5)
            bench(["pub", "-p", broker.port] + pub_args + ["-s", 64, "--duration", "8s"],
                  pinned=pinned)
            out[name] = finish(sub)["received_per_sec"]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="connections,subscriptions,retained,fanout,cores")
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    parser.add_argument("--brokers", default="nanomq,mosquitto")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "nanomq", "-p", "nanomq-cli"],
                   cwd=ROOT, check=True)
    sizes = {
        "connections": [1000, 5000, 10000, 19000, 50000, 100000],
        "subscriptions": [10_000, 100_000, 1_000_000],
        "retained": [10_000, 100_000, 1_000_000],
        "fanout": [1, 100, 1000, 10000],
    }
    if args.quick:
        sizes = {k: v[:2] for k, v in sizes.items()}
        sizes["connections"] = [100, 1000, 50000]
        sizes["fanout"] = [1, 100]
    # Each broker needs a descriptor per connection, plus a few of its own.
    cap = hard - 100
    stamp = time.strftime("%Y%m%d-%H%M%S")
    outdir = os.path.join(ROOT, "bench/results", f"scale-{stamp}")
    os.makedirs(outdir, exist_ok=True)
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                         capture_output=True, text=True).stdout.strip()
    mosq = subprocess.run(["mosquitto", "-h"], capture_output=True, text=True).stdout
    results = {"machine": {"cpus": NCPU, "kernel": os.uname().release, "commit": rev,
                           "mosquitto": mosq.splitlines()[0] if mosq else "",
                           "open_file_limit": hard, "date": stamp},
               "skipped": [], "runs": []}
    brokers = args.brokers.split(",")
    path = os.path.join(outdir, "results.json")

    def record(scenario, kind, size, figures):
        row = {"scenario": scenario, "broker": kind, "size": size, **figures}
        print(json.dumps(row), flush=True)
        results["runs"].append(row)
        with open(path, "w") as f:
            json.dump(results, f, indent=1)

    for scenario in args.only.split(","):
        if scenario == "cores":
            for kind in brokers:
                for pinned in (True, False):
                    figures = scenario_cores(kind, pinned)
                    record("cores", kind, "pinned" if pinned else "unpinned", figures)
            continue
        for size in sizes[scenario]:
            if scenario == "connections" and size > cap:
                note = (f"connections {size}: the open-file limit is {hard} here and cannot be "
                        "raised (no CAP_SYS_RESOURCE)")
                print(note, file=sys.stderr)
                results["skipped"].append(note)
                continue
            for kind in brokers:
                fn = globals()[f"scenario_{scenario}"]
                try:
                    figures = fn(kind, size)
                except Exception as e:  # a broker that cannot do it: recorded, run goes on
                    figures = {"error": str(e)}
                record(scenario, kind, size, figures)
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    print(f"results in {path}")


if __name__ == "__main__":
    main()
