"""File → Export worksheet: the PDF opens, is A4, and prints the core's numbers (worked, blank, key).

PySide6-Essentials has no QtPdf, so the PDF is read here with the standard library: the objects,
the page tree, each page's content stream (zlib) and each font's ToUnicode map turn the glyphs that
Qt writes (``<gid> Tj`` inside ``BT … ET``) back into text, one string per drawn line.
"""
import re
import time

import numpy as np
import pytest
from pdf_text import Pdf

from gdlab.core.nn.network import MLP
from gdlab.core.teaching.worksheet import fmt, fmt_given, make_worksheet
from gdlab.gui.figures.worksheet_pdf import BLANK, pdf_bytes, render_pages, write_worksheet, write_worksheet_set


# -- the tests -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sheet():
    return make_worksheet()


def test_the_worked_pdf_opens_is_a4_and_prints_the_cores_numbers(qapp, tmp_path, sheet):
    path = write_worksheet(tmp_path / "worked.pdf", sheet, "worked")
    pdf = Pdf(path.read_bytes())
    assert pdf.count == len(pdf.pages) == 2
    for page in range(pdf.count):
        x0, y0, w, h = pdf.media_box(page)
        assert (x0, y0) == (0, 0) and w == pytest.approx(595.28, abs=0.5) and h == pytest.approx(841.89, abs=0.5)
    lines = pdf.page_lines(0) + pdf.page_lines(1)
    text = "\n".join(lines)
    assert lines[0].startswith("One iteration of backpropagation")
    for title in ("1. Forward pass", "2. The cost", "3. Backward pass", "4. The update"):
        assert title in lines
    # the key numbers, straight from the core's MLP on the sheet's sample, as the sheet formats them
    net = MLP([2, 2, 1], "sigmoid", "sigmoid", init="zeros")
    net.weights, net.biases = sheet.W, sheet.b
    J, gW, gb = net.loss_and_gradients(sheet.x[None, :], sheet.y[None, :], "mse")
    y_hat, deltas = net.activations[-1][0, 0], [d[0].copy() for d in net.deltas]
    W_new = [w - sheet.learning_rate * g for w, g in zip(sheet.W, gW)]
    assert fmt(y_hat) == "0.7514" and fmt(J) == "0.2748"
    results = [fmt(y_hat), fmt(J), fmt(deltas[1][0]), fmt(deltas[0][0]), fmt(deltas[0][1]), fmt(W_new[1][0, 0]),
               fmt(W_new[0][1, 1]), fmt(sheet.b[1][0] - sheet.learning_rate * gb[1][0])]
    printed = {s.symbol: s.result_text for s in sheet.steps}
    for value, symbol in zip(results, ["ŷ", "J", "δ₁⁽²⁾", "δ₁⁽¹⁾", "δ₂⁽¹⁾", "w₁₁⁽²⁾ (new)", "w₂₂⁽¹⁾ (new)",
                                       "b₁⁽²⁾ (new)"]):
        assert printed[symbol] in lines, symbol            # each one drawn in its own result box
        assert float(printed[symbol]) == pytest.approx(float(value), abs=2e-4)   # the exact one, but for rounding
    assert "= (0.7514 − 0.01) × 0.7514 × (1 − 0.7514)" in lines   # δ of the output, worked out
    assert "= 0.40 − 0.50 × 0.0822" in lines                      # the update of w₁₁⁽²⁾
    assert f"After the update the cost is J = {fmt(sheet.J_new)} (before: {fmt(sheet.J)}): it fell." in text
    assert "w₁₁⁽¹⁾ = 0.15" in lines and "b₁⁽²⁾ = 0.60" in lines    # the diagram's weights and biases
    assert not list(tmp_path.glob(".*.tmp"))                      # written atomically: no temp file left


def test_the_blank_sheet_has_the_given_numbers_but_not_the_results(qapp, sheet):
    pdf = Pdf(pdf_bytes(sheet, "blank"))
    lines = [line for page in range(pdf.count) for line in pdf.page_lines(page)]
    text = "\n".join(lines)
    assert lines[0] == "Worksheet: backpropagation by hand"
    for symbol, value in sheet.given():
        assert f"{symbol}\u00a0=\u00a0{fmt_given(value)}" in text          # the given numbers stay
    for s in sheet.steps:
        assert s.result_text not in lines, s.symbol                    # no result box is filled
    for value in (sheet.y_hat[0], sheet.J, sheet.delta[1][0], sheet.delta[0][0], sheet.W_new[1][0, 0],
                  sheet.W_new[0][0, 0], sheet.J_new):
        assert fmt(value) not in text, fmt(value)                      # nor written anywhere else
    assert f"= 0.40 × {BLANK} + 0.45 × {BLANK} + 0.60" in lines        # blanks where the student's numbers go
    assert "= 0.15 × 0.05 + 0.20 × 0.10 + 0.35" in lines
    assert "Name: " in text.replace("_", "")


def test_the_key_is_the_worked_sheet_titled_answer_key(qapp, sheet):
    worked = Pdf(pdf_bytes(sheet, "worked"))
    key = Pdf(pdf_bytes(sheet, "key"))
    assert key.page_lines(0)[0] == "Answer key"
    worked_lines = [line for p in range(worked.count) for line in worked.page_lines(p)]
    key_lines = [line for p in range(key.count) for line in key.page_lines(p)]
    numbers = [s.result_text for s in sheet.steps]
    assert [line for line in key_lines if line in numbers] == [line for line in worked_lines if line in numbers]
    assert len([line for line in key_lines if line in numbers]) == len(sheet.steps)   # every result, in order
    assert b"/Title" in key.objects[1] and "Answer key".encode("utf-16-be") in key.objects[1]


def test_the_set_and_bad_kinds(qapp, tmp_path, sheet):
    paths = write_worksheet_set(tmp_path, sheet, stem="xor")
    assert [p.name for p in paths] == ["xor-worked.pdf", "xor-blank.pdf", "xor-key.pdf"]
    assert all(Pdf(p.read_bytes()).count == 2 for p in paths)
    with pytest.raises(ValueError, match="kind"):
        write_worksheet(tmp_path / "x.pdf", sheet, "draft")
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(OSError):
        write_worksheet(tmp_path / "missing" / "x.pdf", sheet)


def test_the_pages_render_to_images_with_ink_where_the_text_is(qapp, sheet):
    pages = render_pages(sheet, "blank", dpi=60)
    assert len(pages) == 2
    image = pages[0]
    assert (image.width(), image.height()) == (round(210 * 60 / 25.4), round(297 * 60 / 25.4))
    ptr = image.constBits()
    pixels = np.frombuffer(ptr, dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    dark_rows = (pixels[:, : image.width() * 4] < 128).any(axis=1)
    assert dark_rows[: image.height() // 10].any() and dark_rows[image.height() // 2:].any()
    assert not dark_rows[: round(15 * 60 / 25.4)].any()             # the top margin stays white


def test_a_bigger_network_fits_its_steps_on_more_pages(qapp):
    ws = make_worksheet(x=[0.2, 0.4], y=[0.0, 1.0],
                        weights=[[[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]], [[0.7, -0.1], [0.2, 0.3], [-0.4, 0.5]]],
                        biases=[[0.1, 0.1, 0.1], [0.2, -0.2]], loss="bce")
    pdf = Pdf(pdf_bytes(ws, "worked"))
    lines = [line for p in range(pdf.count) for line in pdf.page_lines(p)]
    assert pdf.count >= 3
    results = [line for line in lines if line in {s.result_text for s in ws.steps}]
    assert len(results) == len(ws.steps)
    assert fmt(ws.y_hat[1]) in lines and "= −[" in "\n".join(lines)


def _xref_is_right(data: bytes) -> bool:
    """Every in-use entry of the cross-reference table points at its ``n 0 obj``."""
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    first, count = map(int, re.match(rb"xref\s+(\d+) (\d+)", data[start:]).groups())
    entries = re.findall(rb"(\d{10}) (\d{5}) ([nf])", data[start:])[:count]
    used = [(first + k, int(offset)) for k, (offset, _, kind) in enumerate(entries) if kind == b"n"]
    return len(used) > 10 and all(data.startswith(b"%d 0 obj" % n, offset) for n, offset in used)


@pytest.mark.slow
def test_the_same_worksheet_written_twice_gives_the_same_bytes(qtbot, tmp_path, sheet, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = write_worksheet(tmp_path / "first.pdf", sheet, "worked").read_bytes()
    written_at = int(time.time())
    qtbot.waitUntil(lambda: int(time.time()) > written_at, timeout=2000)  # Qt's time stamps count seconds
    second = write_worksheet(tmp_path / "second.pdf", sheet, "worked").read_bytes()
    assert first == second
    pdf = Pdf(first)                                                # still a PDF that reads as before
    assert pdf.count == 2 and pdf.page_lines(0)[0].startswith("One iteration of backpropagation")
    assert _xref_is_right(first)                                    # the fixed dates kept every offset
    assert b"/CreationDate (D:20000101000000Z)" in first and b"/ModDate (D:20000101000000Z)" in first
    today = time.gmtime()
    assert time.strftime("%Y-%m-%d", today).encode() not in first   # no clock time left, in the XMP either
    assert time.strftime("D:%Y%m%d", today).encode() not in first
    ids = {re.search(rb"/ID \[ <([0-9a-f]+)>", pdf_bytes(ws, kind)).group(1)
           for ws, kind in ((sheet, "worked"), (sheet, "blank"), (make_worksheet(x=[0.3, 0.9]), "worked"))}
    assert len(ids) == 3                                            # the document id follows the content


def test_worksheet_dates_follow_source_date_epoch(qapp, sheet, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")          # 2023-11-14 22:13:20 UTC
    data = pdf_bytes(sheet, "blank")
    assert b"/CreationDate (D:20231114221320Z)" in data and b"/ModDate (D:20231114221320Z)" in data
    assert _xref_is_right(data) and Pdf(data).count == 2
