#!/usr/bin/env bash
# `./dev.sh fuzz [SECONDS] [TARGET...]`: runs each cargo-fuzz target of tests/fuzz/ (libFuzzer)
# for SECONDS (default 60), one after another in one process, then minimises its corpus, and
# prints per target the executions, libFuzzer's coverage (cov: edges, ft: features) and the
# crash inputs it wrote to tests/fuzz/artifacts/<target>/. Installs the nightly toolchain and
# cargo-fuzz when missing: only this command needs them, never `./dev.sh test`.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
FUZZ_DIR=tests/fuzz
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(cli request engine scenario session_load share)

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

if ! rustup toolchain list | grep -q '^nightly'; then
  say "installing the nightly toolchain (for cargo-fuzz's sanitizer flags)"
  rustup toolchain install nightly --profile minimal
fi
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION (a few minutes, once)"
  cargo install --locked "cargo-fuzz@$CARGO_FUZZ_VERSION"
fi

say "building the fuzz targets (nightly, optimised, with debug assertions)"
cargo +nightly fuzz build --fuzz-dir "$FUZZ_DIR" --debug-assertions

summary=()
failed=0
for target in "${TARGETS[@]}"; do
  corpus=$FUZZ_DIR/corpus/$target
  artifacts=$FUZZ_DIR/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  before=$(ls "$artifacts" | wc -l)
  log=$(mktemp)
  say "fuzzing $target for $SECONDS_EACH s"
  # A 2 GB memory limit and a 10 s limit per input catch unbounded allocation and endless loops;
  # inputs up to 4 KB keep the committed corpus small.
  set +e
  cargo +nightly fuzz run --fuzz-dir "$FUZZ_DIR" --debug-assertions "$target" "$corpus" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
    -max_len=4096 -print_final_stats=1 2>&1 | tee "$log" | grep -E '^#[0-9]+.*(pulse|DONE)|^==|panicked|SUMMARY'
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  crashes=$(( $(ls "$artifacts" | wc -l) - before ))
  [ "$crashes" = 0 ] || failed=1
  # The corpus is committed: keep only the inputs that add coverage.
  cargo +nightly fuzz cmin --fuzz-dir "$FUZZ_DIR" --debug-assertions "$target" "$corpus" >/dev/null 2>&1 || true
  summary+=("$(printf '%-13s %12s executions   %-22s %3s new crash inputs   corpus %s files' \
    "$target" "${execs:-?}" "${cov:-cov: ?}" "$crashes" "$(ls "$corpus" | wc -l)")")
  rm -f "$log"
done

say "fuzzing summary ($SECONDS_EACH s per target)"
printf '%s\n' "${summary[@]}"
if [ $failed = 1 ]; then
  echo "crash inputs are in $FUZZ_DIR/artifacts/<target>/: fix the bug and commit the input" >&2
  exit 1
fi
