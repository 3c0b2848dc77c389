#!/usr/bin/env python3
"""Fails when a relative Markdown link points nowhere.

    python3 .ci/check_links.py              (run from anywhere)

Checks every inline link and image, `[text](path)`, `[text](path#anchor)` and `[text](#anchor)`,
in README.md, ARCHITECTURE.md, BENCHMARKS.md and docs/*.md: the path must exist (a file or a
folder), relative to the page that links to it, and an anchor into a Markdown page must be the
slug of one of its headings, by GitHub's rules (lowercase; spaces become '-'; punctuation other
than '-' and '_' is dropped; a repeated heading gets -1, -2, ...). Links with a scheme
(https:, mailto:) are not checked, nor anything inside code spans or fenced code blocks.
"""

import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["README.md", "ARCHITECTURE.md", "BENCHMARKS.md", "docs/*.md"]

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?\1")
# [text](target) or ![alt](target); the text may hold one level of brackets ([`a[0]`](b)).
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
                  r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def pages():
    found = []
    for pattern in PAGES:
        found.extend(sorted(ROOT.glob(pattern)))
    return found


def prose(text):
    """The page's lines outside fenced code blocks, with their numbers."""
    lines, fenced = [], None
    for number, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if m:
            if fenced is None:
                fenced = m.group(1)
            elif m.group(1) == fenced:
                fenced = None
            continue
        if fenced is None:
            lines.append((number, line))
    return lines


def slug(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.strip().lower()
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "-_ " or category[0] in "LMN" or category == "Pc":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors(path, cache={}):
    """The anchors of a Markdown page's headings."""
    if path not in cache:
        seen, result = {}, set()
        for _, line in prose(path.read_text(encoding="utf-8")):
            m = HEADING.match(line)
            if not m:
                continue
            base = slug(m.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            result.add(base if count == 0 else f"{base}-{count}")
        cache[path] = result
    return cache[path]


def links(path):
    """(line number, target) for every link on the page outside code (a link's text may run
    over a line break)."""
    text = path.read_text(encoding="utf-8")
    kept = dict(prose(text))
    lines = [kept.get(n, "") for n in range(1, len(text.splitlines()) + 1)]
    text = "\n".join(lines)
    # Code spans are blanked, not removed, so that line numbers stay right.
    text = CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    found = []
    for m in LINK.finditer(text):
        target = m.group(1)
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1]
        found.append((text.count("\n", 0, m.start()) + 1, target))
    return found


def check(page):
    problems = []
    for number, target in links(page):
        if not target or SCHEME.match(target):
            continue
        where = f"{page.relative_to(ROOT)}:{number}: ({target})"
        file_part, _, anchor = target.partition("#")
        file_part = file_part.split("?", 1)[0]
        linked = (page.parent / file_part).resolve() if file_part else page
        if not linked.is_relative_to(ROOT):
            problems.append(f"{where}: outside the repository")
            continue
        if not linked.exists():
            problems.append(f"{where}: no such file or folder")
            continue
        if anchor and linked.is_file() and linked.suffix.lower() == ".md":
            if anchor.lower() not in anchors(linked):
                problems.append(f"{where}: no heading with that anchor in {linked.relative_to(ROOT)}")
    return problems


def main():
    checked = pages()
    problems = [p for page in checked for p in check(page)]
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} broken link(s)", file=sys.stderr)
        sys.exit(1)
    count = sum(len(links(page)) for page in checked)
    print(f"{count} links in {len(checked)} Markdown pages, none broken")


if __name__ == "__main__":
    main()
