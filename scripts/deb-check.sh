#!/usr/bin/env bash
# Checks the Debian package `make deb` built: both binaries and the AppStream metainfo in
# it, the libssl dependency both Debian 12 and 13 / Ubuntu 24.04 can satisfy, the metainfo
# valid, the CLI from the package runs, and lintian reports no error.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh lintian appstream >/dev/null

deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  echo "deb-check: no package in target/release/bundle/deb (run make deb)" >&2
  exit 1
fi
fail=0
contents=$(dpkg-deb -c "$deb")
for f in usr/bin/casekeep-app usr/bin/casekeep usr/share/metainfo/org.casekeep.app.metainfo.xml usr/share/doc/casekeep/copyright; do
  if grep -Eq " (\./)?$f\$" <<<"$contents"; then echo "ok   the package holds $f"; else echo "FAIL: the package lacks $f"; fail=1; fi
done
depends=$(dpkg-deb -f "$deb" Depends)
if grep -q "libssl3 | libssl3t64" <<<"$depends"; then
  echo "ok   Depends: libssl3 | libssl3t64"
else
  echo "FAIL: Depends does not offer libssl3 | libssl3t64: $depends"; fail=1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work"
if appstreamcli validate --no-net "$work/usr/share/metainfo/org.casekeep.app.metainfo.xml" >/dev/null; then
  echo "ok   the AppStream metainfo validates"
else
  echo "FAIL: appstreamcli validate"; fail=1
fi
if "$work/usr/bin/casekeep" --help >/dev/null; then
  echo "ok   the packaged casekeep CLI runs"
else
  echo "FAIL: the packaged casekeep CLI does not run"; fail=1
fi
# lintian: errors fail the check; warnings are printed for the record.
report=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v "running with root privileges" || true)
echo "$report" | sed 's/^/     lintian: /'
if grep -q "^E: " <<<"$report"; then echo "FAIL: lintian reports errors"; fail=1; else echo "ok   lintian: no error"; fi
exit $fail
