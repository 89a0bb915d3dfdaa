"""One memory budget: with GDLAB_MEMORY_BUDGET=50M each operation whose size an input decides is
refused by it, with a sentence naming what to shrink, never by numpy's MemoryError."""
import pytest

from gdlab.core.files.presets import load_preset, preset_names
from gdlab.core.io import budget
from gdlab.core.io.budget import BudgetError, network_bytes, require

DEEP = ",".join(["256"] * 16)


@pytest.mark.parametrize("text, expected", [("500M", 500_000_000), ("2G", 2_000_000_000), ("1.5g", 1_500_000_000),
                                            ("123456", 123456), ("", budget.DEFAULT_BYTES),
                                            ("lots", budget.DEFAULT_BYTES), ("-5M", budget.DEFAULT_BYTES)])
def test_the_budget_reads_its_variable(monkeypatch, text, expected):
    monkeypatch.setenv(budget.ENV, text)
    assert budget.limit() == expected


def test_every_preset_fits_the_default_budget_many_times_over():
    for name in preset_names():
        experiment = load_preset(name)
        if experiment.kind == "network":
            sizes = [2, *experiment["hidden_layers"], 1]
            assert network_bytes(sizes, experiment["n_samples"], 0) < budget.DEFAULT_BYTES / 100


def test_a_deep_wide_network_on_many_samples_is_refused_naming_the_fields(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv(budget.ENV, "50M")
    code, _, err = run_cli("run", "xor", "--hidden-layers", DEEP, "--n-samples", 100_000, "--out", tmp_path / "h.csv")
    assert code == 2 and "data.n_samples, network.hidden_layers" in err and "50 MB" in err and "GB of memory" in err
    assert not (tmp_path / "h.csv").exists()
    with pytest.raises(BudgetError) as info:
        load_preset("xor").replace(hidden_layers=[256] * 16, n_samples=100_000)
    assert info.value.field == "data.n_samples, network.hidden_layers"


def test_at_the_default_budget_it_is_refused_too(monkeypatch):
    monkeypatch.delenv(budget.ENV, raising=False)
    with pytest.raises(BudgetError, match="2.0 GB"):
        load_preset("xor").replace(hidden_layers=[256] * 16, n_samples=100_000)


@pytest.mark.slow
@pytest.mark.parametrize("args, words", [
    (["--view", "cost", "--size", "4000x4000"], "a 4000×4000 image would need"),
    (["--view", "cost", "--format", "gif", "--size", "2000x2000"], "frames of 2000×2000 would need"),
])
def test_big_images_and_animations_are_refused_before_they_are_drawn(run_cli, tmp_path, monkeypatch, args, words):
    out = tmp_path / ("x.gif" if "gif" in args else "x.png")
    monkeypatch.setenv(budget.ENV, "50M")
    code, _, err = run_cli("export", "xor", *args, "--out", out)
    assert code == 2 and words in err and "50 MB" in err, err
    assert "Traceback" not in err and not out.exists()


def test_require_says_what_and_how_much():
    with pytest.raises(BudgetError, match=r"this would need about 3\.0 GB of memory"):
        require(3e9, "x", "this")
    require(1e6, "x", "this")
