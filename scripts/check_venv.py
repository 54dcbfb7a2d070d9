#!/usr/bin/env python3
"""Checks that the running Python environment (the project's .venv) holds exactly the packages
pinned in a requirements file, at their versions, and nothing else but pip and setuptools.

    .venv/bin/python scripts/check_venv.py requirements-test.txt

Exits 0 when it does; otherwise prints what is wanted and what is there, and exits 1.
`./dev.sh check` runs it, so a package installed by hand, or one the setup forgot, fails there.
"""
import re, sys
from importlib import metadata
want = {}
for line in open(sys.argv[1]):
    m = re.match(r"([A-Za-z0-9_.-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line.strip())
    if not m:
        continue
    name, version, marker = m.groups()
    if marker:
        # The only marker the file uses: python_full_version < "X".
        bound = re.match(r'python_full_version\s*<\s*"([0-9.]+)"', marker)
        if not bound:
            sys.exit(f"unknown marker {marker!r}")
        if tuple(map(int, sys.version.split()[0].split("."))) >= tuple(map(int, bound.group(1).split("."))):
            continue
    want[name.lower().replace("_", "-")] = version
have = {d.metadata["Name"].lower().replace("_", "-"): d.version for d in metadata.distributions()}
have.pop("pip", None); have.pop("setuptools", None)
if have != want:
    sys.exit(f"want {sorted(want.items())}, have {sorted(have.items())}")
