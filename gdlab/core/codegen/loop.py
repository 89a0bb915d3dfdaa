"""A network script's scoring and training: section 8 (the accuracy or R²) and section 9 (the
training loop with its stopping tests and the schedule), ending in ``train(max_iterations)``."""
from __future__ import annotations

import textwrap

from ..run.stopping_kernels import convergence_reason, divergence_reason
from .source import kernel_source
from .spec import Spec
from .text import _code, _comment, _docstring, _fill, _lines, _num, _section
from .update import _schedule_piece

# 8. the metric: accuracy or R² -------------------------------------------------------------------
_METRIC = {
    "binary": '''
        def accuracy(y_hat, Y):
            """The share of points classified right:  accuracy = (1/n) Σ [ĉ = c].

            The output ŷ is read as P(class 1): the predicted class is ĉ = 1 where ŷ > 0.5, else 0
            (ŷ = 0.5 exactly counts as class 0). The true class c is the target, 0 or 1.
            """
            predicted = y_hat[0] > 0.5                      # ĉ = [ŷ > 0.5], one a point
            true = Y[0] > 0.5                               # c
            return float(np.count_nonzero(predicted == true)) / Y.shape[1]  # (1/n) Σ [ĉ = c]
        ''',
    "multiclass": '''
        def accuracy(y_hat, Y):
            """The share of points classified right:  accuracy = (1/n) Σ [ĉ = c].

            The predicted class is the output with the largest value, ĉ = argmax_k ŷ_k (on a tie, the
            first); the true class c is where the one-hot target y has its 1.
            """
            predicted = np.argmax(y_hat, axis=0)            # ĉ = argmax_k ŷ_k, down each column (point)
            true = np.argmax(Y, axis=0)                     # c
            return float(np.count_nonzero(predicted == true)) / Y.shape[1]  # (1/n) Σ [ĉ = c]
        ''',
    "regression": '''
        def r_squared(y_hat, Y):
            """The coefficient of determination:  R² = 1 − SS_res/SS_tot,

                SS_res = Σ (y − ŷ)²,  the squared errors left over,
                SS_tot = Σ (y − ȳ)²,  the squared errors of always answering the mean target ȳ.

            When every target is the same (SS_tot = 0), R² is 1 for a perfect fit and 0 otherwise.
            """
            d = y_hat - Y                                   # ŷ − y
            ss_res = float(np.vdot(d, d))                   # SS_res = Σ (y − ŷ)²
            ss_tot = float(np.sum((Y - Y.mean(axis=1, keepdims=True)) ** 2))   # SS_tot = Σ (y − ȳ)²
            if ss_tot == 0.0:
                return 1.0 if ss_res == 0.0 else 0.0
            return 1.0 - ss_res / ss_tot                    # R² = 1 − SS_res/SS_tot
        ''',
}


def _metric_section(s: Spec) -> str:
    if s.regression:
        out = _section("8", "How good the fit is: R²")
        out += _comment("The cost J is what gradient descent minimises; R² is what a person reads: the share of "
                        "the targets' spread around their mean that the network explains. 1 is a perfect fit, 0 "
                        "is no better than always answering the mean, and below 0 is worse than that. It is "
                        "computed from the output ŷ of the forward pass that gave J, so it costs no extra pass.")
    else:
        out = _section("8", "How good the answers are: the accuracy")
        out += _comment("The cost J is what gradient descent minimises; the accuracy is what a person reads: the "
                        "share of points the network puts in the right class. It is computed from the output ŷ "
                        "of the forward pass that gave J, so it costs no extra pass.")
    return out + "\n\n" + _code(_METRIC[s.task])




def _training_section(s: Spec) -> str:
    v = s.values
    out = _section("9", "The training loop")
    rows: list[tuple[str, str] | str] = [
        (f"ALPHA = {_num(v['learning_rate'])}", "the learning rate α"),
        (f"MAX_ITERATIONS = {v['max_iterations']}", "the default of --iterations")]
    if "grad_tolerance" in s.convergence_tests:
        rows.append((f"GRAD_TOLERANCE = {_num(v['grad_tolerance'])}", "converged when ‖∂J/∂w‖ falls below this"))
    if "tolerance" in s.convergence_tests:
        rows.append((f"TOLERANCE = {_num(v['tolerance'])}", "... or when J and w stop changing (relative)"))
    if not s.full_batch:
        rows += [(f"BATCH_SIZE = {s.batch_size}", "training points in each gradient"),
                 (f"SHUFFLE_SEED = [{v['seed']}, {v['data_seed']}, 7]", "[weight seed, data seed, 7], as in gdlab")]
    out += _lines(rows) + _schedule_piece(s).rstrip("\n") + "\n"

    cost_of = "zs[-1]" if s.fused else "activations[-1]"
    penalty = " + penalty(Wbs)" if s.regularized else ""
    add_penalty: list[tuple[str, str] | str] = [
        ("add_penalty_gradient(grads, Wbs)", "∂J/∂W_l += the penalty's gradient")] if s.regularized else []
    J = "J = J_data + penalty" if s.regularized else "J"
    score, words = s.metric_function, "the R²" if s.regression else "the accuracy"
    if s.full_batch:
        out += "\n\ndef cost_and_gradients(Wbs, X, Y):\n" + _docstring(
            f"The cost {J} at the weights Wbs, its gradient for every layer by backprop, and {words} of the "
            f"output ŷ that the same forward pass gave.") + _lines(
            ["inputs, zs, activations = forward(Wbs, X)", f"J = cost({cost_of}, Y){penalty}",
             "grads = backward(Wbs, inputs, activations, Y)"] + add_penalty +
            [f"return J, grads, {score}(activations[-1], Y)"], "    ")
    else:
        out += "\n\n" + _code('''
            def mini_batches(n, size, rng):
                """Endless mini-batches of sample numbers: shuffle 0 … n−1, hand them out `size` at a time,
                and shuffle again when fewer than `size` are left (those wait for the next round)."""
                order = np.arange(n)
                while True:
                    rng.shuffle(order)
                    for start in range(0, n - size + 1, size):
                        yield order[start:start + size]
            ''')
        batch_rows: list[tuple[str, str] | str] = [
            "inputs, zs, activations = forward(Wbs, X)", f"J = cost({cost_of}, Y){penalty}",
            (f"score = {score}(activations[-1], Y)", "on all the training points"),
            "inputs, zs, activations = forward(Wbs, X[:, batch])",
            "grads = backward(Wbs, inputs, activations, Y[:, batch])"]
        out += "\n\ndef cost_and_gradients(Wbs, X, Y, batch):\n" + _docstring(
            f"The cost {J} on all the training points and {words} of that pass's output ŷ, and the gradient "
            f"estimated by backprop on one mini-batch only (the columns `batch` of X and Y): stochastic gradient "
            f"descent.") + _lines(batch_rows + add_penalty + ["return J, grads, score"], "    ")
    if s.n_test:
        out += f"\n\ndef test_cost_and_{score}(Wbs, X, Y):\n" + _docstring(
            f"The data cost and {words} on the held-out test points: a forward pass only, no penalty.") + _lines(
            ["inputs, zs, activations = forward(Wbs, X)", f"return cost({cost_of}, Y), {score}(activations[-1], Y)"],
            "    ")
    out += "\n\n" + kernel_source(divergence_reason) + "\n\n" + _code('''
        def diverged(J, J_start, Wbs, iteration):
            """A reason in plain words if the run has diverged (the rule above, then the weights), else None."""
            reason = divergence_reason(J, J_start, iteration)
            if reason is None and not all(np.isfinite(Wb[:-1]).all() for Wb in Wbs):  # gdlab skips the biases
                reason = f"a weight became infinite or NaN at iteration {iteration}. Try a smaller learning rate α."
            return reason
        ''')
    tests = s.convergence_tests
    if tests:
        out += "\n\n" + kernel_source(convergence_reason)
        if "grad_tolerance" in tests:
            out += "\n\n" + _code('''
                def gradient_norm(grads):
                    """‖∂J/∂w‖, the length of the gradient over all weights and biases: each layer's length
                    first, then the length of those, as gdlab adds it up."""
                    layer_norms = []
                    for g in grads:
                        gW, gb = g[:-1].ravel(), g[-1]              # ∂J/∂W_l and ∂J/∂b_l
                        layer_norms.append(math.sqrt(float(np.dot(gW, gW)) + float(np.dot(gb, gb))))
                    layer_norms = np.array(layer_norms)
                    return math.sqrt(float(np.dot(layer_norms, layer_norms)))
                ''')
        if "tolerance" in tests:
            out += "\n\n" + _code('''
                def step_and_weight_norms(Wbs, Wbs_before):
                    """‖Δw‖, the length of the last step, and ‖w‖, the length of the weights, over every weight
                    and bias: each layer's sum of squares, added up layer by layer, as gdlab adds them."""
                    step = sum(float(np.sum((Wb - before) ** 2)) for Wb, before in zip(Wbs, Wbs_before))
                    size = sum(float(np.sum(Wb ** 2)) for Wb in Wbs)
                    return math.sqrt(step), math.sqrt(size)         # ‖Δw‖ = √Σ (Δw)²,  ‖w‖ = √Σ w²
                ''')
        grad_norm, grad_tolerance = ("gradient_norm(grads)", "GRAD_TOLERANCE") if "grad_tolerance" in tests else (
            "0.0", "0.0")
        if "tolerance" in tests:
            body = _comment(
                "J has stopped falling when it changed by at most TOLERANCE, relative: |ΔJ| ≤ tol·max(1, |J|). "
                "That alone is not convergence: a step can jump across the minimum to a point of the same cost "
                "(α = 1/L exactly on a parabola gives ΔJ = 0 at every step). So the weights must have stopped "
                "moving too: the last step ‖Δw‖ ≤ √tol·max(1, ‖w‖).") + _code('''
                step = size = math.inf                              # ‖Δw‖ and ‖w‖: needed once J stops falling
                if abs(J_previous - J) <= TOLERANCE * max(1.0, abs(J)):
                    step, size = step_and_weight_norms(Wbs, Wbs_before)
                return convergence_reason(J, J_previous, $grad_norm, iteration, step, size, $grad_tolerance, TOLERANCE)
                ''', grad_norm=grad_norm, grad_tolerance=grad_tolerance)
        else:
            body = _code('''
                return convergence_reason(J, J_previous, $grad_norm, iteration, math.inf, math.inf, $grad_tolerance,
                                          0.0)
                ''', grad_norm=grad_norm, grad_tolerance=grad_tolerance)
        weights = ", Wbs, Wbs_before" if "tolerance" in tests else ""
        out += (f"\n\ndef converged(J, J_previous, grads{weights}, iteration):\n"
                '    """A reason in plain words if the run has converged (the rule above), else None."""\n'
                + textwrap.indent(body, "    "))
    out += "\n\n" + _train_function(s)
    return out


def _train_function(s: Spec) -> str:
    v = s.values
    lr = "learning_rate(iteration - 1)" if v["schedule"] != "constant" else "ALPHA"
    alpha = "α_t" if v["schedule"] != "constant" else "α"
    step = f"update(Wbs, grads, states, {lr}, iteration)"
    batch = "" if s.full_batch else ", next(batches)"
    m = s.metric
    score, words = s.metric_function, "the R²" if s.regression else "the accuracy"
    test = f"test_cost_and_{score}(Wbs, X_test, Y_test)"
    rows: list[tuple[str, str] | str] = ["X_train, Y_train = load(TRAIN_POINTS)"]
    if s.n_test:
        rows.append("X_test, Y_test = load(TEST_POINTS)")
    rows.append("Wbs = initial_weights()")
    rows.append("states = optimizer_state(Wbs)")
    if not s.full_batch:
        rows.append("batches = mini_batches(X_train.shape[1], BATCH_SIZE, np.random.default_rng(SHUFFLE_SEED))")
    rows.append(f"J, grads, train_{m} = cost_and_gradients(Wbs, X_train, Y_train{batch})")
    rows.append(f"J_test, test_{m} = {test}" if s.n_test else
                (f"J_test = test_{m} = math.nan", "no test points: nan"))
    rows += [(f"history = [(0, J, J_test, train_{m}, test_{m}, 0.0)]", "row 0: the initial weights, epoch 0"),
             "J_start = J",
             ("for iteration in range(1, max_iterations + 1):", "iteration t = 1, 2, …: one update each")]
    if "tolerance" in s.convergence_tests:
        rows.append(("    Wbs_before = [Wb.copy() for Wb in Wbs]", "the weights before the step, for ‖Δw‖"))
    rows.append((f"    {step}", f"w ← w − {alpha}·g, by the optimiser's rule" if s.values["optimizer"] != "sgd"
                 else f"w ← w − {alpha}·∂J/∂w"))
    if s.convergence_tests:
        rows.append("    J_previous = J")
    rows.append((f"    J, grads, train_{m} = cost_and_gradients(Wbs, X_train, Y_train{batch})",
                 "backprop at the new weights"))
    if s.n_test:
        rows.append((f"    J_test, test_{m} = {test}", "the test points: a forward pass"))
    if s.full_batch:
        rows.append(("    epoch = float(iteration)", "full batch: each iteration is one pass (epoch)"))
    else:
        rows.append(("    epoch = iteration * BATCH_SIZE / X_train.shape[1]", "passes over the training points"))
    rows += [f"    history.append((iteration, J, J_test, train_{m}, test_{m}, epoch))",
             "    reason = diverged(J, J_start, Wbs, iteration)",
             "    if reason is not None:",
             '        return history, "diverged", iteration, reason']
    if s.convergence_tests:
        weights = ", Wbs, Wbs_before" if "tolerance" in s.convergence_tests else ""
        rows += [f"    reason = converged(J, J_previous, grads{weights}, iteration)",
                 "    if reason is not None:",
                 '        return history, "converged", iteration, reason']
    elif not s.full_batch:
        rows.append("    # (gdlab tests mini-batch runs for divergence only: their gradient never settles at 0)")
    rows.append('return history, "max_iterations", max_iterations, f"reached the iteration limit ({max_iterations})."')
    epoch = ("an epoch is one pass over the training points; with full batches every iteration is one" if s.full_batch
             else "an epoch is one pass over the training points: iteration × batch / n")
    return ("def train(max_iterations):\n"
            '    """Gradient descent: backprop computes ∂J/∂w, the optimiser uses it, again and again until\n'
            "    the run converges, diverges or reaches max_iterations.\n\n"
            + _fill(f"Returns the history, rows (iteration, J on the training points, J on the test points, {words} "
                    f"on both, epoch) with row k taken after k updates ({epoch}), and how the run ended: status, "
                    f"iteration and reason.") + "\n"
            '    """\n' + _lines(rows, "    "))

