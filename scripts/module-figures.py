#!/usr/bin/env python3
"""Prints three figures about the source tree's structure:

- the number of files in the largest import cycle (the largest strongly connected component of
  the graph "file A names an item of file B");
- the largest module's line count;
- the number of direct `db::` calls in the web layer.

Usage: scripts/module-figures.py [--with-mod] [SRC_DIR]   (default: src)
"""
import os
import re
import sys

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SRC = ARGS[0] if ARGS else "src"
# With --with-mod, a `mod child;` line counts as the parent naming the child, as rustc's module
# tree does; without it, only `use` lines and `crate::`/`super::` paths count.
WITH_MOD = "--with-mod" in sys.argv


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def expand_use(tree):
    """Expands a use tree `a::{b, c::{d, e}}` into paths."""
    tree = tree.strip()
    depth = 0
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                prefix = tree[:i].rstrip(":").strip()
                inner = tree[i + 1 : tree.rindex("}")]
                parts, d, cur = [], 0, ""
                for c in inner:
                    if c == "," and d == 0:
                        parts.append(cur)
                        cur = ""
                        continue
                    d += c == "{"
                    d -= c == "}"
                    cur += c
                parts.append(cur)
                out = []
                for p in parts:
                    if p.strip():
                        for sub in expand_use(p):
                            out.append(f"{prefix}::{sub}" if prefix else sub)
                return out
            depth += 1
    return [re.split(r"\s+as\s+", tree)[0].strip()]


def resolve(parts, here, modules):
    """The module file a path names, given the module it appears in."""
    if not parts:
        return None
    if parts[0] == "crate":
        base, rest = (), parts[1:]
    elif parts[0] in ("super", "self"):
        base = list(here)
        rest = list(parts)
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
        base = tuple(base)
    else:
        return None
    path = base + tuple(rest)
    for n in range(len(path), -1, -1):
        if path[:n] in modules:
            return path[:n]
    return None


def main():
    files = {}
    for root, _, names in os.walk(SRC):
        for n in names:
            if n.endswith(".rs"):
                p = os.path.join(root, n)
                files[module_of(p)] = p
    modules = set(files)
    edges = {m: set() for m in modules}
    for m, p in files.items():
        text = strip_comments(open(p, encoding="utf-8").read())
        paths = []
        for u in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text, flags=re.M):
            paths += expand_use(u)
        paths += re.findall(r"\b((?:crate|super|self)(?:::\w+)+)", text)
        if WITH_MOD:
            paths += [f"self::{c}" for c in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, flags=re.M)]
        for path in paths:
            target = resolve(path.split("::"), m, modules)
            if target is not None and target != m and target != ():
                edges[m].add(target)

    # Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
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
            sccs.append(comp)

    for v in sorted(modules):
        if v not in index:
            visit(v)
    largest = max(sccs, key=len)
    lines = sorted(
        ((sum(1 for _ in open(p, encoding="utf-8")), p) for p in files.values()), reverse=True
    )
    db_calls = 0
    web_dirs = [d for d in ("http/web", "web") if os.path.isdir(os.path.join(SRC, d))]
    for d in web_dirs:
        for root, _, names in os.walk(os.path.join(SRC, d)):
            for n in names:
                if n.endswith(".rs"):
                    text = strip_comments(open(os.path.join(root, n), encoding="utf-8").read())
                    db_calls += len(re.findall(r"\bdb::(?:\w+::)*\w+\s*\(", text))
    print(f"largest import cycle: {len(largest)} files")
    if len(largest) > 1:
        for m in sorted(largest):
            print(f"    {files[m]}")
    print(f"largest module: {lines[0][0]} lines ({lines[0][1]})")
    print(f"  next: " + ", ".join(f"{n} {p}" for n, p in lines[1:4]))
    print(f"direct db:: calls in the web layer: {db_calls}")


main()
