#!/usr/bin/env bash
# Starts the Casekeep app. Its vault lives in the platform's data directory
# (~/.local/share/casekeep/vault); the first screen offers to create it or to open the
# demo vault. Set CASEKEEP_VAULT to use another directory.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: Casekeep is a desktop app. Run it in a desktop session," >&2
  echo "or use the command line: target/debug/casekeep --help (docs/CLI.md)." >&2
  exit 1
fi
exec target/debug/casekeep-app
