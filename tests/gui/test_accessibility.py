"""What a screen reader finds in the window: every input named, every label's buddy the editor it
captions (not a row around it), every plot named and described, and Tab walking the parameter
panel in the form's order. One window for the window's checks (each costs ~1 s to open)."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QScrollBar,
    QWidget,
)

from gdlab.core.files.presets import load_preset
from gdlab.core.params import PARAMS_BY_NAME
from gdlab.core.views import view

INPUTS = (QAbstractSpinBox, QComboBox, QLineEdit, QAbstractSlider, QAbstractButton)  # QCheckBox is a button


def inputs(root: QWidget) -> list[QWidget]:
    """Every input under ``root``, shown or not (another tab's, a field the experiment does not use
    now); not the parts Qt builds into a compound widget, which it names itself (a spin box's line
    edit, a table's corner button: ``qt_...``), nor a scroll area's scroll bars."""
    return [w for w in root.findChildren(QWidget) if isinstance(w, INPUTS) and not isinstance(w, QScrollBar)
            and not w.objectName().startswith("qt_")]


def unnamed(root: QWidget) -> list[str]:
    """The inputs under ``root`` with no name to say: no accessible name (a button: nor any text)."""
    def said(w: QWidget) -> str:
        return w.accessibleName().strip() or (w.text().strip() if isinstance(w, QAbstractButton) else "")
    return [f"{type(w).__name__} under {type(w.parent()).__name__} ({w.toolTip()[:50]!r})"
            for w in inputs(root) if not said(w)]


def wrong_buddies(root: QWidget) -> list[str]:
    """The labels under ``root`` whose buddy is not an input (a container, a row widget)."""
    return [f"{label.text()!r} -> {type(label.buddy()).__name__}" for label in root.findChildren(QLabel)
            if label.buddy() is not None and not isinstance(label.buddy(), INPUTS)]


def focus_chain(start: QWidget) -> list[QWidget]:
    """The widgets Tab visits from ``start`` once round the window, in order."""
    chain, widget = [start], start.nextInFocusChain()
    while widget is not start and len(chain) < 10_000:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_the_window_names_every_input_and_plot_and_tab_follows_the_panel(window):
    shown = [w for w in inputs(window) if w.isVisibleTo(window)]
    assert len(shown) > 30 and len(inputs(window)) > 80, "the walk found the window's inputs"
    assert unnamed(window) == []
    assert wrong_buddies(window) == []

    panel = window.panel
    for name, field in panel.fields.items():  # the names come from the declarations
        label = PARAMS_BY_NAME[name].label
        assert panel._labels[name].buddy() is field.editor, name
        assert field.editor.accessibleName().startswith(label), name
        assert PARAMS_BY_NAME[name].tooltip in field.editor.accessibleDescription(), name
    assert window.panel.fields["learning_rate"].slider.accessibleName() == "Learning rate α (slider)"

    plots = window.findChildren(QGraphicsView)
    assert len(plots) >= 12
    for plot in plots:
        assert plot.accessibleName() and plot.accessibleDescription(), type(plot).__name__
    for name, page in {"cost": window.cost_plot, **window.tab_pages}.items():
        assert (page.accessibleName(), page.accessibleDescription()) == (view(name).title, view(name).tip), name

    editors = [w for w in panel.editors() if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
    chain = focus_chain(editors[0])
    assert [w for w in chain if w in editors] == editors, "Tab walks the panel top to bottom"
    after = [chain.index(w) for w in (window.cost_plot, window.timeline.speed)]
    assert max(map(chain.index, editors)) < after[0] < after[1], "then the plots, then the timeline"


def test_the_dialogs_name_every_input(qtbot, tmp_path):
    from gdlab.core.files.csvdata import write_template
    from gdlab.gui.dialogs.export_dialog import ExportDialog
    from gdlab.gui.dialogs.fork_dialog import ForkDialog
    from gdlab.gui.dialogs.import_dialog import ImportDataDialog
    from gdlab.gui.plots.cost import CostPlot

    xor = load_preset("xor")
    csv = tmp_path / "data.csv"
    write_template(csv)
    dialogs = [ForkDialog(xor), ImportDataDialog(csv), ExportDialog({"Cost": CostPlot()}, xor, directory=tmp_path)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert inputs(dialog) and unnamed(dialog) == [] and wrong_buddies(dialog) == [], type(dialog).__name__
    export = dialogs[2]
    assert [export.width.accessibleName(), export.height.accessibleName()] == ["Width", "Height"]
    buddies = {label.text(): label.buddy() for label in export.findChildren(QLabel) if label.buddy() is not None}
    assert (buddies["Format"], buddies["Size"], buddies["File"]) == (export.format, export.width, export.path)
