"""The inspector's text says what its controls say: samples counted from 1 in both, and a
negative operand after an operator in brackets."""
import re

from PySide6.QtCore import Qt

from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import make_run
from gdlab.core.teaching.backprop_trace import trace_iteration
from gdlab.gui.plots.inspector_view import OneBasedSpinBox, chain_rule_html


def test_the_sample_box_counts_from_1_as_the_text_does(qtbot):
    box = OneBasedSpinBox()
    qtbot.addWidget(box)
    box.setPrefix("sample ")
    box.setRange(0, 159)
    assert box.value() == 0 and box.text() == "sample 1"
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "160")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 159 and box.text() == "sample 160"
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "161")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() <= 159 and box.text() == f"sample {box.value() + 1}", "past the last sample is not taken"


def test_the_chain_rule_brackets_negative_operands(qapp):
    run = make_run(load_preset("xor"))
    run.step(3)
    trace = trace_iteration(run)
    texts = []
    for layer, W in enumerate(trace.W, start=1):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                texts.append(chain_rule_html(trace, trace.chain_rule(layer, i, j, sample=4), "w"))
    text = "\n".join(texts)
    assert "(sample 5 of the batch)" in text
    assert re.search(r"× \(−", text), "some operand is negative here"
    assert not re.search(r"[×·−+] −", text), "a negative operand after an operator is bracketed"


def test_numbers_on_screen_and_on_the_sheet_carry_a_true_minus_sign():
    from gdlab.gui import runs_model
    from gdlab.gui.figures import sheet
    from gdlab.gui.plots import contour_view, cost

    for text in (contour_view._fmt(-0.5), cost._fmt(-0.25), sheet._num(-1.5e-7), runs_model._cost(-2.0)):
        assert text.startswith("−") and "-" not in text, text


def test_an_input_name_from_a_file_is_text_in_the_chain_rule_never_markup(qapp):
    run = make_run(load_preset("xor"))
    trace = trace_iteration(run)
    trace.input_labels = ["<img src=x>", "<b>y</b>"]
    text = chain_rule_html(trace, trace.chain_rule(1, 0, 0), "w")
    assert "&lt;img src=x&gt;" in text and "<img" not in text


def test_a_name_from_a_file_is_text_in_the_computation_graph_never_markup(qapp):
    from gdlab.gui.plots.graph_view import GraphView

    view = GraphView()
    item = view._label("<img src=x> = 0.5", "#000000", 9)
    assert item.textItem.toPlainText() == "<img src=x> = 0.5"
    view.caption.setText("<b>y</b>")
    assert view.caption.textFormat() == Qt.TextFormat.PlainText
