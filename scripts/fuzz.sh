#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS (default 600) each, two at a time, then
# minimises each corpus back into fuzz/corpus/<target>/ (committed; replayed in CI by
# tests/it/fuzz_corpus.rs). cargo-fuzz needs nightly features; this machine has one stable
# toolchain, so RUSTC_BOOTSTRAP=1 enables them (for these fuzz builds only).
# Needs: cargo install cargo-fuzz. Findings land in fuzz/artifacts/<target>/: fix each,
# then copy the input to fuzz/regressions/<target>/ so CI replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-600}"
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
run() {
  local t="$1"
  mkdir -p "fuzz/work/$t"
  cargo fuzz run -O "$t" "fuzz/work/$t" "fuzz/corpus/$t" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -print_final_stats=1 \
    > "fuzz/work/$t.log" 2>&1 || { echo "fuzz: $t FOUND SOMETHING (see fuzz/work/$t.log, fuzz/artifacts/$t)"; return 1; }
  echo "fuzz: $t ran ${SECONDS_EACH}s: $(grep -E 'stat::number_of_executed_units' "fuzz/work/$t.log" | tail -1)"
}
status=0
pair() {
  run "$1" & local a=$!
  run "$2" & local b=$!
  wait "$a" || status=1
  wait "$b" || status=1
}
pair client_json backup_reader
pair key_slot ipc_args
run firewall_matcher || status=1
# Merge what the runs found into the committed corpus, keeping only inputs that add coverage.
for t in client_json backup_reader key_slot ipc_args firewall_matcher; do
  cargo fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/work/$t" -- -merge=1 >/dev/null 2>&1 || true
done
exit $status
