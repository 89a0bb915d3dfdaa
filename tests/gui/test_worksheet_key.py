"""The answer key agrees with a student who follows the sheet: every box of the key PDF is
recomputed here from the operands printed beside it (read back from the PDF's text), and must be
that number correctly rounded to the digits the key prints. The operands must be the given numbers
or the key's own earlier results, so the key never works from numbers the student cannot see."""
import math
import re

import pytest
from pdf_text import Pdf

from gdlab.core.teaching.worksheet import make_worksheet
from gdlab.gui.figures.worksheet_pdf import pdf_bytes

SHEETS = {
    "tanh": dict(hidden_activation="tanh", weights=[[[0.15, -0.95], [0.20, -0.30]], [[0.40], [0.45]]],
                 biases=[[0.35, -0.45], [0.60]]),
    "sigmoid": dict(),  # the textbook 2-2-1 example
    "relu": dict(x=[0.5, -0.4], y=[0.8], weights=[[[0.3, -0.6], [0.2, 0.9]], [[0.7], [-0.2]]],
                 biases=[[0.1, 0.0], [0.05]], hidden_activation="relu", output_activation="linear",
                 learning_rate=0.1),
    "softmax": dict(x=[0.5, -0.4], y=[0.0, 1.0], weights=[[[0.3, -0.6], [0.2, 0.9]], [[0.7, -0.4], [-0.2, 0.5]]],
                    biases=[[0.1, 0.0], [0.05, -0.1]], output_activation="softmax", loss="cross_entropy"),
}
NUMBER = r"−?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"
ARITHMETIC = re.compile(r"[\d.,×−+()/²½\[\] ⁻⁰¹²³⁴⁵⁶⁷⁸⁹]*(?:(?:exp|ln|tanh|max)\([\d.,×−+()/²½\[\] ⁻⁰¹²³⁴⁵⁶⁷⁸⁹]*)*")
_SUPER = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def value(text: str) -> float:
    """A printed number: '−0.2580', '6.68×10⁻⁸'."""
    mantissa, _, power = text.replace("−", "-").partition("×10")
    return float(mantissa) * 10.0 ** int(power.translate(_SUPER)) if power else float(mantissa)


def half_unit(text: str) -> float:
    """Half a unit of the last digit printed: how far the true value may be from it."""
    mantissa, _, power = text.replace("−", "-").partition("×10")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (-decimals) * (10.0 ** int(power.translate(_SUPER)) if power else 1.0)


def recompute(expression: str) -> float:
    """The printed arithmetic, evaluated as a calculator would (only arithmetic gets this far)."""
    assert ARITHMETIC.fullmatch(expression), expression
    text = re.sub(NUMBER, lambda m: repr(value(m.group())), expression)
    for printed, python in (("×", "*"), ("−", "-"), ("²", "**2"), ("½", "0.5"), ("[", "("), ("]", ")"),
                            ("ln(", "log(")):
        text = text.replace(printed, python)
    return eval(text, {"__builtins__": {}, "exp": math.exp, "log": math.log, "tanh": math.tanh, "max": max})


def boxes(lines: list[str]) -> list[tuple[str, str]]:
    """(the arithmetic printed on a row, the number in its box), in the order of the key."""
    rows = []
    k = 0
    while k < len(lines):
        if lines[k].startswith("= ") and lines[k] != "= ":
            expression = lines[k][2:]
            k += 1
            while ARITHMETIC.fullmatch(lines[k]) and not (re.fullmatch(NUMBER, lines[k]) and lines[k + 1] == "="):
                expression += lines[k]                    # the line wrapped
                k += 1
            while not (re.fullmatch(NUMBER, lines[k]) and lines[k + 1] == "="):
                k += 1                                    # a hint under the line
            rows.append((expression, lines[k]))
        k += 1
    return rows


@pytest.mark.parametrize("kind", SHEETS)
def test_every_box_of_the_key_is_its_printed_operands_worked_out_and_rounded(qapp, kind):
    sheet = make_worksheet(**SHEETS[kind])
    lines = [line for pdf in [Pdf(pdf_bytes(sheet, "key"))] for p in range(pdf.count) for line in pdf.page_lines(p)]
    rows = boxes(lines)
    assert len(rows) == sum(1 for s in sheet.steps if len(s.parts) > 1), "a box for every line worked out"
    given_line = " ".join(line for line in lines if "\u00a0=\u00a0" in line)
    known = {value(v) for v in re.findall(rf"\u00a0=\u00a0({NUMBER})", given_line)} | {0.0, 1.0, 0.5}
    for expression, printed in rows:
        got = recompute(expression)
        assert abs(got - value(printed)) <= half_unit(printed) * (1 + 1e-9) + 1e-15, (expression, got, printed)
        operands = {value(n) for n in re.findall(NUMBER, expression)}
        unknown = {x for x in operands if x not in known and -x not in known}
        assert not unknown, f"{expression}: {unknown} is neither given nor an earlier result"
        known.add(value(printed))


def test_a_negative_operand_is_bracketed_after_an_operator_and_under_a_power(qapp):
    sheet = make_worksheet(**SHEETS["tanh"])
    text = "\n".join(line for pdf in [Pdf(pdf_bytes(sheet, "worked"))] for p in range(pdf.count)
                     for line in pdf.page_lines(p))
    assert re.search(r"\(1 − \(−0\.\d{4}\)²\)", text), "1 − (−a)², never 1 − −a²"
    assert "− −" not in text and "× −" not in text and "+ −" not in text
    assert not re.search(r"\d-\d|-\d", text.replace("2-2-1", "")), "every printed minus is U+2212"
