#!/usr/bin/env bash
# cargo deny over the whole workspace (deny.toml), offline: licences, bans and sources always;
# advisories against a local copy of the RustSec database when there is one:
# $CASEKEEP_ADVISORY_DB, by default ../shared/advisory-db (next to the repository).
# Without one, the advisories are skipped and this says so.
set -euo pipefail
cd "$(dirname "$0")/.."

# cargo-deny 0.20, built from crates.io the first time (a few minutes).
deny_version="$(cargo deny --version 2>/dev/null | awk '{print $2}' || true)"
case "$deny_version" in
  0.2[0-9].*) ;;
  *)
    echo "deny: installing cargo-deny 0.20 (found: ${deny_version:-none}); this builds it, a few minutes"
    cargo install --locked cargo-deny@^0.20 --quiet
    ;;
esac

db="${CASEKEEP_ADVISORY_DB:-../shared/advisory-db}"
root="$PWD/target/advisory-dbs"
# deny.toml's db-path; set even when advisories are skipped (the config names it).
export CASEKEEP_DENY_DB_ROOT="$root"
checks=(bans licenses sources)

rm -rf "$root"
if [ -d "$db/crates" ]; then
  # cargo-deny opens the database for deny.toml's db-urls entry at
  # <db-path>/advisory-db-<hash of that URL> and dates it by .git/FETCH_HEAD (its last
  # fetch). The copy is a plain folder refreshed outside git: link its advisories in and
  # date them by the copy itself, so a copy older than 90 days fails as stale.
  dir="$root/advisory-db-3157b0e258782691"
  mkdir -p "$dir/.git"
  ln -s "$(cd "$db" && pwd)/crates" "$dir/crates"
  touch -r "$db" "$dir/.git/FETCH_HEAD"
  checks+=(advisories)
  echo "deny: advisories from the RustSec copy at $db"
else
  echo "deny: SKIPPED advisories: no RustSec database at $db (set CASEKEEP_ADVISORY_DB to a copy of github.com/rustsec/advisory-db)"
fi
cargo deny --offline --locked --workspace check "${checks[@]}"
