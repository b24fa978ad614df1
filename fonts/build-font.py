#!/usr/bin/python3
"""build-font.py: make the report font (custeval-sans.ttf) that libharu 2.3.0 renders correctly.

Usage: /usr/bin/python3 fonts/build-font.py SOURCE.ttc OUTPUT.ttf

SOURCE is WenQuanYi Micro Hei (/usr/share/fonts/truetype/wqy/wqy-microhei.ttc,
collection index 0).  libharu 2.3.0's subsetter reads composite-glyph
component indexes as signed 16-bit and does not follow nested composites,
so glyphs with ids above 32767 vanish from the PDF.  This script:

  1. decomposes every composite glyph into plain outlines,
  2. subsets to the Unicode ranges the reports use (below), which leaves
     fewer than 32,768 glyphs, and drops hinting and layout tables that
     libharu does not use (it embeds non-glyph tables whole),
  3. writes a TrueType file without touching head.modified, so the output
     is byte-identical on every run.

Needs Debian's python3-fonttools (run with /usr/bin/python3).
"""

import os
import sys

from fontTools import subset
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

# Unicode ranges kept (inclusive).
RANGES = [
    (0x0020, 0x007E),   # Basic Latin (printable)
    (0x00A0, 0x00FF),   # Latin-1 Supplement
    (0x2000, 0x206F),   # General Punctuation
    (0x3000, 0x303F),   # CJK Symbols and Punctuation
    (0x4E00, 0x9FFF),   # CJK Unified Ideographs
    (0xFF00, 0xFFEF),   # Halfwidth and Fullwidth Forms
]
# Single characters kept if the source font has them: arrows, boxes, checks.
EXTRAS = [0x2191, 0x2193, 0x25A1, 0x2610, 0x2611, 0x2713]

MAX_GLYPHS = 32767      # libharu reads glyph ids as signed 16-bit


def decompose_composites(font):
    """Replace every composite glyph in glyf by its flattened outline."""
    glyf = font["glyf"]
    glyph_set = font.getGlyphSet()
    count = 0
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if not glyph.isComposite():
            continue
        rec = DecomposingRecordingPen(glyph_set)
        glyph_set[name].draw(rec)
        pen = TTGlyphPen(None)
        rec.replay(pen)
        glyf[name] = pen.glyph()
        count += 1
    return count


def wanted_unicodes(font):
    cmap = font.getBestCmap()
    codes = set()
    for lo, hi in RANGES:
        codes.update(c for c in range(lo, hi + 1) if c in cmap)
    codes.update(c for c in EXTRAS if c in cmap)
    return sorted(codes)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: build-font.py SOURCE.ttc OUTPUT.ttf\n")
        return 1
    src, out = argv[1], argv[2]

    font = TTFont(src, fontNumber=0, recalcTimestamp=False, recalcBBoxes=True)
    n_decomposed = decompose_composites(font)

    options = subset.Options()
    options.layout_features = []        # libharu does no shaping
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM", "vhea", "vmtx",
                            "gasp", "fpgm", "prep", "cvt "]
    options.hinting = False             # smaller; PDF viewers hint themselves
    options.name_IDs = ["*"]            # keep copyright and licence records
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.recalc_timestamp = False    # deterministic: keep head.modified
    options.prune_unicode_ranges = True

    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=wanted_unicodes(font))
    subsetter.subset(font)

    n_glyphs = len(font.getGlyphOrder())
    if n_glyphs > MAX_GLYPHS:
        sys.stderr.write("build-font.py: %d glyphs left, libharu needs at "
                         "most %d\n" % (n_glyphs, MAX_GLYPHS))
        return 1
    for name in font.getGlyphOrder():
        if font["glyf"][name].isComposite():
            sys.stderr.write("build-font.py: composite glyph %s left\n" % name)
            return 1

    out_dir = os.path.dirname(out)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    tmp = out + ".tmp"
    font.save(tmp, reorderTables=True)
    os.replace(tmp, out)
    sys.stderr.write("build-font.py: %s: %d glyphs (%d composites "
                     "decomposed)\n" % (out, n_glyphs, n_decomposed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
