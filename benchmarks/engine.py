"""Engine throughput: full-batch gradient descent iterations per second, gdlab vs PyTorch (CPU).

One iteration is a forward pass, backprop and one SGD update on the whole batch:

    gdlab   model.loss_and_gradients(X, Y, loss="mse"); opt.step(model.params, model.gradients)
    torch   opt.zero_grad(); loss = ½·mean_i Σ_k (ŷ_ik − y_ik)²; loss.backward(); opt.step()

both minimising J = 1/(2n) Σ (ŷ − y)², float64, one thread each (BLAS and torch), tanh hidden
layers and a sigmoid output, from the same initial weights on the same random data. Before
timing, one step on each side is compared (J before and after the step, and the updated
weights) to show both compute the same thing.

Each case is timed for --seconds (default 2) after a warm-up, best of --repeats (default 3),
the two engines alternating. Targets (gdlab / torch): 2-8-8-1 on 200 points ≥ 6,
2-16-16-16-1 on 1000 points ≥ 3, 64-128-64-1 on 2000 points ≥ 1.

Prints a table, and as its last line one JSON object:
  {"cases": [{"name", "gdlab_iters_per_s", "torch_iters_per_s", "ratio", "target", "meets_target"}, ...], ...}
(torch numbers, ratio and meets_target are null when torch is not installed).

Run: .venv/bin/python benchmarks/engine.py [--seconds 2] [--repeats 3]
(torch is not a gdlab dependency: install it next to gdlab to get the comparison.)
"""
from __future__ import annotations

import os
import sys

# One BLAS thread, as torch gets one thread: must be set before numpy is first imported.
_NUMPY_ALREADY_IMPORTED = "numpy" in sys.modules
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable, Sequence  # noqa: E402

import numpy as np  # noqa: E402

try:
    import gdlab  # noqa: F401
except ImportError:  # run from a checkout without installing gdlab
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gdlab.core.nn.network import MLP  # noqa: E402
from gdlab.core.optim.optimizers import make_optimizer  # noqa: E402

LEARNING_RATE = 0.1
DATA_SEED = 12345
CHECK_RTOL = 1e-10


@dataclass(frozen=True)
class Case:
    name: str
    layer_sizes: tuple[int, ...]
    n_samples: int
    target: float


CASES = (
    Case("2-8-8-1 x200", (2, 8, 8, 1), 200, 6),
    Case("2-16-16-16-1 x1000", (2, 16, 16, 16, 1), 1000, 3),
    Case("64-128-64-1 x2000", (64, 128, 64, 1), 2000, 1),
)


def make_data(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """X ~ U(−1, 1)^(n×d), Y ∈ {0, 1}^(n×k), from a fixed seed."""
    rng = np.random.default_rng([DATA_SEED, case.n_samples, case.layer_sizes[0]])
    X = rng.uniform(-1.0, 1.0, (case.n_samples, case.layer_sizes[0]))
    Y = (rng.random((case.n_samples, case.layer_sizes[-1])) < 0.5).astype(np.float64)
    return X, Y


def gdlab_model(case: Case) -> MLP:
    return MLP(list(case.layer_sizes), hidden_activation="tanh", output_activation="sigmoid", init="xavier",
               seed=0)


def gdlab_stepper(case: Case, X: np.ndarray, Y: np.ndarray) -> Callable[[], None]:
    model = gdlab_model(case)
    opt = make_optimizer("sgd", lr=LEARNING_RATE)

    def step() -> None:
        model.loss_and_gradients(X, Y, loss="mse")
        opt.step(model.params, model.gradients)  # w <- w − lr · ∂J/∂w

    return step


# -- torch -----------------------------------------------------------------------------------------
def import_torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or parallel work has started
        pass
    return torch


def torch_model(torch: Any, case: Case, like: MLP) -> Any:
    """nn.Sequential(Linear, Tanh, …, Linear, Sigmoid) with the weights of `like` (W_torch = Wᵀ)."""
    nn = torch.nn
    layers: list[Any] = []
    L = len(case.layer_sizes) - 1
    for l, (W, b) in enumerate(zip(like.weights, like.biases)):
        linear = nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers += [linear, nn.Tanh() if l < L - 1 else nn.Sigmoid()]
    return nn.Sequential(*layers)


def torch_loss(model: Any, Xt: Any, Yt: Any) -> Any:
    """J = ½ · mean over samples of Σ_k (ŷ − y)²  = 1/(2n) Σ (ŷ − y)²."""
    return 0.5 * ((model(Xt) - Yt) ** 2).sum(dim=1).mean()


def torch_stepper(torch: Any, case: Case, X: np.ndarray, Y: np.ndarray) -> Callable[[], None]:
    model = torch_model(torch, case, gdlab_model(case))
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)

    def step() -> None:
        opt.zero_grad()
        loss = torch_loss(model, Xt, Yt)
        loss.backward()
        opt.step()

    return step


def check_same_step(torch: Any, case: Case, X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """J before and after one SGD step, and the updated weights, on both engines."""
    model = gdlab_model(case)
    opt = make_optimizer("sgd", lr=LEARNING_RATE)
    tmodel = torch_model(torch, case, model)
    topt = torch.optim.SGD(tmodel.parameters(), lr=LEARNING_RATE)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)

    J0 = model.loss_and_gradients(X, Y, loss="mse")[0]
    opt.step(model.params, model.gradients)
    J1 = model.cost(X, Y, loss="mse")

    topt.zero_grad()
    loss = torch_loss(tmodel, Xt, Yt)
    T0 = float(loss.item())
    loss.backward()
    topt.step()
    with torch.no_grad():
        T1 = float(torch_loss(tmodel, Xt, Yt).item())
    linears = [m for m in tmodel if isinstance(m, torch.nn.Linear)]
    dw = max(max(float(np.abs(W - lin.weight.detach().numpy().T).max()),
                  float(np.abs(b - lin.bias.detach().numpy()).max()))
             for W, b, lin in zip(model.weights, model.biases, linears))
    ok = (math.isclose(J0, T0, rel_tol=CHECK_RTOL) and math.isclose(J1, T1, rel_tol=CHECK_RTOL)
          and dw < 1e-12 and J1 != J0)
    return {"name": case.name, "J0_gdlab": J0, "J0_torch": T0, "J1_gdlab": J1, "J1_torch": T1,
            "max_weight_diff": dw, "ok": ok}


# -- timing ----------------------------------------------------------------------------------------
def _timed(step: Callable[[], None], seconds: float, chunk: int) -> float:
    """Iterations per second over about `seconds`, checking the clock every `chunk` steps."""
    count = 0
    t0 = time.perf_counter()
    deadline = t0 + seconds
    while True:
        for _ in range(chunk):
            step()
        count += chunk
        t = time.perf_counter()
        if t >= deadline:
            return count / (t - t0)


def _warm_up(step: Callable[[], None], seconds: float) -> int:
    """Run for `seconds`; returns a chunk size that takes about 5 ms."""
    t0 = time.perf_counter()
    count = 0
    while count < 10 or time.perf_counter() - t0 < seconds:
        step()
        count += 1
    per_step = (time.perf_counter() - t0) / count
    return max(1, int(0.005 / per_step))


def measure(steppers: dict[str, Callable[[], None]], seconds: float, repeats: int) -> dict[str, float]:
    """Best rate of `repeats` timings per engine, the engines alternating."""
    chunks = {name: _warm_up(step, min(0.5, seconds / 4)) for name, step in steppers.items()}
    best = {name: 0.0 for name in steppers}
    for _ in range(repeats):
        for name, step in steppers.items():
            best[name] = max(best[name], _timed(step, seconds, chunks[name]))
    return best


def _fmt(value: float | None, spec: str = ",.0f") -> str:
    return "—" if value is None else format(value, spec)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timed duration of each repeat (default 2)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats per case; the best counts (default 3)")
    args = parser.parse_args(argv)
    if not args.seconds > 0 or args.repeats < 1:
        parser.error("--seconds must be > 0 and --repeats ≥ 1")

    torch = import_torch()
    print(f"numpy {np.__version__}, BLAS threads limited to 1"
          + (" (warning: numpy was imported before this module, so the limit may not apply)"
             if _NUMPY_ALREADY_IMPORTED else ""))
    if torch is None:
        print("torch is not installed: reporting gdlab only (install torch next to gdlab to compare).")
    else:
        print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")

    checks: list[dict[str, Any]] = []
    if torch is not None:
        print("\nSame computation? One SGD step (lr 0.1) from the same weights on both engines:")
        for case in CASES:
            c = check_same_step(torch, case, *make_data(case))
            checks.append(c)
            print(f"  {case.name:<20} J before {c['J0_gdlab']:.15g} vs {c['J0_torch']:.15g}, "
                  f"after {c['J1_gdlab']:.15g} vs {c['J1_torch']:.15g}, "
                  f"max |Δw| {c['max_weight_diff']:.1e}: {'OK' if c['ok'] else 'MISMATCH'}")
    checks_ok = all(c["ok"] for c in checks)

    print(f"\nIterations per second (full batch, best of {args.repeats} × {args.seconds:g} s):")
    header = f"  {'case':<20} {'gdlab it/s':>12} {'torch it/s':>12} {'ratio':>7} {'target':>7}  ok"
    print(header)
    rows = []
    for case in CASES:
        X, Y = make_data(case)
        steppers = {"gdlab": gdlab_stepper(case, X, Y)}
        if torch is not None:
            steppers["torch"] = torch_stepper(torch, case, X, Y)
        rates = measure(steppers, args.seconds, args.repeats)
        g, t = rates["gdlab"], rates.get("torch")
        ratio = None if t is None else g / t
        meets = None if ratio is None else ratio >= case.target
        rows.append({"name": case.name, "gdlab_iters_per_s": round(g, 1),
                     "torch_iters_per_s": None if t is None else round(t, 1),
                     "ratio": None if ratio is None else round(ratio, 3), "target": case.target,
                     "meets_target": meets})
        ok = "—" if meets is None else ("yes" if meets else "NO")
        print(f"  {case.name:<20} {_fmt(g):>12} {_fmt(t):>12} {_fmt(ratio, '.2f'):>7} "
              f"{'≥' + format(case.target, 'g'):>7}  {ok}", flush=True)

    result: dict[str, Any] = {"cases": rows, "same_computation": checks_ok if torch is not None else None,
                              "torch_version": None if torch is None else torch.__version__,
                              "numpy_version": np.__version__, "seconds": args.seconds, "repeats": args.repeats}
    print(json.dumps(result))
    return 0 if checks_ok else 1


if __name__ == "__main__":
    sys.exit(main())
