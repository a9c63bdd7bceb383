#!/usr/bin/env bash
# Starts Casekeep at its default vault location. Until the desktop window lands, this is
# the command line's first-run flow: create the vault if there is none, then show the
# caseload. Passphrases are asked for on the terminal, never taken from arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
CK=target/release/casekeep
VAULT="${CASEKEEP_VAULT:-${XDG_DATA_HOME:-$HOME/.local/share}/casekeep/vault}"

if [ ! -e "$VAULT/casekeep.vault" ]; then
  echo "No vault yet at $VAULT."
  default_user=$(id -un | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9._-')
  read -r -p "Your user name (you will be the vault's first manager) [$default_user]: " user
  user=${user:-$default_user}
  "$CK" --vault "$VAULT" init --user "$user"
  echo
  echo "Vault created at $VAULT. Add caseworkers with:"
  echo "  $CK --vault $VAULT --user $user user add NAME --role caseworker --new-passphrase-file FILE"
else
  read -r -p "User name: " user
fi
echo "Caseload:"
"$CK" --vault "$VAULT" --user "$user" client list
echo
echo "More: $CK --help (and docs/CLI.md)."
