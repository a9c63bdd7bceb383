#!/usr/bin/env bash
# Copies the screenshots the guides use (docs/GUIDE.md, docs/ADMIN.md) from the last
# end-to-end run (target/e2e-shots/NN-name.png, written by tests/e2e/run.mjs) into
# docs/img/name.png, without the number prefix, so that a later run refreshes them under
# the same names. With ImageMagick's convert (installed by scripts/setup.sh for the e2e
# run) each is reduced to an 8-bit palette PNG without dates, to keep the repository small.
# Run: make guide-shots (after make e2e or make test).
# With --check (make lint) it copies nothing: it checks that every picture the guides show
# is in docs/img and that every relative link in README.md and the guides resolves.
set -euo pipefail
cd "$(dirname "$0")/.."

SHOTS=target/e2e-shots
OUT=docs/img
NAMES=(
  # docs/GUIDE.md
  unlock-after-quick-exit settings locked-on-sleep idle-warning draft-offered caseload client-record safe-contact-acknowledgement
  client-names-hidden-below consent-form-fresh consent-check-answers risk-checklist marac-referral
  client-record-with-referral share-who share-preview share-done share-consent-withdrawn
  share-requested queue-share-request review-share-request finish-share-request enquiry-form enquiry-link
  enquiries client-enquiry-alert today-not-safe-now today-search card-attempt
  # docs/ADMIN.md
  start recovery-key user-removed replace-recovery-key-confirm backup-made
  retention case-closed recover decision-log
)

# Every picture the guides show must be one this script copies.
for ref in $(grep -ho 'img/[a-z0-9-]*\.png' docs/GUIDE.md docs/ADMIN.md | sort -u); do
  name=${ref#img/}
  name=${name%.png}
  if [[ " ${NAMES[*]} " != *" $name "* ]]; then
    echo "guide-shots: the guides show $ref, which this script does not copy" >&2
    exit 1
  fi
done

# And every picture copied must be shown (a renamed shot is not left behind unused).
for name in "${NAMES[@]}"; do
  if ! grep -q "img/$name\.png" docs/GUIDE.md docs/ADMIN.md; then
    echo "guide-shots: img/$name.png is copied but neither guide shows it" >&2
    exit 1
  fi
done

if [ "${1:-}" = "--check" ]; then
  for name in "${NAMES[@]}"; do
    if [ ! -f "$OUT/$name.png" ]; then
      echo "guide-shots: $OUT/$name.png is missing: run make guide-shots after an e2e run" >&2
      exit 1
    fi
  done
  # Relative links (files and #headings as GitHub makes their anchors).
  python3 - README.md docs/GUIDE.md docs/ADMIN.md <<'PY'
import os, re, sys

def anchors(path):
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#+\s+(.*)", line)
            if m:
                out.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return out

bad = 0
for doc in sys.argv[1:]:
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    for link in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", link):
            continue
        path, _, anchor = link.partition("#")
        target = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
        if not os.path.exists(target):
            print(f"guide-shots: {doc} links to {link}, which does not exist", file=sys.stderr)
            bad += 1
        elif anchor and anchor not in anchors(target):
            print(f"guide-shots: {doc} links to {link}: no such heading", file=sys.stderr)
            bad += 1
sys.exit(1 if bad else 0)
PY
  echo "guide-shots: the guides' ${#NAMES[@]} pictures are in $OUT and their links resolve"
  exit 0
fi

mkdir -p "$OUT"
for name in "${NAMES[@]}"; do
  src=$(find "$SHOTS" -maxdepth 1 -name "[0-9][0-9]-$name.png" 2>/dev/null | sort | tail -n 1)
  if [ -z "$src" ]; then
    echo "guide-shots: no $SHOTS/NN-$name.png: run the end-to-end tests first (make e2e)" >&2
    exit 1
  fi
  if command -v convert >/dev/null 2>&1; then
    convert "$src" -strip -define png:exclude-chunks=date,time -dither None -colors 256 "PNG8:$OUT/$name.png"
  else
    cp "$src" "$OUT/$name.png"
  fi
done
echo "guide-shots: ${#NAMES[@]} screenshots in $OUT ($(du -ch "$OUT"/*.png | tail -n 1 | cut -f1) in all)"
