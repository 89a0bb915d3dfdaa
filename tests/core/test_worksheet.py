"""The worksheet's numbers: the core's own forward and backward pass, and a computation by hand."""
import math

import numpy as np
import pytest

from gdlab.core.files.experiment import Experiment
from gdlab.core.nn.gradcheck import gradient_check
from gdlab.core.nn.network import MLP
from gdlab.core.run.training import NetworkRun
from gdlab.core.teaching.worksheet import (
    BACKWARD,
    COST,
    FORWARD,
    UPDATE,
    delta_symbol,
    fmt,
    fmt_given,
    make_worksheet,
    w_symbol,
    worksheet_from_run,
    z_symbol,
)


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def test_the_default_2_2_1_sheet_by_hand():
    """x = (0.05, 0.10), y = 0.01, α = 0.5; hidden weights w11 = 0.15, w21 = 0.20 (into h1), w12 = 0.25,
    w22 = 0.30 (into h2), biases 0.35; output weights 0.40, 0.45, bias 0.60; sigmoid everywhere, mse."""
    ws = make_worksheet()
    x1, x2, y, lr = 0.05, 0.10, 0.01, 0.5
    # forward
    z1 = 0.15 * x1 + 0.20 * x2 + 0.35                      # 0.3775
    z2 = 0.25 * x1 + 0.30 * x2 + 0.35                      # 0.3925
    a1, a2 = sigmoid(z1), sigmoid(z2)                     # 0.593269992, 0.596884378
    zo = 0.40 * a1 + 0.45 * a2 + 0.60
    yh = sigmoid(zo)                                      # 0.75136507
    J = 0.5 * (yh - y) ** 2                               # 0.274811083
    # backward: δ_out = (ŷ − y)·ŷ(1 − ŷ); δ_h = a(1 − a)·w·δ_out; ∂J/∂w = (input)·δ
    d_out = (yh - y) * yh * (1 - yh)
    d1 = a1 * (1 - a1) * 0.40 * d_out
    d2 = a2 * (1 - a2) * 0.45 * d_out
    dW1 = np.array([[x1 * d1, x1 * d2], [x2 * d1, x2 * d2]])
    dW2 = np.array([[a1 * d_out], [a2 * d_out]])
    # update: w − α·∂J/∂w
    W2_new = np.array([[0.40], [0.45]]) - lr * dW2
    W1_new = np.array([[0.15, 0.25], [0.20, 0.30]]) - lr * dW1

    assert z1 == pytest.approx(0.3775) and z2 == pytest.approx(0.3925)
    np.testing.assert_allclose(ws.z[0], [z1, z2], rtol=1e-14)
    np.testing.assert_allclose(ws.a[1], [a1, a2], rtol=1e-14)
    assert ws.y_hat[0] == pytest.approx(yh, rel=1e-14) and yh == pytest.approx(0.75136507, abs=1e-8)
    assert ws.J == pytest.approx(J, rel=1e-13) and J == pytest.approx(0.274811083, abs=1e-9)  # Mazur's published E
    np.testing.assert_allclose([ws.delta[1][0], ws.delta[0][0], ws.delta[0][1]], [d_out, d1, d2], rtol=1e-13)
    np.testing.assert_allclose(ws.dW[1], dW2, rtol=1e-13)
    np.testing.assert_allclose(ws.dW[0], dW1, rtol=1e-13)
    np.testing.assert_allclose(ws.db[0], [d1, d2], rtol=1e-13)
    np.testing.assert_allclose(ws.W_new[1], W2_new, rtol=1e-13)
    np.testing.assert_allclose(ws.W_new[0], W1_new, rtol=1e-13)
    assert ws.W_new[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)  # Mazur's published w5⁺
    np.testing.assert_allclose(ws.b_new[1], [0.60 - lr * d_out], rtol=1e-14)
    assert ws.J_new < ws.J


def test_the_worked_lines_print_those_numbers():
    ws = make_worksheet()
    by_symbol = {s.symbol: s for s in ws.steps}
    assert by_symbol["z₁⁽¹⁾"].numbers == "0.15 × 0.05 + 0.20 × 0.10 + 0.35"
    assert by_symbol["z₁⁽¹⁾"].result_text == "0.3775"
    assert by_symbol["ŷ"].result_text == "0.7514"
    assert by_symbol["J"].numbers == "½ × (0.7514 − 0.01)²" and by_symbol["J"].result_text == "0.2748"
    assert by_symbol["δ₁⁽²⁾"].result_text == "0.1385"
    # from the rounded δ₁⁽¹⁾ = 0.0134 the student gets 0.05 × 0.0134 = 0.000670 (exactly: 0.000668)
    assert by_symbol["∂J/∂w₁₁⁽¹⁾"].numbers == "0.05 × 0.0134"
    assert by_symbol["∂J/∂w₁₁⁽¹⁾"].result_text == "0.000670" and fmt(ws.dW[0][0, 0]) == "0.000668"
    assert by_symbol["w₁₁⁽²⁾ (new)"].numbers == "0.40 − 0.50 × 0.0822"
    assert by_symbol["w₁₁⁽²⁾ (new)"].result_text == "0.3589"
    blank = by_symbol["z₁⁽²⁾"].blanked("___")
    assert blank == "0.40 × ___ + 0.45 × ___ + 0.60"                      # given numbers stay, computed ones go
    assert by_symbol["δ₁⁽¹⁾"].blanked("___") == "___ × (1 − ___) × (0.40 × ___)"
    section, equation, numbers, result = by_symbol["a₁⁽¹⁾"].as_tuple()
    assert (section, equation) == (FORWARD, "a₁⁽¹⁾ = σ(z₁⁽¹⁾) = 1 / (1 + exp(−z₁⁽¹⁾))")
    assert numbers == "a₁⁽¹⁾ = 1 / (1 + exp(−0.3775))" and result == pytest.approx(ws.a[1][0], abs=5e-5)
    # every weight and bias has its gradient and its update; the sections come in order
    assert [s.section for s in ws.steps] == sorted((s.section for s in ws.steps),
                                                   key=[FORWARD, COST, BACKWARD, UPDATE].index)
    counts = {k: len(ws.steps_of(k)) for k in (FORWARD, COST, BACKWARD, UPDATE)}
    assert counts == {FORWARD: 6, COST: 1, BACKWARD: 3 + 9, UPDATE: 9}


def _evaluate(parts) -> float:
    """The worked line as arithmetic with the unrounded numbers (the symbols of the sheet as Python)."""
    from gdlab.core.teaching.worksheet import Value

    text = "".join(repr(p.value) if isinstance(p, Value) else p for p in parts)
    for a, b in (("×", "*"), ("−", "-"), ("½", "0.5"), ("²", "**2"), ("[", "("), ("]", ")"), ("ln(", "log(")):
        text = text.replace(a, b)
    return eval(text, {"exp": math.exp, "log": math.log, "tanh": math.tanh, "max": max})


@pytest.mark.parametrize("kwargs", [
    {},
    {"loss": "bce", "y": [1.0]},
    {"hidden_activation": "tanh", "weights": [[[0.5, -0.3], [-0.2, 0.8]], [[0.7], [-0.6]]]},
    {"x": [0.5], "y": [0.8], "weights": [[[0.3, -0.6]], [[0.7], [-0.2]]], "biases": [[0.1, 0.0], [0.05]],
     "hidden_activation": "relu", "output_activation": "linear", "learning_rate": 0.1},
    {"x": [0.2, 0.4], "y": [0.0, 1.0], "weights": [[[0.1, 0.2, 0.3], [0.4, -0.5, 0.6]], [[0.7, -0.1], [0.2, 0.3],
                                                                                      [-0.4, 0.5]]],
     "biases": [[0.1, 0.1, 0.1], [0.2, -0.2]], "output_activation": "sigmoid", "loss": "bce"},
    {"x": [0.5, -0.4], "y": [0.0, 1.0], "weights": [[[0.3, -0.6], [0.2, 0.9]], [[0.7, -0.4], [-0.2, 0.5]]],
     "biases": [[0.1, 0.0], [0.05, -0.1]], "output_activation": "softmax", "loss": "cross_entropy"},
])
def test_each_line_computes_its_result_and_matches_the_cores_mlp(kwargs):
    ws = make_worksheet(**kwargs)
    for step in ws.steps:                          # the printed formula really gives the printed number
        assert _evaluate(step.parts) == pytest.approx(step.result, rel=1e-12, abs=1e-15), step.as_tuple()
    # each line works from the rounded lines before it, so it differs from the MLP's exact number only
    # by that rounding: a few units of the 4th decimal
    exact = {"J": ws.J}
    for l in range(1, ws.num_layers + 1):
        for j in range(ws.layer_sizes[l]):
            exact[z_symbol(l, j)] = ws.z[l - 1][j]
            exact[delta_symbol(l, j)] = ws.delta[l - 1][j]
            for i in range(ws.layer_sizes[l - 1]):
                exact[f"∂J/∂{w_symbol(l, i, j)}"] = ws.dW[l - 1][i, j]
                exact[f"{w_symbol(l, i, j)} (new)"] = ws.W_new[l - 1][i, j]
    for step in ws.steps:
        if step.symbol in exact:
            assert step.result == pytest.approx(exact[step.symbol], abs=2e-4), step.as_tuple()
    # against the core's MLP, forward and backward, on the one sample
    net = MLP(ws.layer_sizes, ws.activation_names[0], ws.activation_names[-1], init="zeros")
    net.weights, net.biases = ws.W, ws.b
    X, Y = ws.x[None, :], ws.y[None, :]
    J, gW, gb = net.loss_and_gradients(X, Y, ws.loss)
    assert ws.J == J
    for l in range(ws.num_layers):
        np.testing.assert_array_equal(ws.dW[l], gW[l])
        np.testing.assert_array_equal(ws.delta[l], net.deltas[l][0])
        np.testing.assert_array_equal(ws.W_new[l], ws.W[l] - ws.learning_rate * gW[l])
        np.testing.assert_array_equal(ws.b_new[l], ws.b[l] - ws.learning_rate * gb[l])
    if "relu" not in ws.activation_names:          # (relu's kink makes finite differences unreliable at 0)
        assert gradient_check(net, X, Y, loss=ws.loss).max_relative_error < 1e-6


def test_a_sheet_from_a_run_uses_its_rounded_weights_and_sample():
    run = NetworkRun(Experiment(values={"dataset": "xor", "n_samples": 40, "hidden_layers": [2],
                                        "max_iterations": 20, "learning_rate": 0.3}))
    run.step(5)
    ws = worksheet_from_run(run, sample=3)
    np.testing.assert_array_equal(ws.W[0], np.round(run.model.weights[0], 2))
    np.testing.assert_array_equal(ws.x, np.round(run.X_train[3], 2))
    assert ws.loss == run.loss == "bce" and ws.activation_names == ["tanh", "sigmoid"]
    assert ws.learning_rate == 0.3 and "iteration 5" in ws.source and "sample 4" in ws.source
    assert all(fmt_given(v) == f"{v:.2f}".replace("-", "−") for _, v in ws.given()[:-1])


def test_bad_sheets_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="tiny network"):
        make_worksheet(weights=[np.zeros((2, 5)), np.zeros((5, 1))], biases=[np.zeros(5), np.zeros(1)])
    with pytest.raises(ValueError, match="softmax output goes with the cross-entropy"):
        make_worksheet(loss="cross_entropy")
    with pytest.raises(ValueError, match="at least 2 output"):
        make_worksheet(output_activation="softmax", loss="cross_entropy")
    with pytest.raises(ValueError, match="bce needs a sigmoid"):
        make_worksheet(loss="bce", output_activation="linear")
    with pytest.raises(ValueError, match="target"):
        make_worksheet(y=[0.1, 0.2])
    with pytest.raises(ValueError, match="learning rate"):
        make_worksheet(learning_rate=0)


def test_number_formats():
    assert fmt(0.59326999) == "0.5933" and fmt(-1.10590) == "−1.1059"
    assert fmt(0.000668456) == "0.000668" and fmt(-0.0013369) == "−0.00134"   # 3 significant digits below 0.01
    assert fmt(6.6845e-8) == "6.68×10⁻⁸" and fmt(0.0) == "0.0000" and fmt(0.0099999) == "0.0100"
    assert fmt_given(0.2) == "0.20" and fmt_given(0.125) == "0.125" and fmt_given(-0.0) == "0.00"
