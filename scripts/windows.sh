#!/usr/bin/env bash
# `make windows`: the Windows build, cross-compiled with mingw-w64 (docs/WINDOWS.md):
#   target/windows/casekeep.exe          the administrators' CLI
#   target/windows/casekeep-app.exe      the app (needs the WebView2 runtime, and
#   target/windows/WebView2Loader.dll    this DLL beside it)
#   target/windows/Casekeep-VERSION-x64.msi   the installer of all three, built with wixl
# Release builds, stripped. Tauri's own NSIS bundler downloads a plugin at build time, so the
# installer comes from packaging/windows/casekeep.wxs instead. Runs offline once the crates
# and packages are present.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=windows/prereqs.sh
source scripts/windows/prereqs.sh gcc-mingw-w64-x86-64 wixl
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
OUT=target/windows
REL="target/$TARGET/release"

SECONDS=0
export CARGO_PROFILE_RELEASE_STRIP=symbols
cargo build --release --locked --target "$TARGET" --bin casekeep
cargo build --release --locked --target "$TARGET" -p casekeep-app --features custom-protocol
echo "windows: built in ${SECONDS}s"

loader="$(find "target/$TARGET/release/build" -path '*webview2-com-sys*' -name WebView2Loader.dll -path '*x64*' | head -1)"
if [ -z "$loader" ]; then
  loader="$(find "$HOME/.cargo/registry/src" -path '*webview2-com-sys*/x64/WebView2Loader.dll' | sort | tail -1)"
fi
if [ -z "$loader" ]; then echo "windows: WebView2Loader.dll (x64) not found" >&2; exit 1; fi

rm -rf "$OUT" && mkdir -p "$OUT/stage"
cp "$REL/casekeep.exe" "$REL/casekeep-app.exe" "$OUT/"
cp "$loader" "$OUT/WebView2Loader.dll"
cp "$OUT"/*.exe "$OUT/WebView2Loader.dll" "$OUT/stage/"
# The licence as Windows reads a text file (CRLF).
sed 's/$/\r/' packaging/copyright > "$OUT/stage/LICENSE.txt"
msi="Casekeep-$VERSION-x64.msi"
( cd "$OUT/stage" && wixl -a x64 -D Version="$VERSION" -o "../$msi" ../../../packaging/windows/casekeep.wxs )
rm -rf "$OUT/stage"
ls -l "$OUT"
echo "windows: $OUT/$msi"
