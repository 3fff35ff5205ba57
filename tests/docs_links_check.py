#!/usr/bin/env python3
"""Every relative link in README.md, CONTRIBUTING.md and docs/*.md resolves.

    docs_links_check.py ROOT        checks the project at ROOT; exit 1 naming each broken link
    docs_links_check.py --self-test checks that a broken link, a broken anchor and a missing image are
                                    caught and good ones pass (so the check above can fail)

A link resolves when the file or folder it names exists, relative to the page; a #anchor (alone, or
after a .md file) must be a heading of that page, made into an anchor as GitHub does (lower case,
punctuation dropped, spaces to hyphens, -1, -2 … for repeats). Links in code blocks and code spans are
text, not links; http(s) and mailto links are not checked (the tests run without a network).
"""
import os
import re
import sys
import tempfile

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def blank_code_blocks(text):
    """The page's lines with fenced code blocks blanked (line numbers kept)."""
    out, fence = [], None
    for line in text.split("\n"):
        stripped = line.lstrip()
        if fence is None and (stripped.startswith("```") or stripped.startswith("~~~")):
            fence = stripped[:3]
            out.append("")
        elif fence is not None:
            if stripped.startswith(fence):
                fence = None
            out.append("")
        else:
            out.append(line)
    return out


def without_code(text):
    """The page's lines with code blocks blanked and code spans removed: what is left can hold links."""
    return [re.sub(r"(`+)(?:(?!\1).)+?\1", "", line) for line in blank_code_blocks(text)]


def slug(heading):
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(path):
    with open(path, encoding="utf-8") as f:
        lines = blank_code_blocks(f.read())  # a code span in a heading is part of its anchor
    seen, anchors = {}, set()
    for line in lines:
        m = HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        anchors.add(base if n == 0 else f"{base}-{n}")
    return anchors


def pages(root):
    found = [os.path.join(root, name) for name in ("README.md", "CONTRIBUTING.md")]
    docs = os.path.join(root, "docs")
    if os.path.isdir(docs):
        found += sorted(os.path.join(docs, n) for n in os.listdir(docs) if n.endswith(".md"))
    return [p for p in found if os.path.isfile(p)]


def broken_links(root):
    problems = []
    for page in pages(root):
        with open(page, encoding="utf-8") as f:
            lines = without_code(f.read())
        for number, line in enumerate(lines, 1):
            for m in LINK.finditer(line):
                target = m.group(1)
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                    continue  # http:, https:, mailto:
                where = f"{os.path.relpath(page, root)}:{number}: {target}"
                path, _, anchor = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
                if not os.path.exists(resolved):
                    problems.append(f"{where}: no such file or folder")
                    continue
                if anchor:
                    if not resolved.endswith(".md") or os.path.isdir(resolved):
                        problems.append(f"{where}: an anchor into something not a Markdown page")
                    elif anchor not in anchors_of(resolved):
                        problems.append(f"{where}: no heading #{anchor} in {os.path.relpath(resolved, root)}")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "docs"))
        files = {
            "README.md": "# Top\n\n## Build options\n\n[ok](docs/a.md#the-a-page) [ok](#build-options) "
                         "[ok](docs/) ![ok](docs/a.png)\n",
            "CONTRIBUTING.md": "# C\n\n[ok](README.md#top) `[not a link](nowhere.md)`\n\n```\n[nor this](gone.md)\n```\n",
            "docs/a.md": "# The `a` page\n\n## Same\n\n## Same\n\n[ok](#same-1) [ok](../README.md) [ok](https://example.invalid/x)\n",
            "docs/a.png": "",
        }
        for name, text in files.items():
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(text)
        good = broken_links(root)
        assert good == [], good
        with open(os.path.join(root, "docs", "b.md"), "w", encoding="utf-8") as f:
            f.write("# B\n\n[gone](missing.md)\n[bad anchor](a.md#nope)\n![no image](b.png)\n[self](#nope-too)\n")
        bad = broken_links(root)
        assert len(bad) == 4, bad
        for fragment in ("missing.md: no such file", "a.md#nope: no heading", "b.png: no such file", "#nope-too: no heading"):
            assert any(fragment in p for p in bad), (fragment, bad)
    print("docs_links_check: a broken link, anchor and image are caught; good links pass")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(argv) != 2:
        print("usage: docs_links_check.py ROOT | --self-test", file=sys.stderr)
        return 2
    problems = broken_links(argv[1])
    for p in problems:
        print(p)
    checked = len(pages(argv[1]))
    if problems:
        print(f"docs_links_check: {len(problems)} broken link(s) in {checked} pages", file=sys.stderr)
        return 1
    print(f"docs_links_check: every relative link in {checked} pages resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
