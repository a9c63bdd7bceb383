#!/usr/bin/env bash
# `make windows-test`: the Windows CLI, cross-built with mingw-w64, run under Wine.
#   1. lints casekeep-winsec for Windows, cross-builds casekeep.exe (x86_64-pc-windows-gnu; OpenSSL and SQLCipher compiled in);
#   2. makes a throw-away Wine prefix, with the test-only ProcessPrng shim in its system32
#      (scripts/windows/bcryptprimitives-shim.c; never beside a built .exe, never shipped);
#   3. runs the owner-only ACL and file-identity tests of casekeep-winsec as Windows programs;
#   4. runs the administrators' journey (tests/it/windows_cli.rs) against the Windows exe.
# The prefix and its wineserver are removed whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=windows/prereqs.sh
# wine64 holds the loader and wineserver under /usr/lib/wine; the wine package adds the
# commands this script calls (wine, wineboot, wineserver) to the PATH.
source scripts/windows/prereqs.sh gcc-mingw-w64-x86-64 wine64 wine

# The C parts of this TEST build (OpenSSL's ≈ 1,100 files, SQLCipher, ring's few) are
# compiled without optimisation: OpenSSL alone at -O2 is most of a cold cross-build, and
# its hot paths (AES, SHA) are assembly either way. `make windows` (what ships) keeps -O2.
export CFLAGS_x86_64_pc_windows_gnu="-O0"

SECONDS=0
# The one crate with `unsafe` is linted for the platform it is for (on Linux it is empty).
cargo clippy --locked --target "$TARGET" -p casekeep-winsec --all-targets -- -D warnings
cargo build --locked --target "$TARGET" --bin casekeep
echo "windows-test: casekeep.exe built in ${SECONDS}s"

WORK="$(mktemp -d)"
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() { wineserver -k 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

SECONDS=0
wineboot -i >/dev/null 2>&1
wineserver -w
mkdir -p "$WINEPREFIX/drive_c/windows/system32"
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  scripts/windows/bcryptprimitives-shim.c -ladvapi32
# One wineserver for every call below (each test runs the exe dozens of times).
wineserver -p
echo "windows-test: Wine prefix ready in ${SECONDS}s"

SECONDS=0
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine cargo test --locked --target "$TARGET" -p casekeep-winsec
CASEKEEP_WINDOWS_EXE="$PWD/target/$TARGET/debug/casekeep.exe" \
  cargo test --locked -p casekeep --test it windows_cli -- --ignored
echo "windows-test: tests under Wine passed in ${SECONDS}s"
