#!/usr/bin/env bash
# Makes the PDF export's fonts (assets/fonts/DejaVuSans*-subset.ttf) from Debian's
# fonts-dejavu-core (the same files the project embedded whole before): every script
# DejaVu Sans covers up to Arabic (Latin with all its extensions, IPA, Greek, Cyrillic,
# Armenian, Hebrew, Arabic), Georgian, Latin/Greek Extended, punctuation, currency,
# letterlike symbols, number forms, arrows, maths, geometric shapes, ballot boxes and
# check marks. Left out: TrueType hinting (a PDF viewer does not need it), OpenType layout
# tables (Latin, Greek and Cyrillic render right without them; the shaper draws these
# fonts without kerning), phonetic extensions, box drawing, technical and
# miscellaneous symbols, dingbats, and the scripts DejaVu covers only thinly (Lao, N'Ko,
# Tifinagh, Braille, Canadian syllabics, …): this keeps the .deb under 8 MiB.
# Needs python3-fonttools (apt). Run once; the outputs are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${DEJAVU_DIR:-/usr/share/fonts/truetype/dejavu}
unicodes="U+0020-007E,U+00A0-06FF,U+10A0-10FF,U+1E00-1FFF,U+2000-218F,U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+2610-2612,U+2713-2718,U+FB00-FB4F,U+FFFD"
for f in DejaVuSans DejaVuSans-Bold; do
  /usr/bin/python3 -m fontTools.subset "$src/$f.ttf" --unicodes="$unicodes" \
    --layout-features='' --drop-tables+=GSUB,GPOS,GDEF,kern,FFTM --no-hinting \
    --name-IDs='*' --name-languages='*' --notdef-outline \
    --output-file="assets/fonts/$f-subset.ttf"
  echo "assets/fonts/$f-subset.ttf: $(stat -c %s "assets/fonts/$f-subset.ttf") bytes"
done
