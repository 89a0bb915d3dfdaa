"""Quitting in the middle of a long step: the training thread stops at its next chunk and the
process exits 0 within seconds, never with 'QThread: Destroyed while thread … is still running'."""
import time

import pytest

from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import NetworkRun, make_run


@pytest.mark.slow
def test_quitting_during_a_200000_iteration_step_exits_0_within_5_seconds(gdlab, tmp_path):
    path = tmp_path / "long.json"  # ~55 s of training in one step, never converging
    load_preset("spiral-deep").replace(max_iterations=1_000_000, tolerance=0.0, grad_tolerance=0.0).save(path)
    start = time.perf_counter()
    done = gdlab(path, "--run-iterations", 200_000, "--quit-after", 500, QT_QPA_PLATFORM="offscreen")
    took = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    assert "Destroyed while thread" not in done.stderr
    assert took < 5.0 + 3.0, f"{took:.1f} s (start-up included)"  # quit at 0.5 s, a 60 ms chunk, start-up ~2 s


def test_a_landscape_or_weight_of_another_network_shape_is_not_one_of_this_network():
    run = make_run(load_preset("xor"))
    assert isinstance(run, NetworkRun)
    assert run.has_weight((0, 1, 3)) and run.has_weight((1, 3, 0))
    for wid in ((2, 0, 0), (0, 2, 0), (0, 0, 4), (1, 0, 1), (-1, 0, 0), (0, 0), (0.5, 0, 0)):
        assert not run.has_weight(wid), wid
