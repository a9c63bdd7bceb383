#!/usr/bin/env bash
# App start-up and memory under Xvfb, next to a bare Tauri window (issue 7's app targets).
# `make bench-app` builds what is missing and runs this; it is NOT part of `make test`.
#
#   PROFILE=debug|release   which build to measure (default debug, what CI builds)
#   RUNS=5 MEM_RUNS=3       launches for start-up; WebDriver sessions for memory
#   BENCH_VAULT=DIR         the 10k-client encrypted benchmark vault (made by
#                           `casekeep-bench --dir DIR`); default
#                           $CARGO_TARGET_DIR/bench-vaults/encrypted-10000-clients-seed-1
# Figures and how to read them: docs/BENCHMARKS.md, "The desktop app".
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
profile=${PROFILE:-debug}
flag=$([ "$profile" = release ] && echo --release || true)
export CARGO_TARGET_DIR=$target

if [ ! -f ui/dist/index.html ]; then (cd ui && npm run build --silent); fi
cargo build --locked $flag -p casekeep-app --features custom-protocol
# The bare window is its own small workspace; the same target directory reuses the crates.
(cd benches/bare-window && cargo build --locked $flag --features custom-protocol)
test -x build/tools/bin/tauri-driver || cargo install tauri-driver --locked --debug --root build/tools

vault=${BENCH_VAULT:-$target/bench-vaults/encrypted-10000-clients-seed-1}
if [ ! -f "$vault/casekeep.vault" ]; then
  echo "building the 10k-client benchmark vaults first (≈ 5 min): casekeep-bench --dir $(dirname "$vault")"
  cargo run --locked --release --features bench --bin casekeep-bench -- --dir "$(dirname "$vault")"
fi

CASEKEEP_APP="$target/$profile/casekeep-app" BARE_APP="$target/$profile/bare-window" BENCH_VAULT="$vault" \
  TAURI_DRIVER=${TAURI_DRIVER:-$PWD/build/tools/bin/tauri-driver} node scripts/bench-app.mjs
