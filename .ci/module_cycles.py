#!/usr/bin/env python3
"""Fails when modules of a crate import each other in a loop.

    python3 .ci/module_cycles.py            (run from anywhere; checks every crate)

For every crate of the workspace it builds the module tree from the files under src/, finds
every path a file names (`use crate::a::b`, `super::x`, `crate::m::f(...)` inline, grouped
`use` trees), and turns each into an edge between the two *sibling* modules that contain the
two ends (a parent and its own child may use each other: `mod.rs` and the files that
implement its type). A cycle among siblings, at any level, is an error: dependencies point one
way, as ARCHITECTURE.md says ("What may call what").
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = ["nanomq", "nanomq-client", "nanomq-codec", "nanomq-cli", "shared-types"]


def strip(text):
    """The code without comments and string literals (they may mention paths)."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return text


def module_of(src, path):
    rel = path.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ["a::b", "a::c::d", "a::c::e"]."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, rest):
        i = rest.find("{")
        if i < 0:
            out.append(prefix + rest)
            return
        head = rest[:i]
        body = rest[i + 1: rest.rfind("}")]
        depth, start = 0, 0
        for j, ch in enumerate(body + ","):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                item = body[start:j]
                if item:
                    walk(prefix + head, item)
                start = j + 1

    walk("", tree)
    return out


def referenced_paths(code):
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        paths.extend(expand_use(m.group(1)))
    code_wo_use = re.sub(r"\buse\s+[^;]+;", "", code)
    paths.extend(m.group(0) for m in re.finditer(r"\b(?:crate|super|self)(?:::\w+)+", code_wo_use))
    return paths


def resolve(module, path, modules):
    """The module a path refers to (the longest prefix that is a module), or None."""
    segments = path.split("::")
    if segments[0] == "crate":
        base, segments = (), segments[1:]
    elif segments[0] in ("super", "self"):
        base = module
        while segments and segments[0] in ("super", "self"):
            if segments[0] == "super":
                base = base[:-1]
            segments = segments[1:]
    else:
        return None
    target = base
    for seg in segments:
        if target + (seg,) in modules:
            target = target + (seg,)
        else:
            break
    return target


def cycles(edges):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]
    nodes = set(edges) | {b for bs in edges.values() for b in bs}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def check(crate):
    src = ROOT / crate / "src"
    files = sorted(src.rglob("*.rs"))
    modules = {module_of(src, f) for f in files}
    edges, why = {}, {}
    for f in files:
        module = module_of(src, f)
        for path in referenced_paths(strip(f.read_text())):
            target = resolve(module, path, modules)
            if target is None:
                continue
            common = 0
            while common < min(len(module), len(target)) and module[common] == target[common]:
                common += 1
            if common == len(module) or common == len(target):
                continue  # the same module, or an ancestor and its descendant
            a, b = module[: common + 1], target[: common + 1]
            edges.setdefault(a, set()).add(b)
            why.setdefault((a, b), f"{f.relative_to(ROOT)}: {path}")
    problems = []
    for comp in cycles(edges):
        names = ["::".join(m) for m in comp]
        lines = [f"  {why[(a, b)]}" for a in comp for b in comp if (a, b) in why]
        problems.append(f"{crate}: modules import each other: {', '.join(names)}\n" + "\n".join(lines))
    return problems


def main():
    problems = [p for crate in CRATES for p in check(crate)]
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"no import cycles between modules in {', '.join(CRATES)}")


if __name__ == "__main__":
    main()
