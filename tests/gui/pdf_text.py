"""A small PDF reader for the tests: PySide6-Essentials has no QtPdf, so the PDF is read with the
standard library: the objects, the page tree, each page's content stream (zlib) and each font's
ToUnicode map turn the glyphs that Qt writes (``<gid> Tj`` inside ``BT … ET``) back into text, one
string per drawn line."""
import re
import zlib


# -- the reader ---------------------------------------------------------------------------------
class Pdf:
    def __init__(self, data: bytes):
        assert data.startswith(b"%PDF-1."), data[:16]
        assert data.rstrip().endswith(b"%%EOF")
        self.data = data
        self.objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj\s*(.*?)\s*endobj", data, re.S)}
        startxref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
        assert data[startxref:startxref + 4] == b"xref"                 # the cross-reference table is where it says
        root = int(re.search(rb"/Root (\d+) 0 R", data).group(1))
        pages = int(re.search(rb"/Pages (\d+) 0 R", self.objects[root]).group(1))
        self.page_tree = self.objects[pages]
        self.count = int(re.search(rb"/Count (\d+)", self.page_tree).group(1))
        kids = re.search(rb"/Kids\s*\[(.*?)\]", self.page_tree, re.S).group(1)
        self.pages = [int(n) for n in re.findall(rb"(\d+) 0 R", kids)]

    def stream(self, number: int) -> bytes:
        body = self.objects[number]
        raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S).group(1)
        return zlib.decompress(raw) if b"/FlateDecode" in body.split(b"stream")[0] else raw

    def media_box(self, page: int) -> list[float]:
        box = re.search(rb"/MediaBox\s*\[([^\]]*)\]", self.objects[self.pages[page]]).group(1)
        return [float(v) for v in box.split()]

    def _cmap(self, font: int) -> dict[int, str]:
        ref = re.search(rb"/ToUnicode (\d+) 0 R", self.objects[font]).group(1)
        text = self.stream(int(ref)).decode("latin-1")
        out: dict[int, str] = {}
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for lo, hi, dest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
                lo, hi = int(lo, 16), int(hi, 16)
                if dest.startswith("["):
                    for k, code in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", dest)):
                        out[lo + k] = _utf16(code)
                else:
                    first = int(dest[1:-1], 16)
                    for k in range(hi - lo + 1):
                        out[lo + k] = chr(first + k)
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                out[int(src, 16)] = _utf16(dest)
        return out

    def page_lines(self, page: int) -> list[str]:
        """The text of each BT … ET block of the page, in drawing order."""
        obj = self.objects[self.pages[page]]
        resources = self.objects[int(re.search(rb"/Resources (\d+) 0 R", obj).group(1))]
        fonts = {name.decode(): self._cmap(int(num))
                 for name, num in re.findall(rb"/(F\d+) (\d+) 0 R", resources)}
        contents = int(re.search(rb"/Contents (\d+) 0 R", obj).group(1))
        content = self.stream(contents).decode("latin-1")
        lines = []
        for block in re.findall(r"BT(.*?)ET", content, re.S):
            cmap, text = {}, []
            for font, hexes, array in re.findall(r"/(F\d+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]+)>\s*Tj|\[(.*?)\]\s*TJ", block):
                if font:
                    cmap = fonts[font]
                for h in [hexes] if hexes else re.findall(r"<([0-9A-Fa-f]+)>", array):
                    text += [cmap.get(int(h[k:k + 4], 16), "?") for k in range(0, len(h), 4)]
            lines.append("".join(text).replace("\t", " "))
        return lines

    def text(self) -> str:
        return "\n".join(line for page in range(len(self.pages)) for line in self.page_lines(page))


def _utf16(hexcode: str) -> str:
    return bytes.fromhex(hexcode).decode("utf-16-be")
