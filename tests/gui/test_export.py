"""Figure export: PNG/SVG/PDF of real views, the sheet, GIFs from the recorded history, the clipboard."""
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QImage, QImageReader

from gdlab.core import views as catalogue
from gdlab.core.data.customdata import CustomData
from gdlab.core.files.experiment import load_experiment
from gdlab.core.files.pngmeta import EXPERIMENT_KEY, read_chunks, read_text
from gdlab.core.files.presets import load_preset
from gdlab.core.io.gif import gif_info
from gdlab.gui.figures.export import (
    ExportError,
    copy_to_clipboard,
    export_gif,
    export_widget,
    image_array,
    install_export_actions,
    read_figure_experiment,
    render_image,
    render_sheet,
)
from gdlab.gui.figures.render import (
    VIEWS,
    ViewError,
    ViewNotApplicable,
    build_view,
    get_view,
    run_experiment,
    view_names,
)
from gdlab.gui.figures.sheet import caption, parameter_rows, summarize
from gdlab.gui.palette import DARK, LIGHT, PROJECTOR
from gdlab.gui.plots.menu_box import add_menu_action

BLUE = (0x00, 0x72, 0xB2)  # the train curve


@pytest.fixture(scope="module")
def xor():
    experiment = load_preset("xor").replace(max_iterations=300)
    return experiment, run_experiment(experiment)


@pytest.fixture(scope="module")
def race():
    experiment = load_preset("optimizer-race").replace(max_iterations=400)
    return experiment, run_experiment(experiment)


@pytest.fixture
def view(qtbot, xor):
    def make(name, experiment_run=None, theme=None):
        experiment, run = experiment_run or xor
        widget = build_view(name, run, experiment, theme=theme)
        qtbot.addWidget(widget)
        return widget
    return make


def pixels(path) -> np.ndarray:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} does not open as an image"
    return image_array(image)


def count_color(rgb: np.ndarray, color, tolerance: int = 12) -> int:
    return int((np.abs(rgb.astype(int) - np.array(color)).max(axis=2) <= tolerance).sum())


def pdf_media_box(path) -> list[float]:
    boxes = re.findall(rb"/MediaBox \[([-\d. ]+)\]", path.read_bytes())
    assert len(boxes) == 1, "one page"
    return [float(v) for v in boxes[0].split()]


# -- PNG --------------------------------------------------------------------------------------------------
def test_png_has_the_requested_size_and_shows_the_curve(view, tmp_path, xor):
    plot = view("cost")
    path = export_widget(plot, tmp_path / "cost.png", size=(640, 400), experiment=xor[0])
    rgb = pixels(path)
    assert rgb.shape == (400, 640, 3)
    assert count_color(rgb, BLUE) > 300, "the training-cost curve is drawn"
    assert count_color(rgb, (255, 255, 255)) > 0.5 * 640 * 400, "on the light theme's white background"


def test_png_scale_and_dpi(view, tmp_path, xor):
    plot = view("cost")
    one = export_widget(plot, tmp_path / "x1.png", size=(400, 250))
    three = export_widget(plot, tmp_path / "x3.png", size=(400, 250), scale=3)
    print_ = export_widget(plot, tmp_path / "p.png", size=(400, 250), dpi=300)
    assert QImage(str(three)).size() == QSize(1200, 750)
    image = QImage(str(print_))
    assert image.size() == QSize(1250, 781)                       # 300 / 96 = 3.125 times the pixels
    assert round(image.dotsPerMeterX() * 0.0254) == 300           # and 300 dpi in the file
    # lines widen with the scale (Qt draws cosmetic pens in device pixels): ~9 times the blue pixels
    ratio = count_color(pixels(three), BLUE) / count_color(pixels(one), BLUE)
    assert 6 < ratio < 20, ratio                                  # (without widening: about 3)


def test_png_carries_the_experiment_and_opens_as_it(view, tmp_path, xor):
    experiment = xor[0]
    path = export_widget(view("data"), tmp_path / "data.png", size=(500, 400), experiment=experiment)
    assert read_text(path)[EXPERIMENT_KEY] == experiment.to_json()
    assert load_experiment(path) == experiment
    assert [t for t, _ in read_chunks(path.read_bytes())][:1] == [b"IHDR"]


def test_the_same_view_exports_the_same_bytes(view, tmp_path, xor):
    plot = view("trajectories")
    a = export_widget(plot, tmp_path / "a.png", size=(500, 300), experiment=xor[0])
    b = export_widget(plot, tmp_path / "b.png", size=(500, 300), experiment=xor[0])
    assert a.read_bytes() == b.read_bytes()


def test_a_view_never_shown_exports_a_real_picture(qtbot, tmp_path, xor):
    experiment, run = xor
    plot = build_view("cost", run, experiment)
    qtbot.addWidget(plot)
    assert not plot.isVisible()
    rgb = pixels(export_widget(plot, tmp_path / "hidden.png"))
    assert rgb.shape == (500, 800, 3)                             # the default size
    assert count_color(rgb, BLUE) > 300
    assert not plot.isVisible(), "shown for the export only"


def test_export_puts_the_widget_back(qtbot, view, tmp_path, xor):
    plot = view("trajectories")
    plot.resize(420, 260)
    with qtbot.waitExposed(plot):
        plot.show()
    assert plot.pick_button.isVisible(), "the picker is on screen (an export leaves it out)"
    export_widget(plot, tmp_path / "t.png", size=(900, 500), theme=DARK, scale=2)
    assert plot.size() == QSize(420, 260)
    assert plot.plot.theme is LIGHT
    assert plot.pick_button.isVisible(), "and back after it"
    dark = pixels(tmp_path / "t.png")
    assert dark.shape == (1000, 1800, 3)
    assert count_color(dark, (0x1E, 0x1F, 0x22), 2) > 0.5 * dark.shape[0] * dark.shape[1], "dark background"


def test_projector_theme_draws_thicker_lines(view, tmp_path):
    plot = view("cost")
    light = pixels(export_widget(plot, tmp_path / "l.png", size=(500, 300)))
    big = pixels(export_widget(plot, tmp_path / "p.png", size=(500, 300), theme=PROJECTOR))
    assert count_color(big, BLUE) > 1.5 * count_color(light, BLUE)


# -- SVG and PDF ----------------------------------------------------------------------------------------
def test_svg_has_the_requested_size_is_vector_and_carries_the_experiment(view, tmp_path, xor):
    path = export_widget(view("cost"), tmp_path / "cost.svg", size=(640, 400), experiment=xor[0])
    root = ET.parse(path).getroot()
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("640", "400", "0 0 640 400")
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text.startswith("gdlab: xor")
    assert len(root.findall(f".//{ns}polyline")) + len(root.findall(f".//{ns}path")) > 10
    assert not root.findall(f".//{ns}image"), "no cached bitmaps: axes and curves are vectors"
    assert read_figure_experiment(path) == xor[0]


def test_pdf_page_has_the_requested_size_is_vector_and_carries_the_experiment(view, tmp_path, xor):
    path = export_widget(view("cost"), tmp_path / "cost.pdf", size=(640, 400), experiment=xor[0])
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert pdf_media_box(path) == [0, 0, 480, 300]                # 640 × 400 px at 96 dpi, in points
    assert b"/Subtype /Image" not in data, "no bitmaps in a vector figure"
    assert b"<gdlab:experiment>" in data                          # XMP metadata, uncompressed
    assert read_figure_experiment(path) == xor[0]
    assert b"/CreationDate (D:20000101000000" in data              # a fixed time stamp


def test_the_format_comes_from_the_suffix_or_is_refused(view, tmp_path):
    plot = view("cost")
    with pytest.raises(ValueError, match="cannot tell the format"):
        export_widget(plot, tmp_path / "figure.bmp")
    with pytest.raises(ValueError, match="unknown format"):
        export_widget(plot, tmp_path / "figure.png", fmt="tiff")
    with pytest.raises(ValueError, match="size"):
        export_widget(plot, tmp_path / "figure.png", size=(5, 5000000))
    assert export_widget(plot, tmp_path / "figure.data", fmt="svg").read_bytes().startswith(b"<?xml")
    assert not (tmp_path / "figure.bmp").exists() and not (tmp_path / "figure.png").exists()


# -- unwritable paths ----------------------------------------------------------------------------------------
def test_a_path_under_a_file_reports_and_leaves_nothing(view, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    for name in ("f.png", "f.svg", "f.pdf"):
        with pytest.raises(ExportError, match="not a folder") as info:
            export_widget(view("cost"), blocker / name)
        assert isinstance(info.value, OSError) and str(blocker) in str(info.value)
    with pytest.raises(ExportError, match="does not exist"):
        export_widget(view("cost"), tmp_path / "missing" / "f.png")
    assert sorted(os.listdir(tmp_path)) == ["not-a-folder"]


def test_a_failing_write_leaves_no_partial_file(view, tmp_path, monkeypatch):
    import gdlab.core.io.atomic as atomic

    real_replace = os.replace

    def broken_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(ExportError, match="Permission denied"):
        export_widget(view("cost"), tmp_path / "f.png")
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert os.listdir(tmp_path) == []


# -- clipboard and context menu ----------------------------------------------------------------------------
def test_copy_to_clipboard_puts_image_png_and_svg(view, xor):
    plot = view("cost")
    copy_to_clipboard(plot, size=(300, 200), experiment=xor[0])
    mime = QGuiApplication.clipboard().mimeData()
    image = QGuiApplication.clipboard().image()
    assert image.size() == QSize(300, 200)
    png = bytes(mime.data("image/png"))
    assert read_text(png)[EXPERIMENT_KEY] == xor[0].to_json()
    assert bytes(mime.data("image/svg+xml")).startswith(b"<?xml")


def test_export_actions_join_the_plot_menu(view):
    plot = view("cost")
    calls = []
    actions = install_export_actions(plot, lambda: calls.append("export"), lambda: calls.append("copy"))
    menu_texts = [a.text() for a in plot.getPlotItem().vb.menu.actions()]
    assert "Export figure…" in menu_texts and "Copy figure" in menu_texts
    for action in actions:
        action.trigger()
    assert calls == ["export", "copy"]
    traj = view("trajectories")
    install_export_actions(traj, lambda: calls.append("t"))
    assert "Export figure…" in [a.text() for a in traj.plot.getPlotItem().vb.menu.actions()]



def test_a_plots_menu_is_built_when_first_read_with_gdlabs_actions_after_pyqtgraphs(view):
    plot = view("cost")
    box = plot.getPlotItem().vb
    assert box.__dict__.get("_menu") is None, "nothing has asked for the menu yet"
    install_export_actions(plot, lambda: None, lambda: None)
    texts = [a.text() for a in box.menu.actions()]
    assert texts[0] == "View All"  # pyqtgraph's own entries first, as when it built the menu itself
    ours = ["Follow the run", "Log-scale cost axis", "Export figure…", "Copy figure"]
    assert [t for t in texts if t in ours] == ours
    late = add_menu_action(box, QAction("late", plot))
    assert box.menu.actions()[-1] is late, "an action added after the menu is built goes straight in"

# A popup menu on the offscreen platform says it cannot raise itself or grab the keyboard, and
# QTest notes that the view passed the press to pyqtgraph's scene: neither is a fault of ours.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)",
                           'Mouse event "Mouse(Press|Release)" not accepted')
def test_a_right_click_menu_offers_gdlabs_export_and_not_pyqtgraphs(qtbot, view, race):
    """Through a real right click on each kind of plot: the menu pyqtgraph builds and pops up."""
    for plot in (view("cost"), view("data"), view("surface", race)):
        install_export_actions(plot, lambda: None, lambda: None)
        plot.resize(400, 300)
        plot.show()
        qtbot.waitExposed(plot)
        widget = plot if isinstance(plot, pg.PlotWidget) else plot.findChildren(pg.PlotWidget)[0]
        menu = widget.getPlotItem().vb.menu
        qtbot.mouseClick(widget.viewport(), Qt.MouseButton.RightButton, pos=widget.viewport().rect().center())
        qtbot.waitUntil(menu.isVisible)
        texts = [a.text() for a in menu.actions()]
        menu.hide()
        assert "Export figure…" in texts and "Copy figure" in texts
        assert not [t for t in texts if t.startswith("Export") and t != "Export figure…"], texts


# -- the registry ----------------------------------------------------------------------------------------------
def test_views_check_the_experiment_kind(race, xor):
    with pytest.raises(ViewNotApplicable, match="network experiments"):
        get_view("data", race[0])
    with pytest.raises(ViewNotApplicable, match="1-weight surfaces"):
        get_view("curve", race[0])
    assert get_view("surface", race[0]).name == "surface"
    with pytest.raises(ViewError, match="unknown view"):
        get_view("pie-chart", xor[0])
    assert set(view_names(xor[0])) >= {"cost", "trajectories", "data", "sheet"}
    assert "data" not in view_names(race[0])
    assert set(VIEWS) >= {"cost", "trajectories", "data", "curve", "surface", "network", "sheet"}


def test_the_registry_draws_the_catalogues_exported_views():
    """Every view `gdlab export --view` offers is registered, with the catalogue's title and reasons."""
    assert set(VIEWS) == set(catalogue.export_names())
    for name, spec in VIEWS.items():
        assert spec.available and spec.title == catalogue.view(name).title
        assert spec.applies == catalogue.view(name).applies


@pytest.mark.slow
def test_a_race_exports_its_cost_and_trajectories(view, race, tmp_path):
    for name in ("cost", "trajectories"):
        rgb = pixels(export_widget(view(name, race), tmp_path / f"{name}.png", size=(500, 300)))
        assert rgb.shape == (300, 500, 3)
        assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 20, "six coloured runs, not a blank image"


# -- the handout sheet --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page, box", [("A4", [0, 0, 595, 842]), ("Letter", [0, 0, 612, 792])])
def test_sheet_pdf_is_one_page_of_the_chosen_size(view, tmp_path, xor, page, box):
    experiment, run = xor
    views = {name: view(name) for name in ("cost", "data", "trajectories")}
    summary = summarize(run.snapshot(len(run.history) - 1))
    path = render_sheet(views, experiment, summary, page=page, fmt="pdf", path=tmp_path / "sheet.pdf")
    assert pdf_media_box(path) == box
    assert read_figure_experiment(path) == experiment
    assert b"/Type /Page\n" in path.read_bytes() and path.read_bytes().count(b"/Type /Page\n") == 1


@pytest.mark.slow
def test_sheet_png_has_the_page_size_at_its_dpi_and_shows_the_views(view, tmp_path, xor):
    experiment, run = xor
    sheet = view("sheet")
    path = export_widget(sheet, tmp_path / "sheet.png", dpi=100)
    rgb = pixels(path)
    assert rgb.shape == (1169, 827, 3)                            # A4 at 100 dpi
    assert count_color(rgb, BLUE) > 2000                          # cost curve, data points, trajectories
    assert load_experiment(path) == experiment



def png_dpi(path) -> int:
    return round(QImage(str(path)).dotsPerMeterX() * 0.0254)


@pytest.mark.slow
def test_sheet_png_honours_the_scale_as_a_figure_does(qtbot, view, tmp_path, xor):
    """Screen (1×) / Sharp (2×) and ``gdlab export --scale``: the page's 96-dpi pixels times the
    scale, with the dpi a figure at that scale gets; no scale and no dpi: 300 dpi as before."""
    from gdlab.gui.dialogs.export_dialog import ExportDialog
    from gdlab.gui.figures.export import export_experiment

    experiment, run = xor
    figure = {s: png_dpi(export_widget(view("cost"), tmp_path / f"figure{s}.png", size=(200, 150), scale=s))
              for s in (1, 2)}
    assert figure == {1: 96, 2: 192}
    views = {"Cost": view("cost"), "Data": view("data"), "Trajectories": view("trajectories")}
    dialog = ExportDialog(views, experiment, sheet_views=views, summary=summarize(run.snapshot(len(run.history) - 1)),
                          directory=tmp_path)
    qtbot.addWidget(dialog)
    written = []
    dialog.exported.connect(written.append)
    dialog.what.setCurrentText("Handout sheet (one page)")
    dialog.format.setCurrentText("PNG")
    assert dialog.resolution.currentText() == "Print (300 dpi)", "a handout starts at print resolution"
    sizes, dpis = {}, {}
    for index, scale in ((0, 1), (1, 2)):                       # "Screen (1×)", "Sharp (2×)"
        dialog.resolution.setCurrentIndex(index)
        dialog.path.setText(str(tmp_path / f"dialog{scale}.png"))
        assert dialog.export()
        image = QImage(written[-1])
        assert not image.isNull()
        sizes[scale], dpis[scale] = image.size(), png_dpi(written[-1])
    assert sizes[1] == QSize(794, 1123)                         # A4 at 96 dpi (793.7 × 1122.5)
    assert sizes[2] == QSize(1587, 2245) and abs(sizes[2].width() - 2 * sizes[1].width()) <= 1
    assert dpis == figure

    short = experiment.replace(max_iterations=30)
    cli = {s: export_experiment(short, "sheet", tmp_path / f"cli{s}.png", scale=s) for s in (1, 2)}
    assert QImage(str(cli[1])).size() == sizes[1] and QImage(str(cli[2])).size() == sizes[2]
    assert {s: png_dpi(p) for s, p in cli.items()} == figure
    both = export_experiment(short, "sheet", tmp_path / "both.png", scale=2, dpi=300)   # as a figure: pixels
    assert QImage(str(both)).size() == sizes[2] and png_dpi(both) == 300            # from scale, dpi in the file
    default = export_experiment(short, "sheet", tmp_path / "default.png")
    assert QImage(str(default)).size() == QSize(2480, 3508) and png_dpi(default) == 300   # unchanged: 300 dpi
    assert load_experiment(cli[2]) == short


def test_caption_and_table_describe_the_run(xor, race):
    experiment, run = xor
    summary = summarize(run.snapshot(len(run.history) - 1))
    text = caption(experiment, summary)
    for words in ("A 2-4-1 network", "xor", "α = 0.5", "300 iterations", "Final cost J = ", "test data",
                  f"{summary['train_cost']:.4g}"):
        assert words in text
    rows = dict(parameter_rows(experiment, summary))
    assert rows["Learning rate α"] == "0.5" and rows["Iterations"] == "300" and rows["Dataset"] == "xor"
    experiment, run = race
    summary = summarize(run.snapshot(len(run.history) - 1))
    text = caption(experiment, summary)
    assert "6 runs" in text and "Rosenbrock" in text and "adam: J = " in text


def test_the_table_shows_what_the_declarations_say_matters():
    labels = lambda experiment: [label for label, _ in parameter_rows(experiment, {})]  # noqa: E731
    xor = load_preset("xor")
    adam = labels(xor.replace(optimizer="adam", schedule="step", init="normal"))
    assert "Adam β₁" in adam and "Momentum μ" not in adam and "Decay steps k" in adam and "Init σ" not in adam
    plain = labels(xor.replace(optimizer="sgd"))
    assert "Adam β₁" not in plain and "LR schedule" not in plain and "Regularisation" not in plain
    corners = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    drawn = xor.with_points(CustomData(corners, np.array([0, 0, 1, 1]), "binary"))
    assert "Samples" in labels(xor) and "Samples" not in labels(drawn) and "Noise" not in labels(drawn)
    assert "(4 points, 20% held out" in caption(drawn, {}) and "noise" not in caption(drawn, {})  # its own points
    assert "(200 points, noise 0.05, " in caption(xor, {})


@pytest.mark.parametrize("values, words", [
    ({"optimizer": "sgd"}, "by plain gradient descent (sgd) with"), ({"optimizer": "adagrad"}, "by adagrad with"),
    ({"optimizer": "nesterov", "momentum": 0.8}, "by nesterov (μ = 0.8) with"),
    ({"optimizer": "rmsprop"}, "by rmsprop (ρ = 0.99) with"),
    ({"optimizer": "adam", "beta2": 0.99}, "by adam (β₁ = 0.9, β₂ = 0.99) with")])
def test_the_caption_names_the_optimizer_with_the_hyperparameters_it_takes(values, words):
    assert words in caption(load_preset("xor").replace(**values), {})


# -- animated GIFs ---------------------------------------------------------------------------------------------
def test_gif_has_the_expected_frames_and_size_and_decodes_with_qt(qtbot, tmp_path, xor):
    experiment = xor[0]
    path = export_gif(experiment, "cost", tmp_path / "cost.gif", every_k=50, fps=5, size=(320, 200), iterations=300)
    info = gif_info(path)
    assert (info.width, info.height, info.frame_count) == (320, 200, 7)   # iterations 0, 50, ..., 300
    assert info.delays == [200] * 6 + [1500], "the last frame is held 1.5 s before the loop"
    reader = QImageReader(str(path))
    assert reader.imageCount() == 7 and reader.size() == QSize(320, 200)
    frames = []
    while not (image := reader.read()).isNull():
        frames.append(image_array(image))
    assert len(frames) == 7
    assert count_color(frames[0], BLUE) < count_color(frames[-1], BLUE), "the curve grows frame by frame"


def test_the_last_gif_frame_is_the_still_figure(view, tmp_path, xor):
    """Rendered from the recorded history, the animation ends on the same picture as a still."""
    experiment = xor[0]
    path = export_gif(experiment, "trajectories", tmp_path / "t.gif", every_k=100, size=(400, 260))
    reader = QImageReader(str(path))
    last = None
    while not (image := reader.read()).isNull():
        last = image_array(image)
    still = view("trajectories")
    from gdlab.gui.figures.export import prepared

    with prepared(still, (400, 260)):
        expected = image_array(render_image(still, (400, 260)))
    assert np.abs(last.astype(int) - expected).mean() < 2.0


def test_gif_of_a_race_and_bad_requests(tmp_path, race):
    experiment = race[0]
    path = export_gif(experiment, "trajectories", tmp_path / "r.gif", every_k=100, size=(300, 200))
    assert gif_info(path).frame_count == 5
    with pytest.raises(ViewNotApplicable):
        export_gif(experiment, "data", tmp_path / "d.gif")
    with pytest.raises(ValueError, match="fps"):
        export_gif(experiment, "cost", tmp_path / "d.gif", fps=0)
    with pytest.raises(ValueError, match="more than"):
        export_gif(experiment, "cost", tmp_path / "d.gif", every_k=1, iterations=5000)
    assert sorted(os.listdir(tmp_path)) == ["r.gif"]


# -- the dialog ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_export_dialog_writes_a_view_the_sheet_and_an_animation(qtbot, view, tmp_path, xor):
    from gdlab.gui.dialogs.export_dialog import ExportDialog

    experiment, run = xor
    views = {"Cost": view("cost"), "Data": view("data"), "Trajectories": view("trajectories")}
    summary = summarize(run.snapshot(len(run.history) - 1))
    dialog = ExportDialog(views, experiment, sheet_views=views, summary=summary, gif_views=("cost",),
                          directory=tmp_path)
    qtbot.addWidget(dialog)
    written = []
    dialog.exported.connect(written.append)
    assert [dialog.what.itemText(i) for i in range(dialog.what.count())][-2:] == [
        "Handout sheet (one page)", "Animation of the cost per iteration (GIF)"]
    dialog.format.setCurrentText("SVG")
    dialog.width.setValue(500)
    dialog.height.setValue(320)
    assert dialog.path.text().endswith(".svg")
    assert dialog.export()
    assert ET.parse(written[-1]).getroot().get("width") == "500"

    dialog.what.setCurrentText("Handout sheet (one page)")
    dialog.page.setCurrentText("Letter")
    assert dialog.export()
    assert written[-1].endswith(".pdf") and pdf_media_box(Path(written[-1])) == [0, 0, 612, 792]

    dialog.what.setCurrentText("Animation of the cost per iteration (GIF)")
    dialog.every.setValue(100)
    dialog.width.setValue(320)
    dialog.height.setValue(200)
    assert dialog.export()
    assert gif_info(written[-1]).frame_count == 4                  # iterations 0, 100, 200, 300


def test_export_dialog_reports_an_unwritable_path_and_stays_open(qtbot, view, tmp_path, xor):
    from gdlab.gui.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog({"Cost": view("cost")}, xor[0], directory=tmp_path)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "missing" / "cost.png"))
    assert not dialog.export()
    assert "does not exist" in dialog.error_box.text()
    dialog.error_box.close()
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_a_process_that_copied_a_figure_exits_cleanly(tmp_path):
    """The clipboard outlives Python: a QMimeData made in Python crashes the process at exit."""
    import subprocess
    import sys

    script = (
        "import gdlab.gui\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gdlab.core.files.presets import load_preset\n"
        "from gdlab.gui.figures.export import copy_to_clipboard\n"
        "from gdlab.gui.figures.render import build_view, run_experiment\n"
        "e = load_preset('xor').replace(max_iterations=20)\n"
        "copy_to_clipboard(build_view('cost', run_experiment(e), e), size=(200, 150), experiment=e)\n"
        "print('copied')\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "copied" in result.stdout
