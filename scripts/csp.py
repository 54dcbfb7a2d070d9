#!/usr/bin/env python3
"""Writes the page's Content-Security-Policy into the built index.html (a Trunk post_build hook).

Trunk injects an inline module script that loads the wasm; its text names the build's hashed
files, so its hash changes with every build. This hook hashes every inline script of the staged
index.html and writes a `<meta http-equiv="Content-Security-Policy">` right after
`<meta charset>`, before anything it governs:

- scripts: this origin's files and exactly the hashed inline loader ('wasm-unsafe-eval' lets
  the wasm module compile; no 'unsafe-inline', no 'unsafe-eval');
- styles: this origin's files and 'unsafe-inline', because Yew writes a few `style` attributes
  (a pane's share of the height, the animations' time scale);
- connect-src 'self' (the wasm file is fetched from this origin; nothing remote), img-src 'self'
  data: (the empty favicon), frame-src 'self' (the embed example's frames), object-src 'none',
  base-uri 'none', form-action 'none', and nothing else (default-src 'none').
"""

import base64
import hashlib
import os
import re
import sys


def policy(script_hashes):
    scripts = " ".join(f"'sha256-{h}'" for h in script_hashes)
    return (
        "default-src 'none'; "
        f"script-src 'self' 'wasm-unsafe-eval' {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data:; frame-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'"
    )


def apply(html):
    """The page with its policy; an existing policy meta is replaced."""
    html = re.sub(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    hashes = [
        base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() for body in bodies
    ]
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}" />'
    marker = re.search(r"<meta charset[^>]*>", html)
    if marker is None:
        raise SystemExit("csp.py: index.html has no <meta charset>")
    return html[: marker.end()] + "\n  " + meta + html[marker.end() :]


def main():
    root = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else None)
    if not root:
        raise SystemExit("csp.py: run by Trunk (TRUNK_STAGING_DIR) or given the dist folder")
    path = os.path.join(root, "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(apply(html))


if __name__ == "__main__":
    main()
