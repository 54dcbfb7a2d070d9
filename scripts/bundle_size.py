#!/usr/bin/env python3
"""Checks the page's download size: gzips (level 9) each .wasm, .js and .css file of the release
build's dist/ folder that the page loads (named in its index.html: the embed example's script is
served beside the page but never loaded by it), prints a table and the total, and exits 1 when the
total is over the budget.

    python3 scripts/bundle_size.py [DIST] [--budget BYTES]

DIST defaults to dist/ (what `trunk build --release` writes) and the budget to 640 KB (655,360 B):
a guard against growth, set above the page as it is with the views, every data type, the lessons,
the challenges, share links, embedding and the slow subscriber (631,230 B). The issues' aims are lower and not met yet: 400 KB (409,600 B) with the views alone,
500 KB (512,000 B) with the views and the lessons (README, "The page's size"). index.html is left
out: it is not part of the budget, and Trunk rewrites it on every build. Stdlib only, so it runs with any python3.
"""
import argparse
import gzip
import pathlib
import sys

BUDGET = 640 * 1024
KINDS = (".wasm", ".js", ".css")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", nargs="?", default="dist", help="the built page's folder (dist/)")
    parser.add_argument("--budget", type=int, default=BUDGET, help="bytes gzipped, all files together")
    args = parser.parse_args()
    dist = pathlib.Path(args.dist)
    index = dist / "index.html"
    loaded = index.read_text(encoding="utf-8") if index.is_file() else ""
    files = sorted(
        (p for p in dist.iterdir() if p.is_file() and p.suffix in KINDS and p.name in loaded),
        key=lambda p: (KINDS.index(p.suffix), p.name),
    ) if dist.is_dir() else []
    # A folder without a wasm module is not a page build; passing it would hide a broken build.
    if not any(p.suffix == ".wasm" for p in files):
        print(f"{dist}: no .wasm file (run `trunk build --release` first)", file=sys.stderr)
        return 1
    rows = []
    for path in files:
        data = path.read_bytes()
        # mtime=0 keeps the gzip header, and so the count, the same for the same bytes.
        rows.append((path.name, len(data), len(gzip.compress(data, compresslevel=9, mtime=0))))
    width = max(len(name) for name, _, _ in rows + [("total", 0, 0)])
    print(f"{'file':<{width}}  {'bytes':>11}  {'gzip -9':>11}")
    for name, raw, packed in rows:
        print(f"{name:<{width}}  {raw:>11,}  {packed:>11,}")
    raw_total = sum(raw for _, raw, _ in rows)
    total = sum(packed for _, _, packed in rows)
    print(f"{'total':<{width}}  {raw_total:>11,}  {total:>11,}")
    if total > args.budget:
        print(f"over budget: {total:,} B gzipped > {args.budget:,} B", file=sys.stderr)
        return 1
    print(f"within budget: {total:,} B of {args.budget:,} B ({total / args.budget:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
