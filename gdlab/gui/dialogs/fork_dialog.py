"""Run → Fork a twin run: the one setting a twin changes.

"What if α were ten times larger?": the twin starts from the run as it is now (the same weights,
the same next mini-batches) and trains beside it in lockstep, so the two differ only by the change.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

from ...core.files.experiment import Experiment
from ...core.io.printing import alpha
from ...core.params import NETWORK, PARAMS_BY_NAME
from ..accessibility import named
from ..gc_policy import keep_python_half
from ..widget_builders import dialog_buttons


class ForkDialog(QDialog):
    chosen = Signal(object)   # the changes, e.g. {"learning_rate": 0.5}

    def __init__(self, experiment: Experiment, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # deleted on the GUI thread once closed
        keep_python_half(self)
        self.setWindowTitle("Fork a twin run")
        self.experiment = experiment
        lr = experiment["learning_rate"]
        rate = PARAMS_BY_NAME["learning_rate"]  # a twin's α stays in the declared range
        intro = QLabel("The twin starts from the run as it is now — the same weights, the same next batches — "
                       "and trains beside it. Change one thing:")
        intro.setWordWrap(True)
        self.group = QButtonGroup(self)
        grid = QGridLayout()
        self.options: list[tuple[QRadioButton, object]] = []

        def option(text: str, tip: str, make, widget=None) -> QRadioButton:
            button = QRadioButton(text)
            button.setToolTip(tip)
            self.group.addButton(button)
            row = grid.rowCount()
            grid.addWidget(button, row, 0)
            if widget is not None:
                widget.setToolTip(tip)
                grid.addWidget(widget, row, 1)
            self.options.append((button, make))
            return button

        option(f"α × 10 ({alpha(lr * 10)})", "Ten times the learning rate: steps ten times as long.",
               lambda: {"learning_rate": rate.clamp(lr * 10)}).setChecked(True)
        option(f"α ÷ 10 ({alpha(lr / 10)})", "A tenth of the learning rate: steps ten times as short.",
               lambda: {"learning_rate": rate.clamp(lr / 10)})
        self.optimizer = named(QComboBox(), "Another optimiser")
        self.optimizer.addItems([o for o in PARAMS_BY_NAME["optimizer"].choices if o != experiment["optimizer"]])
        option("another optimiser:", "The same gradients, used by another update rule.",
               lambda combo=self.optimizer: {"optimizer": combo.currentText()}, self.optimizer)
        if experiment.kind == NETWORK:
            self.activation = named(QComboBox(), "Another hidden activation")
            self.activation.addItems([a for a in PARAMS_BY_NAME["hidden_activation"].choices
                                      if a not in (experiment["hidden_activation"], "softmax")])
            option("another hidden activation:", "The same weights, another non-linearity f in a = f(z).",
                   lambda combo=self.activation: {"hidden_activation": combo.currentText()}, self.activation)
        buttons = dialog_buttons(self, QDialogButtonBox.StandardButton.Ok, "Fork", self._on_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(buttons)

    def changes(self) -> dict:
        for button, make in self.options:
            if button.isChecked():
                return make()
        return {}

    @Slot()
    def _on_ok(self) -> None:
        self.chosen.emit(self.changes())
        self.accept()
