#!/usr/bin/env bash
# Copies the screenshots the guides use (docs/GUIDE.md, docs/ADMIN.md) from the last
# end-to-end run (target/e2e-shots/NN-name.png, written by tests/e2e/run.mjs) into
# docs/img/name.png, without the number prefix, so that a later run refreshes them under
# the same names. With ImageMagick's convert (installed by scripts/setup.sh for the e2e
# run) each is reduced to an 8-bit palette PNG without dates, to keep the repository small.
# Run: make guide-shots (after make e2e or make test).
set -euo pipefail
cd "$(dirname "$0")/.."

SHOTS=target/e2e-shots
OUT=docs/img
NAMES=(
  # docs/GUIDE.md
  unlock-after-quick-exit settings locked-on-sleep caseload client-record safe-contact-acknowledgement
  client-names-hidden-below record-consent risk-checklist marac-referral
  client-record-with-referral share-who share-preview share-done share-consent-withdrawn
  share-requested queue-share-request review-share-request finish-share-request enquiry-form enquiry-link
  enquiries client-enquiry-alert
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
