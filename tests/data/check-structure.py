#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The structure rules of src/ (issue 19), so they cannot quietly come back:

- no file in src/ over 600 lines;
- no circle of more than three files calling each other: a function
  defined in one .c file and called from another is an arrow between the
  two, and no strongly connected set of files may hold more than three.

Usage: check-structure.py SRCROOT
"""

import collections
import os
import re
import sys

MAX_LINES = 600
MAX_CIRCLE = 3

KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "defined"}
DEFINITION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\(", re.M)
CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
COMMENT_OR_STRING = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', re.S)


def sources(root):
    for folder, _, names in os.walk(os.path.join(root, "src")):
        for name in sorted(names):
            if name.endswith((".c", ".h", ".ui", ".py", ".css")):
                yield os.path.join(folder, name)


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iteratively: the sets of mutually reachable nodes."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                found.append(sorted(group))
    return found


def main():
    root = os.path.abspath(sys.argv[1])
    problems = []

    for path in sources(root):
        with open(path, encoding="utf-8") as f:
            count = sum(1 for _ in f)
        if count > MAX_LINES:
            problems.append(f"{os.path.relpath(path, root)}: {count} lines (at most {MAX_LINES})")

    texts = {}
    for path in sources(root):
        if path.endswith(".c"):
            with open(path, encoding="utf-8") as f:
                texts[path] = COMMENT_OR_STRING.sub(" ", f.read())

    # A name defined in several files (static helpers of the same name) says
    # nothing about who calls whom: only names defined once count.
    defined_in = collections.defaultdict(set)
    for path, text in texts.items():
        for match in DEFINITION.finditer(text):
            if match.group(1) not in KEYWORDS:
                defined_in[match.group(1)].add(path)

    edges = collections.defaultdict(set)
    for path, text in texts.items():
        for match in CALL.finditer(text):
            owners = defined_in.get(match.group(1))
            if owners and len(owners) == 1:
                target = next(iter(owners))
                if target != path:
                    edges[path].add(target)

    for group in strongly_connected(sorted(texts), edges):
        if len(group) > MAX_CIRCLE:
            names = ", ".join(os.path.relpath(p, root) for p in group)
            problems.append(f"a circle of {len(group)} files calling each other: {names}")

    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{len(texts)} C files: none over {MAX_LINES} lines, no circle over {MAX_CIRCLE} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
