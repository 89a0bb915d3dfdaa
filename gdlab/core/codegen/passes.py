"""A network script's layers: section 3 (the activations, from their kernels' source), 4 (the cost
and the weight penalty), 5 (the forward pass) and 6 (the backward pass, with the chain rule)."""
from __future__ import annotations

from ..nn.activation_kernels import SLOPES, VALUES
from .source import kernel_source
from .spec import Spec
from .text import _code, _comment, _lines, _num, _section


# 3. the activations ------------------------------------------------------------------------------
def _slopes_used(s: Spec) -> list[str]:
    """The activations whose derivative backprop takes (a linear layer's f′ = 1 needs no code)."""
    used = []
    if s.L > 1 and s.hidden != "linear":
        used.append(s.hidden)
    if not s.fused and s.output != "linear" and s.output not in used:
        used.append(s.output)
    return used


def _activation_section(s: Spec) -> str:
    used = ([s.hidden] if s.L > 1 else []) + ([s.output] if s.L == 1 or s.output != s.hidden else [])
    out = _section("3", "The activation" + ("s" if len(used) > 1 else ""))
    where = (f"The hidden layers use {s.hidden}, the output layer {s.output}." if len(used) > 1 else
             f"Every layer uses {used[0]}." if s.L > 1 else f"The output layer uses {used[0]}.")
    slope = " Backprop needs their slopes f′(z) too." if _slopes_used(s) else ""
    out += _comment("A neuron's activation a = f(z) bends its weighted input z; without it, a stack of layers "
                    f"would collapse into one linear map. {where}{slope}")
    return out + "\n\n" + kernel_source(*[VALUES[a] for a in used], *[SLOPES[a] for a in _slopes_used(s)])


# 4. the cost -------------------------------------------------------------------------------------
def _inner(s: Spec, a: str) -> str:
    """Σ y·a over every output and sample, summed as gdlab sums it (one dot product for one output)."""
    return f"float(np.vdot(Y, {a}))" if s.k == 1 else f"float((Y * {a}).sum())"


def _cost_section(s: Spec) -> str:
    out = _section("4", "The cost" + (" and the weight penalty" if s.regularized else ""))
    if s.fused and s.loss == "bce":
        out += "\n" + _code('''
            def cost(z, Y):
                """Binary cross-entropy of ŷ = σ(z):  J = −1/n Σ [y log ŷ + (1 − y) log(1 − ŷ)].

                Computed from the output layer's z (the logits) as J = 1/n Σ [softplus(z) − y·z], with
                softplus(z) = log(1 + e^z): the same number, but never the log of 0.
                """
                n = z.shape[1]
                return (float(np.logaddexp(0.0, z).sum()) - $inner) / n
            ''', inner=_inner(s, "z"))
    elif s.fused:
        out += "\n" + _code('''
            def cost(z, Y):
                """Categorical cross-entropy of ŷ = softmax(z) and one-hot targets y:  J = −1/n Σ y log ŷ.

                Computed from the output layer's z (the logits) with log ŷ_k = z_k − m − log Σ_j e^{z_j − m},
                m = max_j z_j: the same number, but never the log of 0. (Adding 0.0 writes the −0.0 of a
                perfect fit as 0.0, as gdlab's J = J_data + penalty does.)
                """
                n = z.shape[1]
                shifted = z - z.max(axis=0, keepdims=True)                                  # z − m
                log_y_hat = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))    # log ŷ
                return -$inner / n + 0.0
            ''', inner=_inner(s, "log_y_hat"))
    else:
        out += "\n" + _code('''
            def cost(y_hat, Y):
                """Mean squared error:  J = 1/(2n) Σ (ŷ − y)²  (the ½ cancels the 2 of the derivative)."""
                n = y_hat.shape[1]
                d = y_hat - Y                                   # ŷ − y
                return float(np.vdot(d, d)) / (2 * n)           # J = 1/(2n) Σ (ŷ − y)²
            ''')
    reg = s.values["regularization"]
    if reg == "none":
        return out
    out += "\n\n" + _comment(
        "The weight penalty: J = J_data + " +
        ("(λ/2) Σ_l ‖W_l‖², whose gradient λW_l is added to ∂J/∂W_l: every step also shrinks each weight "
         "a little (weight decay)." if reg == "l2" else
         "λ Σ_l |W_l|, whose gradient λ·sign(W_l) is added to ∂J/∂W_l: every step also pulls each weight "
         "towards 0 by the same amount, so small weights end at exactly 0.") + " The biases are not penalised.")
    out += _lines([(f"LAMBDA = {_num(s.values['reg_rate'])}", "the penalty's strength λ")])
    if reg == "l2":
        return out + "\n\n" + _code('''
            def penalty(Wbs):
                """(λ/2) Σ_l ‖W_l‖², over the weights only (not the bias rows)."""
                total = 0.0
                for Wb in Wbs:
                    W = Wb[:-1]                                 # W_l without its bias row
                    total += float(np.vdot(W, W))               # ‖W_l‖²
                return 0.5 * LAMBDA * total


            def add_penalty_gradient(grads, Wbs):
                """∂J/∂W_l += λW_l."""
                for g, Wb in zip(grads, Wbs):
                    g[:-1] += Wb[:-1] * LAMBDA
            ''')
    return out + "\n\n" + _code('''
        def penalty(Wbs):
            """λ Σ_l |W_l|, over the weights only (not the bias rows)."""
            total = 0.0
            for Wb in Wbs:
                total += float(np.abs(Wb[:-1]).sum())           # Σ |W_l|
            return LAMBDA * total


        def add_penalty_gradient(grads, Wbs):
            """∂J/∂W_l += λ·sign(W_l)."""
            for g, Wb in zip(grads, Wbs):
                g[:-1] += np.sign(Wb[:-1]) * LAMBDA
        ''')


def _explained(number: str, title: str, text: str) -> str:
    """A section's heading and the paragraph that opens it."""
    return _section(number, title) + _comment(text)


# 5. the forward pass -----------------------------------------------------------------------------
def _forward_section(s: Spec) -> str:
    out = _explained(
        "5", "The forward pass",
        "The layout. A textbook writes one sample a row: z = a·W + b. Here every array holds one sample a "
        "column, (neurons, samples), and each layer's bias is the last row of its weight matrix, so one "
        "matrix product gives z = a·W + b, transposed: zᵀ = [W; b]ᵀ·[aᵀ; 1]. This is how gdlab computes, "
        "and keeping its order of the sums is what makes this script reproduce gdlab's numbers bit for bit "
        "(the same numbers summed in another order differ in the last digit, and over thousands of steps "
        "the difference grows).")
    if s.L == 1 or s.hidden == s.output:
        f_line = f"a = {s.output}(z)"
    else:
        f_line = f"a = {s.hidden}(z) if l < len(Wbs) else {s.output}(z)"
    return out + "\n\n" + (
        "def forward(Wbs, X):\n"
        '    """The forward pass: z_l = a_{l−1} W_l + b_l and a_l = f(z_l), from a_0 = X up to ŷ = a_L.\n\n'
        "    Returns what backprop needs: every layer's input with its row of ones, [a_{l−1}; 1]; every\n"
        "    weighted input z_l; and the activations a_0 = X, a_1, …, a_L = ŷ.\n"
        '    """\n'
        + _lines(["inputs, zs, activations = [], [], [X]",
                  ("a = X", "a_0 = X"),
                  ("for l, Wb in enumerate(Wbs, start=1):", "layers l = 1 … L"),
                  ("    a_in = np.vstack([a, np.ones((1, a.shape[1]))])", "[a_{l−1}; 1]"),
                  ("    z = np.dot(Wb.T, a_in)", "z_l = a_{l−1} W_l + b_l"),
                  (f"    {f_line}", "a_l = f(z_l)"),
                  "    inputs.append(a_in)",
                  "    zs.append(z)",
                  "    activations.append(a)",
                  "return inputs, zs, activations"], "    "))


# 6. the backward pass ----------------------------------------------------------------------------
def _backward_section(s: Spec) -> str:
    out = _explained(
        "6", "The backward pass (backpropagation)",
        "Backprop computes ∂J/∂w for every weight and bias by the chain rule, from the output back to the "
        "input. The error of layer l is δ_l = ∂J/∂z_l. Since z_l = a_{l−1} W_l + b_l, the gradient of a "
        "weight is the input it multiplies times the error it feeds into, and the error of the layer below is "
        "this error sent back through the same weights, times the slope of that layer's activation.")
    # the output error δ_L
    if s.fused:
        why = ("sigmoid + bce: σ′(z) cancels the 1/(ŷ(1 − ŷ)) of ∂J/∂ŷ" if s.loss == "bce" else
               "softmax + cross-entropy: the softmax's Jacobian cancels ∂J/∂ŷ's 1/ŷ")
        rules = [f"δ_L = (ŷ − y)/n      ({why})"]
        output = [("delta = (y_hat - Y) * (1.0 / n)", "δ_L = ∂J/∂z_L = (ŷ − y)/n")]
    elif s.output == "linear":
        rules = ["δ_L = (ŷ − y)/n      (mse: ∂J/∂ŷ = (ŷ − y)/n, and a linear output has f′ = 1)"]
        output = [("delta = (y_hat - Y) * (1.0 / n)", "δ_L = ∂J/∂z_L = (ŷ − y)/n")]
    elif s.output == "softmax":
        rules = ["δ_L = ∂J/∂ŷ sent back through the softmax, ∂J/∂ŷ = (ŷ − y)/n   (mse)"]
        output = [("delta = (y_hat - Y) * (1.0 / n)", "∂J/∂ŷ = (ŷ − y)/n"),
                  ("delta = softmax_backward(y_hat, delta)", "δ_L = ∂J/∂z_L")]
    else:
        rules = ["δ_L = f′(z_L) ⊙ ∂J/∂ŷ,  ∂J/∂ŷ = (ŷ − y)/n   (mse)"]
        output = [("delta = (y_hat - Y) * (1.0 / n)", "∂J/∂ŷ = (ŷ − y)/n"),
                  (f"delta = {s.output}_prime(y_hat) * delta", "δ_L = f′(z_L) ⊙ ∂J/∂ŷ")]
    # the error of the layer below, δ_{l−1}
    back = "np.dot(Wbs[l - 1][:-1], delta)"
    hidden: list[tuple[str, str]] = []
    if s.L > 1:
        if s.hidden == "linear":
            rules.append("δ_{l−1} = δ_l W_lᵀ     (linear hidden layers: f′ = 1)")
            hidden = [(f"delta = {back}", "δ_{l−1} = δ_l W_lᵀ")]
        elif s.hidden == "softmax":
            rules.append("δ_{l−1} = (δ_l W_lᵀ) sent back through the softmax of layer l − 1")
            hidden = [(f"delta = softmax_backward(activations[l - 1], {back})", "δ_{l−1}")]
        else:
            rules.append("δ_{l−1} = f′(z_{l−1}) ⊙ (δ_l W_lᵀ)")
            hidden = [(f"delta = {s.hidden}_prime(activations[l - 1]) * {back}",
                       "δ_{l−1} = f′(z_{l−1}) ⊙ (δ_l W_lᵀ)")]
    rules.append("∂J/∂W_l = a_{l−1}ᵀ δ_l,   ∂J/∂b_l = Σ_samples δ_l")
    doc = "\n".join(f"        {r}" for r in rules)
    loop: list[tuple[str, str] | str] = [
        ("for l in range(len(Wbs), 0, -1):", "l = L, …, 1: from the output layer back"),
        ("    grads[l - 1] = np.dot(inputs[l - 1], delta.T)", "[∂J/∂W_l; ∂J/∂b_l] = [a_{l−1}; 1] δ_lᵀ")]
    if hidden:
        loop += ["    if l > 1:"] + [(f"        {c}", w) for c, w in hidden]
    return out + "\n\n" + (
        "def backward(Wbs, inputs, activations, Y):\n"
        '    """The gradient [∂J/∂W_l; ∂J/∂b_l] of the data cost for every layer, by the chain rule:\n\n'
        f"{doc}\n\n"
        "    In the (neurons, samples) layout these read transposed: δ_l W_lᵀ is computed as W_l δ_l, and one\n"
        "    product [a_{l−1}; 1] δ_lᵀ gives both ∂J/∂W_l and, from the row of ones, ∂J/∂b_l = Σ δ_l.\n"
        "    Python's lists count from 0: Wbs[l − 1] is [W_l; b_l] and inputs[l − 1] is [a_{l−1}; 1].\n"
        '    """\n'
        + _lines(["y_hat = activations[-1]", "n = y_hat.shape[1]"] + output +
                 ["grads = [None] * len(Wbs)"] + loop + ["return grads"], "    "))

