#!/usr/bin/env bash
# streamplay's one entry point for developers and CI.
#
#   ./dev.sh serve   install what is missing, build, serve the playground on http://127.0.0.1:8080
#   ./dev.sh test    install what is missing, run every test (native, wasm in Chromium,
#                    Playwright against the release build, differential against redis-server)
#   ./dev.sh setup   only install what is missing (idempotent; seconds when nothing is)
#   ./dev.sh bench   the benchmark: streams memory, throughput and consumer groups, and Pub/Sub
#                    deliveries (native and wasm32 under Node) next to redis-server and
#                    redis-benchmark (about eight minutes)
#   ./dev.sh diff-full  the random stream differential test at its full 100,000 commands
#   ./dev.sh bench-browser  the consoles in headless Chromium: Enter → reply painted, and frame times
#                    and lost messages under 1,000 pushes a second (about a minute)
#
# What it installs, each only when missing or at the wrong version: the wasm32 target,
# trunk 0.21.14, wasm-bindgen-cli matching the pinned wasm-bindgen crate, the npm
# packages (Playwright's test runner and binaryen's wasm-opt; no browser download), and
# for the tests Debian's chromium, chromium-driver and redis-server, and redis-py.
set -euo pipefail
cd "$(dirname "$0")"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)
REDIS_PY_VERSION=5.2.1
export TRUNK_SKIP_VERSION_CHECK=true
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; exit 1; fi
}

setup_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install --locked "trunk@$TRUNK_VERSION"
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    # Not --locked: its lockfile pins a crate version the registry mirror may lack.
    cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
  fi
  # A linked node_modules (a git worktree sharing another checkout's) is left alone: `npm ci`
  # would empty the folder the link points to.
  if [ -L node_modules ]; then
    :
  elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
}

setup_test() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-benchmark >/dev/null || missing+=(redis-tools)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
  fi
  if ! python3 -c 'import redis' 2>/dev/null; then
    say "installing redis-py $REDIS_PY_VERSION"
    python3 -m pip install --quiet "redis==$REDIS_PY_VERSION"
  fi
}

run_tests() {
  say "native tests (engine, transcripts, redis-cli golden screens, server, differential vs redis-server)"
  cargo test
  say "wasm tests in headless Chromium"
  cargo test --target wasm32-unknown-unknown --test web
  say "release build of the page"
  trunk build --release
  say "end-to-end tests (Playwright, Debian Chromium)"
  npx playwright test
  say "all tests passed"
}

case "${1:-}" in
  setup) setup_build; setup_test ;;
  serve)
    setup_build
    say "serving the playground on http://127.0.0.1:8080"
    exec trunk serve --release --address 127.0.0.1 --port 8080 ;;
  test) setup_build; setup_test; run_tests ;;
  bench)
    setup_build; setup_test
    say "streams and pub/sub benchmark (release build, then about seven minutes of measuring)"
    cargo bench --bench streams ;;
  bench-browser)
    setup_build; setup_test
    say "release build of the page"
    trunk build --release
    say "browser benchmark (Playwright, Debian Chromium, headless)"
    npx playwright test --config playwright.bench.config.js ;;
  diff-full)
    setup_build; setup_test
    say "random stream differential test, 100,000 commands against redis-server 7.0.15"
    STREAMPLAY_RANDOM_COMMANDS=100000 cargo test --release --test differential_streams_random -- --nocapture ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
