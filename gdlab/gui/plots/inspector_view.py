"""The backpropagation inspector: one training iteration, phase by phase, on a paused run.

Next (N) and Back (B) walk through the forward pass layer by layer (z and a of each neuron), the
cost, the backward pass layer by layer (δ of each neuron, ∂J/∂w on the edges' colours) and the
gradient-descent update (a table of w, −α·∂J/∂w and w_new for the chosen weight's layer). The
diagram highlights the layer of the phase and writes its numbers where they fit; the table beside
it has every one of them, and a caption says in one sentence what happens in the phase. For a chosen weight (click an
edge) the chain rule is written out symbolically and with this iteration's numbers, next to the
finite-difference estimate: the proof on screen that backprop's gradient is right.

Every number comes from :mod:`gdlab.core.teaching.backprop_trace`, computed by the training thread from the
run's own network; nothing here computes. The chain rule's text is
:mod:`~gdlab.gui.plots.chain_rule_text`.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..accessibility import named
from ..palette import LIGHT, VERMILLION, Theme
from ..theming import stylesheet
from .chain_rule_text import chain_rule_html
from .network_view import NetworkView, _fmt
from .trajectories import weight_label

__all__ = ["InspectorView", "OneBasedSpinBox", "chain_rule_html"]

CAPTION_STYLE = "QLabel { padding: 4px 8px; background: $panel_background; color: $foreground; border-radius: 4px; }"


class InspectorView(QWidget):
    trace_requested = Signal(str, int)     # mode ("batch"/"sample"), sample index

    def __init__(self, parent=None):
        super().__init__(parent)
        self.network = NetworkView(inspector=True)
        self.network.plot.set_title("Backpropagation inspector")
        self.network.weight_clicked.connect(self.choose_weight)
        self.back_button = QPushButton("◀ Back (B)")
        self.next_button = QPushButton("Next (N) ▶")
        self.back_button.setToolTip("The previous phase of this iteration (B).")
        self.next_button.setToolTip("The next phase of this iteration: forward, cost, backward, update (N).")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        named(self.back_button, "Back")
        named(self.next_button, "Next")
        self.mode = named(QComboBox(), "Trace")
        self.mode.addItems(["whole batch", "one sample"])
        self.mode.setToolTip("Trace the run's real iteration over its batch (numbers on neurons are batch "
                             "averages, δ the batch sums), or the same passes for one training sample alone.")
        self.sample = named(OneBasedSpinBox(), "Sample")
        self.sample.setRange(0, 0)
        self.sample.setPrefix("sample ")
        self.sample.setToolTip("Which training sample (one-sample mode; in batch mode, whose share of the "
                               "chain rule is shown).")
        self.mode.currentIndexChanged.connect(self._on_request_changed)
        self.sample.valueChanged.connect(self._on_request_changed)
        self.focus_button = QPushButton("Focus (F)")
        self.focus_button.setCheckable(True)
        self.focus_button.setToolTip("The inspector takes the whole plot area, at lecture scale (F); again to "
                                     "bring the other plots back.")
        self.phase_label = QLabel()
        self.phase_label.setToolTip("Where in the iteration the inspector is.")
        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        for w in (self.back_button, self.next_button, self.phase_label):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.mode)
        top.addWidget(self.sample)
        top.addWidget(self.focus_button)
        self.caption = QLabel("Pause the run (Space) to inspect its next iteration.")
        self.caption.setWordWrap(True)
        font = QFont()
        font.setPointSize(13)
        self.caption.setFont(font)
        self.caption.setStyleSheet(stylesheet(CAPTION_STYLE, LIGHT))
        self.chain = QLabel()
        self.chain.setWordWrap(True)
        self.chain.setTextFormat(Qt.TextFormat.RichText)
        self.chain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain.setToolTip("The chain rule for the chosen weight (click an edge of the diagram to choose "
                              "another), evaluated with this iteration's numbers.")
        self.chain.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.chain.setContentsMargins(6, 4, 6, 4)
        chain_scroll = QScrollArea()
        chain_scroll.setWidget(self.chain)
        chain_scroll.setWidgetResizable(True)
        chain_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the numbers: the chosen weight, and the layer in focus (every neuron, or every weight)
        self.weight_numbers = QLabel()
        self.weight_numbers.setWordWrap(True)
        self.weight_numbers.setTextFormat(Qt.TextFormat.RichText)
        self.weight_numbers.setContentsMargins(4, 2, 4, 2)
        self.weight_numbers.setToolTip("The chosen weight (click an edge to choose another): its value, its "
                                       "gradient, its step and its new value.")
        self.table_title = QLabel()
        self.table_title.setWordWrap(True)
        self.table_title.setContentsMargins(4, 2, 4, 0)
        self.layer_table = _table("Every number of the layer in focus, whether or not it fits on the diagram.")
        numbers = QWidget()
        numbers_layout = QVBoxLayout(numbers)
        numbers_layout.setContentsMargins(0, 0, 0, 0)
        numbers_layout.setSpacing(2)
        numbers_layout.addWidget(self.weight_numbers)
        numbers_layout.addWidget(self.table_title)
        numbers_layout.addWidget(self.layer_table, 1)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(numbers)
        side.addWidget(chain_scroll)
        side.setSizes([1000, 1000])
        self.side = side
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.network)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([3000, 2000])  # in proportion, once laid out
        side.setMinimumWidth(260)
        self.split = split
        self.diagram_share: float | None = None   # the focus layout: the diagram's share of the width
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        self.trace = None
        self.phase = 0
        self.chosen: tuple[int, int, int] | None = None
        self._update_buttons()

    def set_diagram_share(self, share: float | None) -> None:
        """Give the diagram ``share`` of the width, now and at every resize (None: as the user drags)."""
        self.diagram_share = share
        self._apply_share()

    def _apply_share(self) -> None:
        if self.diagram_share is not None and self.width() > 100:
            diagram = int(self.width() * self.diagram_share)
            self.split.setSizes([diagram, self.width() - diagram])

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._apply_share()

    # -- the trace -------------------------------------------------------------------------------
    def request(self) -> None:
        self.trace_requested.emit("sample" if self.mode.currentIndex() == 1 else "batch", self.sample.value())

    @Slot()
    def _on_request_changed(self, *_args) -> None:
        if self.isVisible():
            self.request()

    def set_samples(self, count: int) -> None:
        self.sample.setRange(0, max(0, count - 1))

    def show_trace(self, trace, keep_phase: bool = True) -> None:
        """A new trace from the worker; the phase stays where it was (when the network is the same)."""
        same_shape = self.trace is not None and self.trace.layer_sizes == trace.layer_sizes
        if not same_shape:
            self.network.set_network(trace.layer_sizes, trace.input_labels)
            self.chosen = (0, 0, 0)
            self.phase = 0
        elif not keep_phase:
            self.phase = 0
        self.trace = trace
        self.phase = min(self.phase, len(trace.phases) - 1)
        self._show()

    def clear(self, message: str) -> None:
        if self.trace is None and self.caption.text() == message:
            return
        self.trace = None
        self.caption.setText(message)
        self.chain.setText("")
        self.phase_label.setText("")
        self._update_buttons()

    # -- walking the phases --------------------------------------------------------------------------
    @Slot()
    def next(self) -> None:
        if self.trace is not None and self.phase < len(self.trace.phases) - 1:
            self.phase += 1
            self._show()

    @Slot()
    def back(self) -> None:
        if self.trace is not None and self.phase > 0:
            self.phase -= 1
            self._show()

    @property
    def phase_kind(self) -> str:
        return self.trace.phases[self.phase].kind if self.trace is not None else ""

    def _update_buttons(self) -> None:
        n = len(self.trace.phases) if self.trace is not None else 0
        self.back_button.setEnabled(self.trace is not None and self.phase > 0)
        self.next_button.setEnabled(self.trace is not None and self.phase < n - 1)

    def _show(self) -> None:
        trace = self.trace
        phase = trace.phases[self.phase]
        self.network.show_trace(trace, self.phase, self.chosen)
        where = {"forward": "forward", "cost": "cost", "backward": "backward", "update": "update"}[phase.kind]
        layer = f" {phase.layer}" if phase.kind in ("forward", "backward") and phase.layer else ""
        self.phase_label.setText(f"{self.phase + 1}/{len(trace.phases)}: {where}{layer}")
        self.phase_label.setToolTip(f"Iteration {trace.iteration}, phase {self.phase + 1} of {len(trace.phases)}.")
        self.caption.setText(phase.caption)
        self._update_buttons()
        self._show_tables()
        self._show_chain_rule()

    # -- the tables ------------------------------------------------------------------------------------
    def _step_header(self) -> str:
        return "−α·∂J/∂w" if self.trace.optimizer == "sgd" else "Δw (step)"

    def _show_tables(self) -> None:
        """The chosen weight's numbers, and every number of the layer in focus, from the trace."""
        trace, phase = self.trace, self.trace.phases[self.phase]
        step = self._step_header()
        if self.chosen is not None:
            l, i, j = self.chosen
            w, g, w_new = trace.W[l][i, j], trace.dW[l][i, j], trace.W_new[l][i, j]
            self.weight_numbers.setText(f"<b>{weight_label(self.chosen)}</b>: w = {_fmt(w)} · ∂J/∂w = {_fmt(g)} · "
                                        f"{step} = {_fmt(w_new - w)} · w_new = {_fmt(w_new)}")
        layer, kind = phase.layer, phase.kind
        if kind == "update":
            l = self.chosen[0] if self.chosen is not None else 0
            W, W_new = trace.W[l], trace.W_new[l]
            rows = [[weight_label((l, i, j)), _fmt(W[i, j]), _fmt(W_new[i, j] - W[i, j]), _fmt(W_new[i, j])]
                    for i in range(W.shape[0]) for j in range(W.shape[1])]
            chosen_row = None if self.chosen is None else self.chosen[1] * W.shape[1] + self.chosen[2]
            self.table_title.setText(f"<b>Update of layer {l + 1}</b>: w_new = w {'−' if step[0] == '−' else '+'} "
                                     f"{'α·∂J/∂w' if step[0] == '−' else 'Δw'} ({trace.optimizer})")
            _fill(self.layer_table, ["weight", "w", step, "w_new"], rows, highlight=chosen_row)
            return
        v = trace.node_values(layer)
        names = [trace.input_labels[n] if layer == 0 and n < len(trace.input_labels) else f"neuron {n + 1}"
                 for n in range(trace.layer_sizes[layer])]
        batch = trace.mode == "batch" and len(trace.samples) > 1
        if kind == "forward" and layer == 0:
            self.table_title.setText("<b>Inputs</b>" + (" (batch averages)" if batch else ""))
            _fill(self.layer_table, ["input", "x"], [[n, _fmt(x)] for n, x in zip(names, v["a"])])
        elif kind == "forward":
            self.table_title.setText(f"<b>Layer {layer}</b>: z = a·W + b, a = f(z)" + (" (batch averages)" if batch
                                                                                     else ""))
            _fill(self.layer_table, ["neuron", "z", "a"],
                  [[n, _fmt(z), _fmt(a)] for n, z, a in zip(names, v["z"], v["a"])])
        elif kind == "cost":
            n = len(trace.samples)
            self.table_title.setText(f"<b>Cost</b>: each sample's loss ℓ(ŷ, y) ({trace.loss}); J is their mean over "
                                     f"the {n} sample{'s' if n != 1 else ''}"
                                     + (" plus the penalty" if trace.regularization != "none" else ""))
            rows = [[f"#{index + 1}", ", ".join(_fmt(v) for v in y_hat), ", ".join(_fmt(v) for v in y), _fmt(loss)]
                    for index, y_hat, y, loss in trace.sample_costs(5)]
            more = [["…", "", "", ""]] if n > 5 else []
            _fill(self.layer_table, ["sample", "ŷ", "y", "loss"], rows + more + [[f"J (mean of {n})", "", "",
                                                                                   _fmt(trace.J)]], highlight=None)
        else:
            self.table_title.setText(f"<b>Layer {layer}</b>: δ = ∂J/∂z" + (" (batch sums = ∂J/∂b)" if batch else ""))
            _fill(self.layer_table, ["neuron", "δ"], [[n, _fmt(d)] for n, d in zip(names, v["delta"])])

    # -- the chain rule --------------------------------------------------------------------------------
    @Slot(object)
    def choose_weight(self, wid) -> None:
        self.chosen = tuple(wid)
        if self.trace is not None:
            self._show()

    def _show_chain_rule(self) -> None:
        trace, wid = self.trace, self.chosen
        if trace is None or wid is None:
            self.chain.setText("")
            return
        l, i, j = wid
        layer = l + 1
        rule = trace.chain_rule(layer, i, j, sample=self.sample.value() if trace.mode == "batch" else 0)
        self.chain.setText(chain_rule_html(trace, rule, weight_label(wid)))

    def chain_text(self) -> str:
        return self.chain.text()

    def apply_theme(self, theme: Theme) -> None:
        self.network.apply_theme(theme)
        self.caption.setStyleSheet(stylesheet(CAPTION_STYLE, theme))  # a view's own theme: exports draw it in theirs


class OneBasedSpinBox(QSpinBox):
    """A spin box whose value is a 0-based index but which shows and takes it counted from 1, as the
    text beside it does ("sample 1" is the first sample)."""

    def textFromValue(self, value: int) -> str:
        return str(value + 1)

    def valueFromText(self, text: str) -> int:
        digits = text.removeprefix(self.prefix()).strip()
        return int(digits) - 1 if digits.isdigit() else self.value()

    def validate(self, text: str, pos: int) -> object:
        digits = text.removeprefix(self.prefix()).strip()
        if not digits:
            return QValidator.State.Intermediate, text, pos
        if not digits.isdigit():
            return QValidator.State.Invalid, text, pos
        index = int(digits) - 1
        if index > self.maximum():  # more digits only make it larger: refuse the keystroke, as Qt does
            return QValidator.State.Invalid, text, pos
        return (QValidator.State.Acceptable if index >= self.minimum() else QValidator.State.Intermediate), text, pos


def _table(tip: str) -> QTableWidget:
    table = QTableWidget()
    table.setToolTip(tip)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, headers: list[str], rows: list[list[str]], highlight: int | None = None) -> None:
    """Rows of text into ``table``; the ``highlight`` row (the chosen weight) marked and scrolled to."""
    # Columns start afresh: a kept column keeps its width, and the stretched last one never shrinks
    # on its own, so the δ column after the cost table's wide ŷ column was 450 px wide, scrolled, its
    # right-aligned numbers out of sight (digits).
    table.setColumnCount(0)
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    bold = QFont()
    bold.setBold(True)
    marked = QColor(VERMILLION)
    marked.setAlpha(70)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter if c else
                                  Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            if r == highlight:
                item.setBackground(QBrush(marked))
                item.setFont(bold)
            table.setItem(r, c, item)
    if highlight is not None:
        table.scrollToItem(table.item(highlight, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
    table.horizontalScrollBar().setValue(0)  # the names column in sight, whatever the last table scrolled to
