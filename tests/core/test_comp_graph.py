"""The computation graph of one sample (gdlab.core.teaching.comp_graph): every leaf's ∂J/∂w is the
inspector's per-sample value and the finite difference of that sample's loss; every node's gradient
is the sum of upstream × local over the edges leaving it; the phases fill nodes in backward order."""
import math

import numpy as np
import pytest

from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import make_run
from gdlab.core.teaching.backprop_trace import trace_iteration
from gdlab.core.teaching.comp_graph import MAX_OPS, build_graph, operation_count


def _trace(preset="xor", sample=0, steps=0, **changes):
    exp = load_preset(preset)
    run = make_run(exp.replace(**changes) if changes else exp)
    if steps:
        run.step(steps)
    return run, trace_iteration(run, "sample", sample)


def _per_sample_loss(run, sample, wid, w):
    model = run.model.copy()
    l, i, j = wid
    model.weights[l][i, j] = w
    X, Y = run.X_train[sample:sample + 1], run.Y_train[sample:sample + 1]
    v = run.experiment.values
    return model.cost(X, Y, run.loss, v["regularization"], v["reg_rate"])


@pytest.mark.parametrize("preset, sample, steps, changes", [
    ("xor", 0, 0, {}), ("xor", 7, 300, {}), ("xor", 3, 0, {"regularization": "l2", "reg_rate": 0.01}),
    ("xor", 2, 0, {"dataset": "sine", "hidden_layers": [3]}),
], ids=["xor-start", "xor-trained", "xor-l2", "regression-mse"])
def test_every_leaf_gradient_is_the_inspectors_and_the_finite_difference(preset, sample, steps, changes):
    run, trace = _trace(preset, sample, steps, **changes)
    graph = build_graph(trace)
    assert not graph.pruned and graph.operations <= MAX_OPS
    grads = graph.weight_gradients()
    assert len(grads) == sum(w.size for w in trace.W)
    for (l, i, j), g in grads.items():
        assert g == pytest.approx(float(trace.dW[l][i, j]), rel=1e-12, abs=1e-300)
        w, eps = float(trace.W[l][i, j]), 1e-6
        fd = (_per_sample_loss(run, sample, (l, i, j), w + eps) - _per_sample_loss(run, sample, (l, i, j), w - eps))
        assert g == pytest.approx(fd / (2 * eps), rel=1e-5, abs=1e-9)
    assert graph.nodes[graph.root].value == pytest.approx(trace.J)


def test_each_gradient_is_the_sum_of_upstream_times_local_over_its_consumers():
    _, trace = _trace("xor", 5)
    graph = build_graph(trace)
    for e in graph.edges:
        assert e.product == e.upstream * e.local and e.upstream == graph.nodes[e.target].grad
    for k, node in enumerate(graph.nodes):
        out = [e.product for e in graph.edges if e.source == k]
        if out:
            assert node.grad == pytest.approx(math.fsum(out), rel=1e-12, abs=1e-300)
    assert graph.nodes[graph.root].grad == 1.0


def test_phases_fill_nodes_in_backward_order():
    _, trace = _trace("xor")
    graph = build_graph(trace)
    phases = graph.phases
    assert phases[0].filled == frozenset() and phases[-1].filled == frozenset(range(len(graph.nodes)))
    consumers = {k: {e.target for e in graph.edges if e.source == k} for k in range(len(graph.nodes))}
    for before, after in zip(phases, phases[1:]):
        new = after.filled - before.filled
        assert new and before.filled < after.filled
        for k in new:
            assert consumers[k] <= before.filled, "a node is filled only after everything it feeds"
    position = {k: n for n, k in enumerate(graph.backward_order)}
    assert all(position[e.target] < position[e.source] for e in graph.edges)
    # the layout: left to right along every edge, and nodes of a column at least a row apart
    assert all(graph.nodes[e.source].column < graph.nodes[e.target].column for e in graph.edges)
    for c in {n.column for n in graph.nodes}:
        ys = sorted(n.y for n in graph.nodes if n.column == c)
        assert all(b - a >= 1 - 1e-9 for a, b in zip(ys, ys[1:]))


def test_a_large_network_is_drawn_as_the_paths_through_the_chosen_weight():
    _, trace = _trace("spiral-deep", 4)
    assert operation_count(trace.layer_sizes) > MAX_OPS
    for wid in [(0, 1, 2), (2, 3, 5), (3, 7, 0)]:
        graph = build_graph(trace, wid)
        assert graph.pruned and sum(n.kind not in ("input", "weight", "bias", "side") for n in graph.nodes) <= MAX_OPS
        assert list(graph.weight_gradients()) == [wid]
        l, i, j = wid
        assert graph.weight_gradients()[wid] == pytest.approx(float(trace.dW[l][i, j]), rel=1e-12, abs=1e-300)
        assert all(math.isnan(n.grad) for n in graph.nodes if n.side)
    last = build_graph(trace, (3, 7, 0))
    assert any(n.kind == "loss" for n in last.nodes)      # the last layer's paths reach the loss itself


def test_a_softmax_output_and_bad_requests():
    _, trace = _trace("xor", 1, dataset="spiral3", hidden_layers=[2])
    graph = build_graph(trace)
    for (l, i, j), g in graph.weight_gradients().items():
        assert g == pytest.approx(float(trace.dW[l][i, j]), rel=1e-9, abs=1e-15)
    with pytest.raises(ValueError, match="no weight"):
        build_graph(trace, (5, 0, 0))
    run = make_run(load_preset("xor"))
    with pytest.raises(ValueError, match="one training sample"):
        build_graph(trace_iteration(run, "batch"))
    assert np.isfinite([n.value for n in graph.nodes]).all()
