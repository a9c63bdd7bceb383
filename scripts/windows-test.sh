#!/usr/bin/env bash
# `make windows-test`: the Windows CLI, cross-built with mingw-w64, run under Wine.
#   build  cross-builds casekeep.exe (x86_64-pc-windows-gnu; OpenSSL and SQLCipher compiled
#          in) and the tests of casekeep-winsec, in target/win (its own target folder, so
#          `make test` can build it in the background while the Linux builds hold target/);
#   run    makes a throw-away Wine prefix, with the test-only ProcessPrng shim in its system32
#          (scripts/windows/bcryptprimitives-shim.c; never beside a built .exe, never
#          shipped), runs the owner-only ACL and file-identity tests of casekeep-winsec as
#          Windows programs and the administrators' journey (tests/it/windows_cli.rs)
#          against the Windows exe.
# With no argument, both. The prefix and its wineserver are removed whatever happens.
# Under `make test` clippy-driver is the compiler wrapper (scripts/test.sh), so the Windows
# build of the core and of casekeep-winsec (the one crate with `unsafe`) is linted for
# Windows as it compiles.
set -euo pipefail
cd "$(dirname "$0")/.."
phase="${1:-all}"
case "$phase" in build | run | all) ;; *) echo "usage: $0 [build|run]" >&2; exit 2 ;; esac
# shellcheck source=windows/prereqs.sh
# wine64 holds the loader and wineserver under /usr/lib/wine; the wine package adds the
# commands this script calls (wine, wineboot, wineserver) to the PATH.
source scripts/windows/prereqs.sh gcc-mingw-w64-x86-64 wine64 wine
# shellcheck source=test-selection.sh
source scripts/test-selection.sh
WIN_TARGET_DIR="$PWD/target/win"
EXE="$WIN_TARGET_DIR/$TARGET/debug/casekeep.exe"

if [ "$phase" != run ]; then
  # The C parts of this TEST build (OpenSSL's ≈ 1,100 files, SQLCipher, ring's few) are
  # compiled without optimisation: OpenSSL alone at -O2 is most of a cold cross-build, and
  # its hot paths (AES, SHA) are assembly either way. `make windows` (what ships) keeps -O2.
  export CFLAGS_x86_64_pc_windows_gnu="-O0"
  # Nor are the text-shaping and compression crates optimised here (Cargo.toml optimises them
  # for the Linux tests, which make hundreds of PDFs): the journey makes one. Argon2, the
  # ciphers, SQLite and the phone-number and regex crates stay optimised (every call of the
  # exe needs them).
  unopt=()
  for p in rustybuzz ttf-parser zlib-rs unicode-bidi flate2 miniz_oxide adler2 simd-adler32 crc32fast; do
    unopt+=(--config "profile.dev.package.$p.opt-level=0")
  done
  SECONDS=0
  CARGO_TARGET_DIR="$WIN_TARGET_DIR" cargo build --locked "${unopt[@]}" --target "$TARGET" --bin casekeep
  CARGO_TARGET_DIR="$WIN_TARGET_DIR" cargo test --locked --no-run --target "$TARGET" -p casekeep-winsec
  echo "windows-test: casekeep.exe and winsec's tests built in ${SECONDS}s"
fi
[ "$phase" = build ] && exit 0

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
CARGO_TARGET_DIR="$WIN_TARGET_DIR" CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine \
  cargo test --locked --target "$TARGET" -p casekeep-winsec
# The host side of the journey is the Linux test binary, built with the one selection every
# test build uses (so that this reuses it rather than rebuilding).
CASEKEEP_WINDOWS_EXE="$EXE" cargo test --locked "${TEST_SELECTION[@]}" --test it windows_cli -- --ignored
echo "windows-test: tests under Wine passed in ${SECONDS}s"
