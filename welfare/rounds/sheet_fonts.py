"""The sheet's fonts: Noto Sans Mono CJK TC (regular and bold, Debian's fonts-noto-cjk) found
through fontconfig, their advance widths for layout, and subsets embedded in PDFs as
CID-keyed CFF (Type0 fonts, Identity-H).

A subset is made once per print run for every character of every sheet in it: fontTools
takes ~0.4 s per subset of this 65,000-glyph font, too slow to repeat for each village."""

import hashlib
import io
import subprocess
import zlib
from functools import lru_cache

import pydyf

FAMILY = "Noto Sans Mono CJK TC"


class FontMissing(RuntimeError):
    pass


# Where Debian's fonts-noto-cjk puts the collections, if fontconfig's fc-match is missing.
KNOWN_FILES = {"Regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
               "Bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"}


def _locate(style):
    """(file, index in the collection) from fontconfig."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}|%{file}|%{index}",
                                f"{FAMILY}:style={style}"],
                               capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return _search(KNOWN_FILES[style])
    families, path, index = found.rsplit("|", 2)
    if FAMILY not in families.split(","):
        raise FontMissing(f"{FAMILY} {style} is not installed (Debian: fonts-noto-cjk)")
    return path, int(index or 0)


def _search(path):
    from fontTools.ttLib import TTCollection

    try:
        collection = TTCollection(path, lazy=True)
    except OSError as exc:
        raise FontMissing(f"{FAMILY} is not installed (Debian: fonts-noto-cjk)") from exc
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return path, index
    raise FontMissing(f"{FAMILY} is not in {path}")


class Face:
    """One face of the collection: code points to CIDs, advances (1000 units per em)."""

    def __init__(self, style):
        from fontTools.ttLib import TTFont

        self.style = style
        self.path, self.index = _locate(style)
        font = TTFont(self.path, fontNumber=self.index, lazy=True)
        self.upem = font["head"].unitsPerEm
        self.cmap = font.getBestCmap()
        self.advances = {name: advance for name, (advance, _lsb) in font["hmtx"].metrics.items()}
        self.notdef_advance = self.advances.get(".notdef", self.upem)
        os2, head = font["OS/2"], font["head"]
        self.ascent, self.descent = os2.sTypoAscender, os2.sTypoDescender
        self.cap_height = getattr(os2, "sCapHeight", self.ascent)
        self.bbox = [head.xMin, head.yMin, head.xMax, head.yMax]
        self.postscript_name = font["name"].getDebugName(6) or FAMILY.replace(" ", "")
        self.cid_keyed = hasattr(font["CFF "].cff.topDictIndex[0], "ROS")
        font.close()

    def advance(self, char):
        """Advance of `char` in thousandths of an em."""
        name = self.cmap.get(ord(char))
        width = self.advances[name] if name else self.notdef_advance
        return width * 1000 // self.upem

    def subset(self, chars):
        """A subset font holding `chars`: (OpenType bytes, {char: CID}), CIDs being glyph
        indexes (0, .notdef, for a character the font lacks)."""
        from fontTools import subset
        from fontTools.ttLib import TTFont

        # The same characters give the same bytes: a reprint is byte for byte the same.
        font = TTFont(self.path, fontNumber=self.index, lazy=True, recalcTimestamp=False)
        options = subset.Options()
        options.layout_features = []
        options.notdef_outline = True
        options.name_IDs = [1, 2, 3, 4, 6]
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in chars])
        subsetter.subset(font)
        if self.cid_keyed:
            _number_cids_as_glyphs(font)
        buffer = io.BytesIO()
        font.save(buffer)
        cmap = font.getBestCmap()
        codes = {char: font.getGlyphID(cmap[ord(char)]) if ord(char) in cmap else 0
                 for char in chars}
        font.close()
        return buffer.getvalue(), codes


def _number_cids_as_glyphs(font):
    """Give each glyph of a subset CID-keyed CFF the CID equal to its glyph index. The subset
    keeps the original CIDs (cid17239 may become glyph 95), and PDF readers differ on
    whether a CIDFontType0 code is a CID or a glyph index: with both equal it does not
    matter."""
    order = font.getGlyphOrder()
    rename = {old: ".notdef" if i == 0 else f"cid{i:05d}" for i, old in enumerate(order)}
    top = font["CFF "].cff.topDictIndex[0]
    strings = top.CharStrings
    strings.charStrings = {rename[name]: value for name, value in strings.charStrings.items()}
    top.charset = [rename[name] for name in top.charset]
    hmtx = font["hmtx"]
    hmtx.metrics = {rename[name]: value for name, value in hmtx.metrics.items()}
    for table in font["cmap"].tables:
        table.cmap = {code: rename[name] for code, name in table.cmap.items()}
    font.setGlyphOrder([rename[name] for name in order])


@lru_cache(maxsize=2)
def face(style):
    return Face(style)


class EmbeddedFont:
    """A subset ready to be written into any number of PDFs (picklable)."""

    def __init__(self, style, chars):
        source = face(style)
        chars = sorted(set(chars) | {" "})
        self.style = style
        self.program, self.codes = source.subset(chars)
        self.hex = {char: f"{cid:04x}" for char, cid in self.codes.items()}
        self.advances = {c: source.advance(c) for c in chars}
        self.widths = {self.codes[c]: self.advances[c] for c in chars}
        self.unicode = {self.codes[c]: c for c in chars if self.codes[c]}
        tag = hashlib.sha1("".join(chars).encode()).digest()
        self.name = "".join(chr(65 + b % 26) for b in tag[:6]) + "+" + source.postscript_name
        self._compressed = None
        self.metrics = {"ascent": source.ascent, "descent": source.descent,
                        "cap_height": source.cap_height, "bbox": source.bbox}

    def advance(self, char):
        """Advance of `char` in thousandths of an em."""
        return self.advances.get(char, 1000)

    def width(self, text):
        return sum(self.advances.get(c, 1000) for c in text)

    def encode(self, text):
        """Hex CIDs of `text` for a `<...> Tj` string."""
        return "".join(self.hex.get(c, "0000") for c in text)

    def add_to(self, pdf):
        """Write the font's objects into `pdf`; returns the Type0 font's reference."""
        if self._compressed is None:  # once, whatever the number of PDFs
            self._compressed = (zlib.compress(self.program), zlib.compress(
                _to_unicode_cmap(self.unicode)))
        program = pydyf.Stream([self._compressed[0]], {"Subtype": "/OpenType",
                                                        "Filter": "/FlateDecode"})
        pdf.add_object(program)
        m = self.metrics
        descriptor = pydyf.Dictionary({
            "Type": "/FontDescriptor", "FontName": pydyf.name(self.name),
            "Flags": 5, "FontBBox": pydyf.Array(m["bbox"]), "ItalicAngle": 0,
            "Ascent": m["ascent"], "Descent": m["descent"], "CapHeight": m["cap_height"],
            "StemV": 120 if self.style == "Bold" else 80, "FontFile3": program.reference,
        })
        pdf.add_object(descriptor)
        widths = pydyf.Array()
        for cid in sorted(self.widths):
            widths.extend([cid, pydyf.Array([self.widths[cid]])])
        cid_font = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/CIDFontType0", "BaseFont": pydyf.name(self.name),
            "CIDSystemInfo": pydyf.Dictionary({
                "Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"),
                "Supplement": 0}),
            "FontDescriptor": descriptor.reference, "DW": 1000, "W": widths,
        })
        pdf.add_object(cid_font)
        to_unicode = pydyf.Stream([self._compressed[1]], {"Filter": "/FlateDecode"})
        pdf.add_object(to_unicode)
        font = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/Type0", "BaseFont": pydyf.name(self.name),
            "Encoding": "/Identity-H", "DescendantFonts": pydyf.Array([cid_font.reference]),
            "ToUnicode": to_unicode.reference,
        })
        pdf.add_object(font)
        return font.reference


def _to_unicode_cmap(mapping):
    """A ToUnicode CMap so that text can be copied and searched."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange"]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{cid:04x}> <{char.encode('utf-16-be').hex()}>" for cid, char in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()
