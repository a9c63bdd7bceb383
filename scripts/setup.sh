#!/usr/bin/env bash
# Installs what Casekeep needs to build and test on a fresh Debian/Ubuntu machine.
# Only what is missing is installed; a second run does nothing and takes a second.
# Extra packages a target needs may be named as arguments (`make deb-check`: lintian).
set -euo pipefail

APT_PACKAGES=(
  build-essential pkg-config curl wget file
  libssl-dev               # bundled SQLCipher links the system libcrypto
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev   # Tauri on Linux
  xvfb webkit2gtk-driver imagemagick poppler-utils xclip dbus                 # e2e: display, WebDriver, screenshots, PDFs, clipboard, private D-Bus buses (dbus-daemon, dbus-send)
)
APT_PACKAGES+=("$@")

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing apt packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: system packages present"

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is missing: install Rust with rustup (https://rustup.rs); rust-toolchain.toml picks the version" >&2
  exit 1
fi
# cargo-deny is installed by scripts/deny.sh, its one user, when it is first needed.
