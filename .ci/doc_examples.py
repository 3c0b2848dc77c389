#!/usr/bin/env python3
"""Runs the shell examples of the documentation against a real broker, so a changed flag or
output breaks the build, not the reader.

    python3 .ci/doc_examples.py [BIN_DIR]     (default target/debug: nanomq and nanomq-cli)

Every fenced block whose language is sh, bash, shell or console and which runs `nanomq`,
`nanomq-cli`, `mosquitto_*` or `curl` must say what to do with it after the language:

    ```sh tested              run it against the shared broker
    ```sh tested standalone   run it with the shared broker stopped (it starts its own)
    ```sh untested            not run (the text around it says why: another machine, a
                              terminal, a file the reader has)

A block without either word fails the check: nothing is skipped silently. A tested block runs
with `bash -e -o pipefail` in a scratch directory holding a copy of `etc/`, with BIN_DIR first
on PATH; it must exit 0 within 60 s. Background jobs it starts (`&`) are killed after it. A
line `# expect: TEXT` in a block requires TEXT in the block's output. The shared broker runs
the embedded default configuration (MQTT on 1883, the HTTP API on 8081 as admin/public), as a
reader's would; it is restarted when a block stopped it.
"""

import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHELLS = {"sh", "bash", "shell", "console"}
RUNS = re.compile(r"(^|[\s;&|(`$])(nanomq|nanomq-cli|mosquitto_\w+|curl)\b")
FENCE = re.compile(r"^(\s*)```(.*)$")
TIMEOUT = 60


def pages():
    found = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", ROOT / "BENCHMARKS.md"]
    found += sorted((ROOT / "docs").glob("*.md"))
    return [p for p in found if p.exists()]


def blocks(path):
    """(line, language, words, text) of each fenced block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        info = m.group(2).split()
        start = i + 1
        i += 1
        body = []
        while i < len(lines) and not FENCE.match(lines[i]):
            body.append(lines[i])
            i += 1
        i += 1
        lang = info[0] if info else ""
        yield start, lang, set(info[1:]), "\n".join(body) + "\n"


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), 0.2):
            return True
    except OSError:
        return False


class Broker:
    def __init__(self, bindir, workdir):
        self.bindir, self.workdir, self.proc = bindir, workdir, None

    def start(self):
        if self.proc and self.proc.poll() is None:
            return
        deadline = time.time() + 10
        while port_open(1883) or port_open(8081):
            if time.time() > deadline:
                sys.exit("port 1883 or 8081 is taken: the examples need the default ports free")
            time.sleep(0.05)
        log = open(self.workdir / "broker.log", "ab")
        self.proc = subprocess.Popen(
            [str(self.bindir / "nanomq"), "start"],
            cwd=self.workdir / "broker",
            stdout=log,
            stderr=log,
        )
        deadline = time.time() + 30
        while not (port_open(1883) and port_open(8081)):
            if self.proc.poll() is not None or time.time() > deadline:
                sys.exit("the broker did not start:\n" + (self.workdir / "broker.log").read_text())
            time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        deadline = time.time() + 10
        while (port_open(1883) or port_open(8081)) and time.time() < deadline:
            time.sleep(0.05)


def run_block(text, bindir, scratch):
    env = dict(os.environ)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    for key in ("NANOMQ_URL", "NANOMQ_USERNAME", "NANOMQ_PASSWORD", "NANOMQ_CONF"):
        env.pop(key, None)
    env["HOME"] = str(scratch / "home")
    # Output goes to a file, not a pipe: a background job (a broker the block starts) keeps its
    # copy open after the block itself has ended.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            ["bash", "-e", "-o", "pipefail", "-c", text],
            cwd=scratch,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            code = None
        # Whatever it left running in the background ends with it.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            time.sleep(0.2)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        log.seek(0)
        out = log.read()
    return code, out.decode("utf-8", "replace")


def main():
    bindir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target" / "debug").resolve()
    unmarked, tested = [], []
    for page in pages():
        for line, lang, words, text in blocks(page):
            if lang not in SHELLS or not RUNS.search(text):
                continue
            where = f"{page.relative_to(ROOT)}:{line}"
            if "tested" in words:
                tested.append((where, words, text))
            elif "untested" not in words:
                unmarked.append(where)
    if unmarked:
        print("shell examples that say neither `tested` nor `untested`:", file=sys.stderr)
        for where in unmarked:
            print(f"  {where}", file=sys.stderr)
        sys.exit(1)
    with tempfile.TemporaryDirectory(prefix="doc-examples-") as tmp:
        scratch = pathlib.Path(tmp)
        (scratch / "broker").mkdir()
        (scratch / "home").mkdir()
        shutil.copytree(ROOT / "etc", scratch / "etc")
        broker = Broker(bindir, scratch)
        failed = 0
        try:
            for where, words, text in tested:
                if "standalone" in words:
                    broker.stop()
                else:
                    broker.start()
                code, out = run_block(text, bindir, scratch)
                missing = [
                    e for e in re.findall(r"#\s*expect:\s*(.+)$", text, re.M) if e.strip() not in out
                ]
                if code != 0 or missing:
                    failed += 1
                    why = "timed out" if code is None else f"exit {code}"
                    if missing:
                        why += f"; output lacks {missing}"
                    print(f"FAIL {where} ({why})\n--- block\n{text}--- output\n{out}---")
                else:
                    print(f"ok   {where}")
        finally:
            broker.stop()
        print(f"{len(tested) - failed} of {len(tested)} examples ran as written")
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
