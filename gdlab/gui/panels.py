"""Parameter panels, generated from the declarations in :mod:`gdlab.core.params`.

Labels, ranges, units and tooltips all come from the one declaration per parameter, and so do the
names and descriptions a screen reader says of each editor. A field commits a value only when it
is valid; otherwise it turns red and says why under the field.
"""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.params import (
    BOOL,
    CHOICE,
    CHOICE_LIST,
    FLOAT,
    FLOAT_LIST,
    INT,
    INT_LIST,
    ExperimentError,
    Param,
    is_relevant,
    params_in,
)
from .accessibility import chain_focus, named
from .palette import VERMILLION
from .theming import themed_style

GROUP_TITLES = {"data": "Data", "network": "Network", "surface": "Cost surface", "training": "Training"}
_ERROR_STYLE = f"QLineEdit {{ border: 2px solid {VERMILLION}; }}"


class Field(QWidget):
    """One parameter's editor. Emits ``committed(name, value)`` with a validated value.

    A row around the widgets that edit the value (:meth:`editors`); ``editor``, the one that takes
    the value typed or chosen, is the buddy of the parameter's label."""

    committed = Signal(str, object)
    editor: QWidget

    def __init__(self, param: Param, parent: QWidget | None = None):
        super().__init__(parent)
        self.param = param
        self.setToolTip(self._tooltip())
        self.error = QLabel()
        self.error.setWordWrap(True)
        themed_style(self.error, "color: $error_text;")
        self.error.hide()
        self._value = param.default

    def _tooltip(self) -> str:
        p = self.param
        unit = f" ({p.unit})" if p.unit else ""
        return f"<b>{p.label}</b>{unit}<br>{p.tooltip}<br><i>Allowed: {p.describe_range()}.</i>"

    def _description(self) -> str:
        """The tooltip in plain words: what the parameter does, its unit and what it allows."""
        p = self.param
        unit = f" Unit: {p.unit}." if p.unit else ""
        return f"{p.tooltip}{unit} Allowed: {p.describe_range()}."

    def editors(self) -> list[QWidget]:
        """The widgets that edit the value, in the order they show (and Tab reaches them)."""
        return [self.editor]

    def _editor_name(self, editor: QWidget) -> str:
        return self.param.label

    def describe(self) -> None:
        """Name each editor by the parameter's label and describe it by :meth:`_description`."""
        for editor in self.editors():
            named(editor, self._editor_name(editor), self._description())

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        """Show ``value`` without emitting ``committed``."""
        self._value = value
        with QSignalBlocker(self):
            self._show(value)
        self._clear_error()

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _commit(self, value: Any) -> bool:
        try:
            value = self.param.validate(value)
        except ExperimentError as exc:
            self._set_error(exc.message)
            return False
        self._clear_error()
        if value != self._value:
            self._value = value
            self.committed.emit(self.param.name, value)
        return True

    def _set_error(self, message: str) -> None:
        self.error.setText(f"{self.param.label}: {message}")
        self.error.show()
        for edit in self.findChildren(QLineEdit):
            edit.setStyleSheet(_ERROR_STYLE)

    def _clear_error(self) -> None:
        self.error.hide()
        for edit in self.findChildren(QLineEdit):
            edit.setStyleSheet("")

    @property
    def has_error(self) -> bool:
        return not self.error.isHidden()


def _row(*widgets: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w)
    return layout


class ChoiceField(Field):
    def __init__(self, param: Param, parent=None):
        super().__init__(param, parent)
        self.combo = self.editor = QComboBox()
        self.combo.addItems(list(param.choices))
        self.combo.setToolTip(self.toolTip())
        self.combo.currentTextChanged.connect(self._on_text)
        self.setLayout(_row(self.combo))
        self._show(param.default)

    def _show(self, value):
        with QSignalBlocker(self.combo):
            self.combo.setCurrentText(value)

    @Slot(str)
    def _on_text(self, text):
        self._commit(text)


class IntField(Field):
    def __init__(self, param: Param, parent=None):
        super().__init__(param, parent)
        self.spin = self.editor = QSpinBox()
        self.spin.setRange(int(param.minimum), int(min(param.maximum, 2**31 - 1)))
        if param.unit:
            self.spin.setSuffix(f" {param.unit}")
        self.spin.setKeyboardTracking(False)
        self.spin.setToolTip(self.toolTip())
        self.spin.lineEdit().setToolTip(self.toolTip())
        if param.name == "batch_size":
            self.spin.setSpecialValueText("all (full batch)")
        self.spin.valueChanged.connect(self._on_value)
        self.setLayout(_row(self.spin))
        self._show(param.default)

    def _show(self, value):
        with QSignalBlocker(self.spin):
            self.spin.setValue(int(value))

    @Slot(int)
    def _on_value(self, value):
        self._commit(int(value))


class BoolField(Field):
    def __init__(self, param: Param, parent=None):
        super().__init__(param, parent)
        self.check = self.editor = QCheckBox()
        self.check.setToolTip(self.toolTip())
        self.check.toggled.connect(self._commit)
        self.setLayout(_row(self.check))
        self._show(param.default)

    def _show(self, value):
        with QSignalBlocker(self.check):
            self.check.setChecked(bool(value))


class TextField(Field):
    """A number or list typed as text; committed on Enter or when focus leaves."""

    def __init__(self, param: Param, parent=None):
        super().__init__(param, parent)
        self.edit = self.editor = QLineEdit()
        self.edit.setToolTip(self.toolTip())
        self.edit.editingFinished.connect(self._on_edit)
        placeholder = {INT_LIST: "e.g. 8, 8", FLOAT_LIST: "e.g. -1.5, 2 (empty: default)"}.get(param.kind, "")
        self.edit.setPlaceholderText(placeholder)
        self.setLayout(self._make_layout())
        self._show(param.default)

    def _make_layout(self) -> QHBoxLayout:
        return _row(self.edit)

    def _show(self, value):
        self.edit.setText(format_value(self.param, value))

    def parse(self, text: str) -> Any:
        """The typed text as a value for validation; raises ExperimentError if unreadable."""
        kind = self.param.kind
        text = text.strip().replace("−", "-")
        try:
            if kind in (INT_LIST, FLOAT_LIST):
                items = [s for s in text.replace(";", ",").replace(" ", ",").split(",") if s]
                return [int(s) if kind == INT_LIST else float(s) for s in items]
            return int(text) if kind == INT else float(text)
        except ValueError:
            what = {INT_LIST: "whole numbers separated by commas", FLOAT_LIST: "numbers separated by commas",
                    INT: "a whole number"}.get(kind, "a number")
            raise ExperimentError(self.param.name, f"{text!r} is not {what}") from None

    @Slot()
    def _on_edit(self):
        try:
            value = self.parse(self.edit.text())
        except ExperimentError as exc:
            self._set_error(exc.message)
            return
        if self._commit(value):
            self._show(self._value)


class LogFloatField(TextField):
    """A logarithmic slider for quantities spanning decades, plus an exact entry."""

    STEPS = 1000

    def __init__(self, param: Param, parent=None):
        super().__init__(param, parent)
        self.slider.valueChanged.connect(self._on_slider)

    def _make_layout(self) -> QHBoxLayout:
        p = self.param
        self.lo = math.log10(max(p.minimum or 1e-6, 1e-5))
        self.hi = math.log10(min(p.maximum or 10.0, 10.0))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, self.STEPS)
        self.slider.setToolTip(self.toolTip())
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrow keys step the run, not the slider
        self.edit.setMaximumWidth(90)
        return _row(self.slider, self.edit)

    def editors(self) -> list[QWidget]:
        return [self.slider, self.edit]

    def _editor_name(self, editor: QWidget) -> str:
        return f"{self.param.label} (slider)" if editor is self.slider else self.param.label

    def _show(self, value):
        super()._show(value)
        pos = round((math.log10(max(value, 10 ** self.lo)) - self.lo) / (self.hi - self.lo) * self.STEPS)
        with QSignalBlocker(self.slider):
            self.slider.setValue(max(0, min(self.STEPS, pos)))

    @Slot(int)
    def _on_slider(self, pos: int):
        value = float(f"{10 ** (self.lo + (self.hi - self.lo) * pos / self.STEPS):.3g}")
        self.edit.setText(format_value(self.param, value))
        self._commit(value)


class ChoiceListField(Field):
    def __init__(self, param: Param, parent=None):
        super().__init__(param, parent)
        self.boxes = {}
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        for choice in param.choices:
            box = QCheckBox(FEATURE_LABELS.get(choice, choice))
            box.setToolTip(self.toolTip())
            box.toggled.connect(self._on_toggle)
            self.boxes[choice] = box
            layout.addWidget(box)
        self.setLayout(layout)
        self.editor = next(iter(self.boxes.values()))
        self._show(param.default)

    def editors(self) -> list[QWidget]:
        return list(self.boxes.values())

    def _editor_name(self, editor: QWidget) -> str:
        return f"{self.param.label}: {editor.text()}"  # type: ignore[attr-defined]

    def _show(self, value):
        for choice, box in self.boxes.items():
            with QSignalBlocker(box):
                box.setChecked(choice in value)

    @Slot(bool)
    def _on_toggle(self, _checked):
        chosen = [c for c, b in self.boxes.items() if b.isChecked()]
        if not self._commit(chosen):
            self._show(self._value)


FEATURE_LABELS = {"x": "x", "square": "x²", "product": "x₁x₂", "sin": "sin x"}


def format_value(param: Param, value: Any) -> str:
    if param.kind in (INT_LIST, FLOAT_LIST):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if param.kind == FLOAT:
        return f"{value:.6g}"
    return str(value)


_FIELDS: dict[str, type[Field]] = {CHOICE: ChoiceField, INT: IntField, BOOL: BoolField, CHOICE_LIST: ChoiceListField}


def make_field(param: Param) -> Field:
    """The field that edits ``param``, its editors named and described (:meth:`Field.describe`)."""
    kind = LogFloatField if param.kind == FLOAT and param.log else _FIELDS.get(param.kind, TextField)
    field = kind(param)
    field.describe()
    return field


class ParameterPanel(QWidget):
    """Group boxes of fields for the groups an experiment kind uses; emits ``changed(name, value)``."""

    changed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.fields: dict[str, Field] = {}
        self.boxes: dict[str, QGroupBox] = {}
        self._labels: dict[str, QLabel] = {}
        self._values: dict[str, Any] = {}
        self.kind = "network"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for group in ("surface", "data", "network", "training"):
            box = QGroupBox(GROUP_TITLES[group])
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for param in params_in(group):
                field = make_field(param)
                label = QLabel(param.label)
                label.setToolTip(field.toolTip())
                label.setBuddy(field.editor)  # the editor itself: Alt+mnemonic and screen readers land on it
                form.addRow(label, field)
                form.addRow(field.error)
                field.committed.connect(self._on_committed)
                self.fields[param.name] = field
                self._labels[param.name] = label
            self.boxes[group] = box
            layout.addWidget(box)
        layout.addStretch(1)
        chain_focus(self.editors())

    def editors(self) -> list[QWidget]:
        """Every field's editors in the form's order, top to bottom: the order Tab walks them in."""
        return [editor for field in self.fields.values() for editor in field.editors()]

    def set_values(self, values: dict[str, Any], kind: str) -> None:
        """Show an experiment's values (no ``changed`` signals)."""
        self.kind = kind
        self._values = dict(values)
        for name, field in self.fields.items():
            field.set_value(values[name])
        self._update_visibility()

    @Slot(str, object)
    def _on_committed(self, name: str, value: Any) -> None:
        self._values[name] = value
        self._update_visibility()
        self.changed.emit(name, value)

    def _update_visibility(self) -> None:
        from ..core.params import GROUPS

        for group, box in self.boxes.items():
            box.setVisible(group in GROUPS[self.kind])
        for name, field in self.fields.items():
            show = is_relevant(name, self._values, self.kind)
            field.setVisible(show)
            self._labels[name].setVisible(show)
            if not show:
                field.error.hide()
