#!/usr/bin/env bash
# `make test`: every check and test, each crate compiled once, on a 2-core machine.
#   scripts/test.sh        everything (what `make test` and CI run)
#   scripts/test.sh rust   the Rust tests of the workspace only (`make rust-test`)
# Run them through make, which installs what is missing and sets the compiler wrapper.
#
# How it keeps to its time (docs/BENCHMARKS.md, "make test on a clean clone"):
# - Clippy lints as the code compiles: clippy-driver is the workspace's compiler wrapper
#   (RUSTC_WORKSPACE_WRAPPER, set by the Makefile for the test targets) with warnings
#   denied, so the workspace lints and clippy.toml apply to every test and app build with no
#   second, check-only build of every dependency. `make lint` still runs `cargo clippy`.
# - One test build for the core and the shell (scripts/test-selection.sh).
# - The Windows cross-build (`windows-test.sh build`, its own target folder) and cargo-deny
#   (installed the first time) run in the background at the lowest CPU priority from the
#   start: they take the CPU the Linux steps leave idle (most of the e2e's, which waits on
#   WebKit), and the Wine tests run at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=test-selection.sh
source scripts/test-selection.sh
if [ -z "${RUSTC_WORKSPACE_WRAPPER:-}" ] || [ "${CLIPPY_ARGS:-}" != "-Dwarnings" ]; then
  echo "scripts/test.sh: run it through make (make test, make rust-test), which sets clippy-driver as the compiler wrapper" >&2
  exit 2
fi

# Each command is shown as it starts, as make shows its recipes.
run() {
  echo "+ $*"
  "$@"
}

rust_tests() {
  run cargo test --locked "${TEST_SELECTION[@]}" --all-targets
  # The benchmarks must compile (docs/BENCHMARKS.md). The dev profile reuses what the tests
  # just built; `cargo bench` itself builds them optimised.
  run cargo bench --locked "${TEST_SELECTION[@]}" --no-run --profile dev
  # Test hooks (feature `test-hooks`: a cheaper KDF, the raw database connection) and the
  # unkeyed-database code (feature `bench`) must never reach what ships: the app, or the CLI
  # as built without the tests (normal and build dependencies only).
  for pkg in casekeep-app casekeep; do
    if cargo tree --locked -p "$pkg" -e features,normal,build -i casekeep | grep -E 'feature "(bench|test-hooks)"'; then
      echo "FAIL: $pkg enables a test-only feature of casekeep"
      exit 1
    fi
  done
  echo "ok   neither the app nor the CLI enables test-hooks or bench"
  # The tests regenerate ui/src/bindings from the Rust types, and ui/src/commands.ts and
  # src-tauri/commands.json from the IPC contract: they must be committed as is.
  if [ -n "$(git status --porcelain -- ui/src/bindings ui/src/commands.ts src-tauri/commands.json)" ]; then
    echo "FAIL: ui/src/bindings, ui/src/commands.ts or src-tauri/commands.json differ from the Rust types; commit the regenerated files"
    git status --short -- ui/src/bindings ui/src/commands.ts src-tauri/commands.json
    exit 1
  fi
}

# What runs in the background (below): each part runs even if one before it failed; the
# exit status says whether all passed.
background() {
  { echo 19 >/proc/self/autogroup; } 2>/dev/null || true
  local failed=0
  bash scripts/windows-test.sh build || failed=1
  bash scripts/deny.sh || failed=1
  # When it ended, for the summary (which path was the longer one).
  date +%s >target/background.done
  return "$failed"
}

case "${1:-all}" in
  rust)
    rust_tests
    exit 0
    ;;
  background)
    background
    exit
    ;;
  all) ;;
  *)
    echo "usage: $0 [rust]" >&2
    exit 2
    ;;
esac

make --no-print-directory ui-build
mkdir -p target
WINLOG=target/windows-build.log
rm -f target/background.done
started=$(date +%s)
echo "make test: the Windows cross-build and cargo-deny start in the background (lowest priority; their output: $WINLOG, shown at the end)"
# In its own session (so that it can be stopped as a whole), which Linux schedules as its own
# group: with autogroups on, `nice` weighs only within a group, so the group itself is given
# the lowest priority too (/proc/self/autogroup, in `background`); otherwise it would take
# half the CPU. It is already the longer path by the end (docs/BENCHMARKS.md): more work
# in it (tauri-driver's install was tried) only makes the end wait for it.
setsid nice -n 19 bash scripts/test.sh background >"$WINLOG" 2>&1 &
win=$!
stop_windows_build() { kill -- "-$win" 2>/dev/null || true; }
trap stop_windows_build EXIT

SECONDS=0
make --no-print-directory lint-quick
echo "make test: lint (fmt, eslint, the guide's screenshots) in ${SECONDS}s"
SECONDS=0
rust_tests
echo "make test: Rust tests (core and shell, with clippy) in ${SECONDS}s"
# After the Rust tests, which rewrite ui/src/bindings that the typecheck reads.
SECONDS=0
make --no-print-directory ui-test
echo "make test: UI tests in ${SECONDS}s"
SECONDS=0
make --no-print-directory e2e
echo "make test: e2e in ${SECONDS}s"

e2e_done=$(($(date +%s) - started))
SECONDS=0
status=0
wait "$win" || status=$?
trap - EXIT
sed 's/^/background: /' "$WINLOG"
if [ "$status" -ne 0 ]; then
  echo "FAIL: in the background (the Windows cross-build or cargo-deny; above, \"background:\")"
  exit 1
fi
echo "make test: waited ${SECONDS}s for the background"
if [ -f target/background.done ]; then
  echo "make test: since the background started, it ended at $(($(cat target/background.done) - started))s and the Linux steps at ${e2e_done}s"
fi
bash scripts/windows-test.sh run
echo "make test: all checks passed"
