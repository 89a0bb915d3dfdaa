"""The inspector's trace: its numbers are the run's own, its chain rule agrees with backprop and
with finite differences, and its update is the step the run then takes."""
import numpy as np
import pytest

from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import make_run
from gdlab.core.teaching.backprop_trace import BACKWARD, COST, FORWARD, UPDATE, in_gradient_notation, trace_iteration


def xor_run(**values):
    base = {"dataset": "xor", "n_samples": 24, "hidden_layers": [3], "max_iterations": 100}
    base.update(values)
    return make_run(Experiment(values=base))


@pytest.mark.parametrize("values", [{}, {"optimizer": "momentum", "learning_rate": 0.3},
                                    {"optimizer": "adam", "batch_size": 5}, {"regularization": "l2", "reg_rate": 0.05},
                                    {"dataset": "sine", "hidden_layers": [4, 3], "hidden_activation": "sigmoid"},
                                    {"dataset": "spiral3", "hidden_layers": [5]}])
def test_batch_trace_is_the_runs_next_iteration(values):
    run = xor_run(**values)
    run.step(3)
    trace = trace_iteration(run, "batch")
    for got, want in zip(trace.dW, run.model.gradients[0::2]):
        np.testing.assert_array_equal(got, want)
    batch = None if run.batch_index is None else run.batch_index.copy()
    run.step(1)
    for got, want in zip(trace.W_new, run.model.weights):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    assert trace.J == pytest.approx(trace.data_cost + trace.penalty, rel=1e-12)
    if batch is None:  # full batch: the cost the history recorded before the step
        assert trace.J == pytest.approx(run.history.view("train_cost")[-2], rel=1e-12)
    else:  # a mini-batch: exactly the samples the step used
        np.testing.assert_array_equal(np.sort(trace.samples), np.sort(batch))


def test_sample_trace_is_one_sample_alone_and_plain_descent():
    run = xor_run(learning_rate=0.2)
    trace = trace_iteration(run, "sample", sample=5)
    probe = run.model.copy()
    J, gW, _ = probe.loss_and_gradients(run.X_train[[5]], run.Y_train[[5]], run.loss)
    assert trace.J == pytest.approx(J, rel=1e-14) and trace.sample_index == 5
    for W, dW, W_new in zip(trace.W, trace.dW, trace.W_new):
        np.testing.assert_allclose(W_new, W - 0.2 * dW, rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("mode", ["sample", "batch"])
@pytest.mark.parametrize("hidden, loss_values", [("tanh", {}), ("sigmoid", {"dataset": "sine"}),
                                                 ("tanh", {"output_activation": "sigmoid", "loss": "mse"})])
def test_the_chain_rule_agrees_with_backprop_and_finite_differences(mode, hidden, loss_values):
    run = xor_run(hidden_activation=hidden, hidden_layers=[3, 2], **loss_values)
    run.step(5)
    trace = trace_iteration(run, mode, sample=2)
    for layer in (1, 2, 3):
        W = trace.W[layer - 1]
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                rule = trace.chain_rule(layer, i, j)
                assert rule.agreement < 1e-10, (layer, i, j)
                assert rule.rel_error < 1e-6 or abs(rule.backprop) < 1e-9, (layer, i, j, rule)
                if not rule.output_layer:  # δ_j = f′(z_j) · Σ_k w_jk δ_k, evaluated
                    assert rule.delta_j == pytest.approx(rule.f_prime * rule.weighted_sum, rel=1e-12, abs=1e-300)
                    assert rule.weighted_sum == pytest.approx(sum(w * d for _, w, d in rule.terms), rel=1e-12,
                                                              abs=1e-300)
                elif rule.fused:           # δ_L = (ŷ − y)/n
                    assert rule.delta_j == pytest.approx((rule.y_hat - rule.y) / rule.n, rel=1e-12)
                else:                      # δ_L = f′(z) · ∂J/∂ŷ
                    assert rule.delta_j == pytest.approx(rule.f_prime * rule.dJ_dyhat, rel=1e-12)


def test_phases_run_forward_cost_backward_update():
    trace = trace_iteration(xor_run(hidden_layers=[4, 3]))
    kinds = [(p.kind, p.layer) for p in trace.phases]
    assert kinds == [(FORWARD, 0), (FORWARD, 1), (FORWARD, 2), (FORWARD, 3), (COST, 3), (BACKWARD, 3),
                     (BACKWARD, 2), (BACKWARD, 1), (UPDATE, 0)]
    assert all(p.caption.endswith(".") for p in trace.phases)


def test_batch_node_values_are_averages_and_delta_sums():
    trace = trace_iteration(xor_run())
    v = trace.node_values(1)
    np.testing.assert_allclose(v["z"], trace.z[0].mean(axis=0))
    np.testing.assert_allclose(v["delta"], trace.db[0], rtol=1e-12)  # Σ δ = ∂J/∂b


def test_the_run_is_not_changed_by_a_trace():
    run = make_run(load_preset("xor"))
    before = [w.copy() for w in run.model.weights]
    grads = [g.copy() for g in run.model.gradients]
    trace_iteration(run).chain_rule(1, 0, 0)
    for a, b in zip(before, run.model.weights):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(grads, run.model.gradients):
        np.testing.assert_array_equal(a, b)


def test_last_update_is_the_step_taken():
    run = xor_run(learning_rate=0.4)
    run.step(2)
    g = [w.copy() for w in run.model.gradients[0::2]]
    run.step(1)
    snap = run.snapshot()
    for upd, gW in zip(snap.last_update, g):
        np.testing.assert_allclose(upd[:-1], -0.4 * gW, rtol=1e-12, atol=1e-15)


def test_neuron_maps_and_sample_activations():
    run = xor_run(hidden_layers=[3])
    maps = run.neuron_maps(16)
    assert [m.shape for m in maps] == [(3, 16, 16), (1, 16, 16)]
    acts = run.sample_activations(4)
    probe = run.model.copy()
    probe.forward(run.X_train[[4]])
    np.testing.assert_allclose(acts[0][1], probe.activations[1][0])


@pytest.mark.parametrize("values", [{}, {"dataset": "sine", "hidden_layers": [4]}, {"dataset": "spiral3"}])
def test_sample_costs_are_each_samples_own_loss_and_average_to_the_data_cost(values):
    from gdlab.core.nn.losses import get_loss

    trace = trace_iteration(xor_run(**values), "batch")
    rows = trace.sample_costs(count=10_000)
    assert len(rows) == len(trace.samples) and [r[0] for r in rows] == [int(s) for s in trace.samples]
    losses = np.array([r[3] for r in rows])
    assert losses.mean() == pytest.approx(trace.data_cost, rel=1e-9)
    index, y_hat, y, loss = trace.sample_costs(count=1)[0]
    assert loss == pytest.approx(get_loss(trace.loss).value(y_hat[None, :], y[None, :]))
    np.testing.assert_array_equal(y_hat, trace.a[-1][0])


@pytest.mark.parametrize("aspect", [None, 2.0, 0.5])
def test_the_decision_map_spans_the_data_and_the_views_shape(aspect):
    run = xor_run()
    xs, ys, Z = run.view_data(resolution=9, aspect=aspect)["map"]
    X = run.dataset.X
    assert xs[0] < X[:, 0].min() and xs[-1] > X[:, 0].max() and ys[0] < X[:, 1].min() and ys[-1] > X[:, 1].max()
    if aspect is not None:
        assert (xs[-1] - xs[0]) / (ys[-1] - ys[0]) == pytest.approx(aspect)
    assert Z.shape == (9, 9)


@pytest.mark.parametrize("optimizer, rule", [
    ("sgd", "w ← w − α·∂J/∂w"), ("nesterov", "v ← μv + ∂J/∂w, w ← w − α·(∂J/∂w + μv)"),
    ("adagrad", "s ← s + (∂J/∂w)², w ← w − α·∂J/∂w/(√s + ε)")])
def test_the_update_phase_writes_the_registered_rule_in_the_inspectors_notation(optimizer, rule):
    trace = trace_iteration(xor_run(optimizer=optimizer))
    assert trace.update_rule == rule and f"the gradients: {rule} with α = 0.1" in trace.phases[-1].caption
    assert trace_iteration(xor_run(optimizer=optimizer), "sample").update_rule == "w ← w − α·∂J/∂w"
    assert in_gradient_notation("w ← w − α·sign(g)") == "w ← w − α·sign(∂J/∂w)"  # a word keeps its g
