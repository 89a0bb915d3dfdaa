"""The catalogue of views (gdlab.core.views) is where the command line, the lessons and the sheet
take their view names from; and Experiment.layer_sizes()."""
import json
import subprocess
import sys

import pytest

from gdlab.cli.export import EXPORT_VIEWS
from gdlab.core import params, views
from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.teaching.lessons import BOTTOM_VIEWS, TOP_VIEWS, VIEW_NAMES


def test_the_command_line_offers_the_catalogues_exported_views_in_its_order():
    assert EXPORT_VIEWS == views.export_names()
    assert EXPORT_VIEWS == ("cost", "trajectories", "data", "curve", "surface", "network", "gradients", "metrics",
                            "sheet", "surface3d", "graph")
    assert sorted(v.export for v in views.CATALOGUE if v.export) == list(range(1, len(EXPORT_VIEWS) + 1))


def test_a_lesson_names_the_catalogues_views():
    assert TOP_VIEWS == ("data", "network", "inspector", "graph", "landscape", "curve", "surface", "surface3d")
    assert BOTTOM_VIEWS == ("trajectories", "gradients", "metrics", "sweep", "runs")
    assert VIEW_NAMES == TOP_VIEWS + BOTTOM_VIEWS + ("cost",)
    assert set(VIEW_NAMES) == {v.name for v in views.CATALOGUE if v.lesson}
    from gdlab.core.teaching import lessons

    assert all(f"``{name}``" in lessons.__doc__ for name in VIEW_NAMES), "the lesson format names every view"


def test_every_tab_has_a_title_every_view_in_the_window_a_tip_and_nothing_else_does():
    assert [v.tab for v in views.tab_views(views.TOP)] == ["Data", "Network", "Backprop inspector",
                                                           "Computation graph", "Cost landscape", "Cost curve",
                                                           "Cost surface", "3-D"]
    assert [v.tab for v in views.tab_views(views.BOTTOM)] == ["Weight trajectories", "Gradient flow", "Accuracy",
                                                              "Learning-rate sweep", "Runs"]
    for v in views.CATALOGUE:
        tabbed = v.place in (views.TOP, views.BOTTOM)
        assert bool(v.tab) == tabbed and bool(v.tip) == bool(v.place), v.name
        assert v.title and v.place in (views.TOP, views.BOTTOM, views.BESIDE, "")
    assert len(views.VIEWS_BY_NAME) == len(views.CATALOGUE)


def test_the_kinds_are_the_parameter_tables_and_loading_the_catalogue_loads_no_numpy():
    assert (views.NETWORK, views.SURFACE) == (params.NETWORK, params.SURFACE)
    assert all(set(v.kinds) <= set(params.GROUPS) for v in views.CATALOGUE)
    probe = "import sys, json, gdlab.core.views\nprint(json.dumps('numpy' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout) is False


def test_what_a_view_applies_to():
    xor, curve, race = load_preset("xor"), load_preset("lr-too-large"), load_preset("optimizer-race")
    data, surface = views.view("data"), views.view("surface")
    assert data.suits(xor) and not data.suits(curve)
    assert data.applies(curve) == "it shows network experiments, and this is a surface experiment"
    assert surface.suits(race) and not surface.suits(curve) and not surface.suits(xor)
    assert surface.applies(curve) == "it shows 2-weight surfaces, and parabola has 1"
    assert surface.applies(xor) == "it shows a cost surface, and this is a network experiment"
    assert all(views.view(n).suits(e) for n in ("cost", "trajectories", "sweep", "runs") for e in (xor, race))
    assert views.sheet_names(xor) == ("cost", "data", "trajectories")
    assert views.sheet_names(curve) == ("cost", "curve", "trajectories")
    assert views.sheet_names(race) == ("cost", "surface", "trajectories")
    # the 3-D view: a two-weight surface, or a network's slice over two of its weights; never a curve
    surface3d = views.view("surface3d")
    assert surface3d.suits(race) and surface3d.suits(xor) and surface3d.suits(load_preset("saddle-point"))
    assert surface3d.applies(curve) == "it shows 2-weight surfaces, and parabola has 1"


def test_the_metrics_tab_is_titled_for_the_data():
    metrics = views.view("metrics")
    assert metrics.tab_title(load_preset("xor")) == "Accuracy"
    assert metrics.tab_title(load_preset("xor").replace(dataset="sine")) == "R²"
    assert views.view("data").tab_title(load_preset("xor").replace(dataset="sine")) == "Data"


@pytest.mark.parametrize("values, sizes", [
    ({}, [2, 4, 1]),
    ({"hidden_layers": [3, 5], "features": ["x", "square", "product"]}, [5, 3, 5, 1]),
    ({"hidden_layers": [], "dataset": "sine"}, [1, 1]),
])
def test_layer_sizes_are_inputs_hidden_outputs(values, sizes):
    assert Experiment(values=values).layer_sizes() == sizes
