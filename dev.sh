#!/usr/bin/env bash
# streamplay's one entry point for developers and CI.
#
#   ./dev.sh serve   install what is missing, build, serve the playground on http://127.0.0.1:8080
#   ./dev.sh test    install what is missing, run every test (native, wasm in Chromium,
#                    Playwright against the release build, differential against redis-server)
#   ./dev.sh setup   only install what is missing or at another version (idempotent; seconds
#                    when nothing is), then check every tool's version
#   ./dev.sh check   check that every tool the build and the tests use is at its pinned version
#   ./dev.sh verify-setup  prove the setup from a clean state: a fresh clone in a temporary
#                    folder, set up from nothing (new .venv, new node_modules), then checked
#   ./dev.sh bench   the benchmark: streams memory, throughput and consumer groups, and Pub/Sub
#                    deliveries (native and wasm32 under Node) next to redis-server and
#                    redis-benchmark (about eight minutes)
#   ./dev.sh bench-session  the session benchmark: seeks in a 100,000-step session holding a
#                    1,000,000-entry stream, checkpoint memory, Session::run against the bare
#                    engine (native and wasm32 under Node; a few minutes)
#   ./dev.sh diff-full  the random stream differential test at its full 100,000 commands (both profiles)
#   ./dev.sh vm-full    the view model property test at 1,000,000 cases (release build)
#   ./dev.sh bench-browser  the consoles in headless Chromium: Enter → reply painted, and frame times
#                    and lost messages under 1,000 pushes a second (about a minute)
#   ./dev.sh replay FILE [HOST:PORT]  replay a scenario on a real Redis (default 127.0.0.1:6379; it is FLUSHALLed)
#   ./dev.sh fuzz [SECONDS] [TARGET...]  run each cargo-fuzz target SECONDS (default 60; installs nightly and cargo-fuzz)
#
# What it installs, each only when missing or at the wrong version: the wasm32 target,
# trunk 0.21.14, wasm-bindgen-cli matching the pinned wasm-bindgen crate, the npm
# packages at package-lock.json's versions (Playwright's test runner and binaryen's wasm-opt;
# no browser download), and for the tests Debian's chromium, chromium-driver, redis-server
# 7.0.15 and redis-tools, the Python packages of requirements-test.txt (redis-py) in the
# project's own virtual environment .venv/, which every test that runs Python uses, and Redis
# 8.0.2 for the profile 8 differential tests: Debian 13's packages extracted into the ignored
# folder .redis8/ (scripts/redis8-setup.sh; nothing installed system-wide).
set -euo pipefail
cd "$(dirname "$0")"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)
REDIS_VERSION=7.0.15
REDIS8_VERSION=8.0.2
REDIS8_DIR=$PWD/.redis8
VENV=.venv
REQUIREMENTS=requirements-test.txt
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
  elif ! npm_packages_match; then
    say "installing npm packages (package-lock.json's versions)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
}

# Every package package-lock.json lists is installed at exactly its version.
npm_packages_match() {
  node -e '
    const lock = require("./package-lock.json").packages;
    for (const [path, pkg] of Object.entries(lock)) {
      if (!path) continue;
      let version;
      try { version = require("./" + path + "/package.json").version; } catch { process.exit(1); }
      if (version !== pkg.version) process.exit(1);
    }' 2>/dev/null
}

version_of() { "$@" 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -1; }

# The .venv stamp: the requirements file's hash and the interpreter that made the venv. Any
# change, or a package set that differs from the file's (one installed or removed by hand),
# rebuilds the venv from nothing, so nothing else can linger in it.
venv_stamp() {
  printf '%s %s\n' "$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)" "$(python3 -c 'import sys; print(sys.version.split()[0])')"
}

setup_python() {
  if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.streamplay-stamp" 2>/dev/null)" != "$(venv_stamp)" ] ||
    ! "$VENV/bin/python" scripts/check_venv.py "$REQUIREMENTS" >/dev/null 2>&1; then
    say "creating $VENV with the packages of $REQUIREMENTS"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
      # Debian's python3 needs python3-venv (ensurepip) to make a virtual environment.
      rm -rf "$VENV"
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv
      python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$REQUIREMENTS"
    venv_stamp > "$VENV/.streamplay-stamp"
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
  # The browser and its driver come from one Debian source package; different versions mean
  # a half-finished upgrade, which the wasm tests' chromedriver cannot drive.
  if [ "$(version_of chromium --version)" != "$(version_of chromedriver --version)" ]; then
    say "chromium $(version_of chromium --version) and chromedriver $(version_of chromedriver --version) differ: reinstalling both"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver
  fi
  setup_python
  if ! "$REDIS8_DIR/redis8-server" --version >/dev/null 2>&1; then
    say "bringing up Redis $REDIS8_VERSION in .redis8/ (about 20 seconds, once)"
  fi
  # Idempotent: returns at once when .redis8/ already runs.
  bash scripts/redis8-setup.sh "$REDIS8_DIR" >/dev/null
}

# Fails, naming each, when a tool is missing or not at the version the project pins.
check_tools() {
  local bad=0 want got
  expect() { # what, wanted, got
    if [ "$2" != "$3" ]; then echo "  $1: want $2, have ${3:-nothing}" >&2; bad=1; fi
  }
  rustup target list --installed | grep -qx wasm32-unknown-unknown || { echo "  the wasm32-unknown-unknown target is missing" >&2; bad=1; }
  expect trunk "$TRUNK_VERSION" "$(version_of trunk --version)"
  expect wasm-bindgen "$WASM_BINDGEN_VERSION" "$(version_of wasm-bindgen --version)"
  npm_packages_match || { echo "  node_modules differs from package-lock.json" >&2; bad=1; }
  expect redis-server "$REDIS_VERSION" "$(redis-server --version 2>/dev/null | sed -n 's/.* v=\([0-9.]*\).*/\1/p')"
  expect redis-benchmark "$REDIS_VERSION" "$(version_of redis-benchmark --version)"
  expect redis-cli "$REDIS_VERSION" "$(version_of redis-cli --version)"
  expect redis8-server "$REDIS8_VERSION" "$("$REDIS8_DIR/redis8-server" --version 2>/dev/null | sed -n 's/.* v=\([0-9.]*\).*/\1/p')"
  expect redis8-cli "$REDIS8_VERSION" "$(version_of "$REDIS8_DIR/redis8-cli" --version)"
  want=$(version_of chromium --version)
  [ -n "$want" ] || { echo "  chromium is missing" >&2; bad=1; }
  expect chromedriver "$want" "$(version_of chromedriver --version)"
  expect "$VENV" "$(venv_stamp)" "$(cat "$VENV/.streamplay-stamp" 2>/dev/null)"
  # The venv holds exactly the pinned packages (pip itself aside), at the pinned versions.
  want=$("$VENV/bin/python" scripts/check_venv.py "$REQUIREMENTS" 2>&1) || { echo "  $VENV: $want" >&2; bad=1; }
  if [ $bad = 1 ]; then echo "some tools are not at their pinned versions (./dev.sh setup installs them)" >&2; return 1; fi
  echo "every tool at its pinned version"
}

# A fresh clone of this checkout's HEAD, set up from nothing in a temporary folder and checked:
# a setup step that only works because this machine already had something fails here.
verify_setup() {
  local dir
  dir=$(mktemp -d)
  trap "rm -rf '$dir'" EXIT
  say "verifying the setup from a fresh clone in $dir"
  git clone --quiet --no-local . "$dir/streamplay"
  (cd "$dir/streamplay" && ./dev.sh setup)
  say "the setup works from a clean state"
}

run_tests() {
  say "native tests (engine, transcripts, redis-cli golden screens, server, differential vs redis-server 7.0.15 and Redis 8.0.2)"
  cargo test
  say "view model property test, 10,000 cases (release build)"
  STREAMPLAY_VM_CASES=10000 cargo test --release --test view_model
  say "wasm tests in headless Chromium"
  cargo test --target wasm32-unknown-unknown --test web
  say "release build of the page"
  trunk build --release
  say "page size (wasm + JS + CSS gzipped, guard 560 KB)"
  python3 scripts/bundle_size.py dist
  say "end-to-end tests (Playwright, Debian Chromium)"
  npx playwright test
  say "all tests passed"
}

case "${1:-}" in
  setup) setup_build; setup_test; check_tools ;;
  check) check_tools ;;
  verify-setup) verify_setup ;;
  serve)
    setup_build
    say "serving the playground on http://127.0.0.1:8080"
    exec trunk serve --release --address 127.0.0.1 --port 8080 ;;
  test) setup_build; setup_test; check_tools; run_tests ;;
  bench)
    setup_build; setup_test
    say "streams and pub/sub benchmark (release build, then about seven minutes of measuring)"
    cargo bench --bench streams ;;
  bench-session)
    setup_build
    say "session benchmark (release build, then a few minutes of measuring)"
    cargo bench --bench session ;;
  bench-browser)
    setup_build; setup_test
    say "release build of the page"
    trunk build --release
    say "browser benchmark (Playwright, Debian Chromium, headless)"
    npx playwright test --config playwright.bench.config.js ;;
  diff-full)
    setup_build; setup_test
    say "random stream differential test, 100,000 commands against redis-server 7.0.15 and against Redis 8.0.2"
    STREAMPLAY_RANDOM_COMMANDS=100000 cargo test --release --test differential_streams_random -- --nocapture ;;
  vm-full)
    say "view model property test, 1,000,000 cases (release build)"
    STREAMPLAY_VM_CASES=1000000 cargo test --release --test view_model ;;
  replay) host_port=${3:-127.0.0.1:6379}; cargo run --quiet --bin streamplay-replay -- --host "${host_port%:*}" --port "${host_port##*:}" "${2:?usage: ./dev.sh replay FILE [HOST:PORT]}" ;;
  fuzz) shift; exec scripts/fuzz.sh "$@" ;;
  *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
