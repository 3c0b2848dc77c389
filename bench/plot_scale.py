#!/usr/bin/env python3
"""Plots and tables from a bench/scale.py run.

    bench/plot_scale.py bench/results/scale-<time>/results.json [--out bench/plots]

Writes one PNG per scenario into --out and prints the markdown tables for BENCHMARKS.md,
each figure with its growth over the sizes measured: the slope of log(figure) against
log(size) from the smallest size to the largest (0: constant, 1: linear).
Needs matplotlib (pip install matplotlib).
"""

import argparse
import json
import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BROKERS = (("nanomq", "nanomq-rs", "tab:blue"), ("mosquitto", "Mosquitto", "tab:orange"))

# scenario: (size label, [(figure key, label, unit)])
FIGURES = {
    "connections": ("idle connections", [
        ("rss_kib_per_conn", "RSS per connection", "KiB"),
        ("connect_rate", "connect rate", "/s"),
        ("connect_p99_ms", "connect p99", "ms"),
        ("idle_cpu_percent", "CPU while idle", "% of a core"),
    ]),
    "subscriptions": ("distinct filters", [
        ("rss_bytes_per_sub", "RSS per subscription", "bytes"),
        ("subscribe_rate", "SUBSCRIBE rate", "filters/s"),
        ("publish_us", "time per publish (QoS 1, 3 matches)", "µs"),
    ]),
    "retained": ("retained messages", [
        ("rss_bytes_per_retained", "RSS per retained message", "bytes"),
        ("receive_all_s", "a subscriber to # gets them all", "s"),
        ("publish_rate_alone", "QoS 1 publisher alone", "msg/s"),
        ("publish_rate_during", "QoS 1 publisher meanwhile", "msg/s"),
    ]),
    "fanout": ("subscribers of one topic", [
        ("deliveries_per_s", "deliveries, publisher flat out (QoS 0)", "msg/s"),
        ("latency_p99_ms", "delivery p99, paced", "ms"),
    ]),
}


def runs_of(results, scenario, broker):
    rows = [r for r in results["runs"] if r["scenario"] == scenario and r["broker"] == broker
            and "error" not in r]
    return sorted(rows, key=lambda r: r["size"])


def growth(rows, key):
    """The log-log slope from the smallest size to the largest, and a word for it."""
    points = [(r["size"], r.get(key)) for r in rows if r.get(key)]
    if len(points) < 2 or points[0][1] <= 0 or points[-1][1] <= 0:
        return ""
    (x0, y0), (x1, y1) = points[0], points[-1]
    slope = math.log(y1 / y0) / math.log(x1 / x0)
    if abs(slope) < 0.1:
        word = "constant"
    elif slope > 0.75:
        word = "linear"
    elif slope > 0:
        word = "sublinear"
    else:
        word = "falling"
    return f"{word} ({slope:+.2f})"


def fmt(v):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.2f}"
    return f"{v:.3f}"


def plot(results, scenario, out):
    size_label, figures = FIGURES[scenario]
    fig, axes = plt.subplots(1, len(figures), figsize=(4.2 * len(figures), 3.4))
    for ax, (key, label, unit) in zip(axes, figures):
        for broker, name, colour in BROKERS:
            rows = runs_of(results, scenario, broker)
            xs = [r["size"] for r in rows if r.get(key) is not None]
            ys = [r[key] for r in rows if r.get(key) is not None]
            if xs:
                ax.plot(xs, ys, marker="o", label=name, color=colour)
        ax.set_xscale("log")
        if scenario in ("subscriptions", "retained", "fanout") and key.endswith(("_s", "_ms")):
            ax.set_yscale("log")
        ax.set_xlabel(size_label)
        ax.set_title(f"{label} ({unit})", fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
        ax.set_ylim(bottom=0 if ax.get_yscale() == "linear" else None)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(out, f"scale-{scenario}.png")
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def table(results, scenario):
    size_label, figures = FIGURES[scenario]
    lines = [f"| {size_label} | figure | nanomq-rs | Mosquitto |", "|---:|---|---:|---:|"]
    sizes = sorted({r["size"] for r in results["runs"] if r["scenario"] == scenario})
    for key, label, unit in figures:
        for size in sizes:
            cells = []
            for broker, _, _ in BROKERS:
                row = next((r for r in runs_of(results, scenario, broker) if r["size"] == size),
                           None)
                cells.append(fmt(row.get(key)) if row else "–")
            lines.append(f"| {size:,} | {label} ({unit}) | {cells[0]} | {cells[1]} |")
        shapes = [growth(runs_of(results, scenario, b), key) for b, _, _ in BROKERS]
        lines.append(f"| growth | {label} | {shapes[0]} | {shapes[1]} |")
    return "\n".join(lines)


def cores_table(results):
    rows = [r for r in results["runs"] if r["scenario"] == "cores"]
    if not rows:
        return ""
    names = [k for k in rows[0] if k not in ("scenario", "broker", "size")]
    lines = ["| scenario | broker | pinned (1 core) | unpinned | ratio |", "|---|---|---:|---:|---:|"]
    for name in names:
        for broker, label, _ in BROKERS:
            pinned = next((r[name] for r in rows if r["broker"] == broker
                           and r["size"] == "pinned"), None)
            free = next((r[name] for r in rows if r["broker"] == broker
                         and r["size"] == "unpinned"), None)
            if pinned and free:
                lines.append(f"| {name} msg/s | {label} | {fmt(pinned)} | {fmt(free)} | "
                             f"{free / pinned:.2f}x |")
    return "\n".join(lines)


def plot_cores(results, out):
    rows = [r for r in results["runs"] if r["scenario"] == "cores"]
    if not rows:
        return None
    names = [k for k in rows[0] if k not in ("scenario", "broker", "size")]
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.4))
    for ax, name in zip(axes, names):
        labels, values, colours = [], [], []
        for broker, label, colour in BROKERS:
            for mode in ("pinned", "unpinned"):
                v = next((r[name] for r in rows if r["broker"] == broker and r["size"] == mode), 0)
                labels.append(f"{label}\n{mode}")
                values.append(v)
                colours.append(colour)
        ax.bar(range(len(values)), values, color=colours)
        ax.set_xticks(range(len(values)), labels, fontsize=7)
        ax.set_title(f"{name} (msg/s)", fontsize=9)
    fig.tight_layout()
    path = os.path.join(out, "scale-cores.png")
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "plots"))
    args = parser.parse_args()
    results = json.load(open(args.results))
    os.makedirs(args.out, exist_ok=True)
    m = results["machine"]
    print(f"Machine: {m['cpus']} cores, kernel {m['kernel']}, {m['mosquitto']}, "
          f"commit {m['commit']}, {m['date']}; open-file limit {m['open_file_limit']}.")
    for note in results.get("skipped", []):
        print(f"Skipped: {note}.")
    for scenario in FIGURES:
        if not any(r["scenario"] == scenario for r in results["runs"]):
            continue
        path = plot(results, scenario, args.out)
        print(f"\n### {scenario}\n\n![{scenario}](plots/{os.path.basename(path)})\n")
        print(table(results, scenario))
    if plot_cores(results, args.out):
        print("\n### cores\n\n![cores](plots/scale-cores.png)\n")
        print(cores_table(results))


if __name__ == "__main__":
    main()
