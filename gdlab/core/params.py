"""One declaration per experiment parameter.

Each :class:`Param` carries its name, label, default, range, unit and tooltip. From these
declarations gdlab derives the experiment config and its validation (``experiment.py``),
the JSON file format, the command-line flags (``cli.py``) and the GUI forms: a parameter
is described once, here, and nowhere else.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from .data.datasets import CUSTOM, DATASET_NAMES
from .data.features import FEATURE_NAMES
from .data.real_data import REAL_DATASETS
from .io.strict_json import ExperimentError, json_kind
from .nn.activations import ACTIVATION_NAMES
from .optim.optimizer_kernels import OPTIMIZER_RULES
from .optim.schedules import SCHEDULE_NAMES
from .surface.surfaces import SURFACE_NAMES

# Parameter kinds: how a value is typed, validated and edited.
FLOAT, INT, CHOICE, BOOL, INT_LIST, FLOAT_LIST, CHOICE_LIST = (
    "float", "int", "choice", "bool", "int_list", "float_list", "choice_list")

# Experiment kinds and the parameter groups each one uses.
NETWORK, SURFACE = "network", "surface"
GROUPS = {
    NETWORK: ("data", "network", "training", "playback"),
    SURFACE: ("surface", "training", "playback"),
}
ALL_GROUPS = ("data", "network", "surface", "training", "playback")
# Groups that only say how the window shows a run: `gdlab run`, `export` and `export-code` ignore
# them (no flag), and the same experiment trains the same whatever their values.
DISPLAY_GROUPS = frozenset({"playback"})


class Registered(Sequence[str]):
    """The names in a registry as they are when read: the choices of a parameter whose values are
    registered, so a rule added by ``register_optimizer`` is a choice at once and a removed one is
    refused again."""

    def __init__(self, registry: Mapping[str, Any]):
        self._registry = registry

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return tuple(self._registry)[index]

    def __len__(self) -> int:
        return len(self._registry)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._registry))

    def __contains__(self, name: object) -> bool:
        return name in self._registry

    def __repr__(self) -> str:
        return f"Registered{tuple(self)!r}"


@dataclass(frozen=True)
class Param:
    """Declaration of one experiment parameter.

    ``minimum``/``maximum`` bound numbers (and each element of a list); ``min_len``/``max_len``
    bound list lengths; ``choices`` are fixed, or :class:`Registered` (a registry's names when read);
    ``log`` says the value spans decades (a logarithmic slider in the GUI).

    What the parameter does beyond its value is declared here too, and everything else derives
    from it: ``live`` (a running training takes a change at its next step, without a restart:
    :data:`LIVE_PARAMS`), ``forkable`` (a twin run may change it: :data:`FORKABLE`), ``run_level``
    (set per run in a surface race), ``kinds`` (the experiment kinds it applies to, if not every
    kind its group is in) and ``group_by`` (pymeasure's idea: it matters only while each named
    parameter has a value in the given tuple, or one the given function accepts: :func:`is_relevant`)
    and ``optimizer_keyword`` (the hyperparameter of ``make_optimizer`` it sets, for every optimiser
    that takes that keyword: :func:`optimizer_hyper`).
    """

    name: str
    group: str
    kind: str
    label: str
    default: Any
    tooltip: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: Sequence[str] = ()
    log: bool = False
    min_len: int = 0
    max_len: int = 64
    run_level: bool = False  # may be set per run in a surface race
    live: bool = False
    forkable: bool = False
    kinds: tuple[str, ...] = ()
    optimizer_keyword: str = ""  # the keyword of make_optimizer it is passed as (torch's name)
    group_by: Mapping[str, tuple[Any, ...] | Callable[[Any], bool]] = field(default_factory=dict, hash=False)

    def relevant(self, values: Mapping[str, Any], kind: str = NETWORK) -> bool:
        """Whether this parameter has any effect given the other ``values`` (forms hide the rest)."""
        if self.group not in GROUPS[kind] or (self.kinds and kind not in self.kinds):
            return False
        for name, condition in self.group_by.items():
            value = values.get(name, PARAMS_BY_NAME[name].default)
            if not (condition(value) if callable(condition) else value in condition):
                return False
        return True

    @property
    def flag(self) -> str:
        """The command-line flag, e.g. ``--learning-rate``."""
        return "--" + self.name.replace("_", "-")

    def describe_range(self) -> str:
        """The allowed values in words, for error messages and tooltips."""
        if self.kind in (CHOICE, CHOICE_LIST):
            return "one of " + ", ".join(self.choices)
        if self.kind == BOOL:
            return "true or false"
        lo = "-inf" if self.minimum is None else f"{self.minimum:g}"
        hi = "inf" if self.maximum is None else f"{self.maximum:g}"
        what = "a whole number" if self.kind in (INT, INT_LIST) else "a number"
        return f"{what} from {lo} to {hi}"

    def clamp(self, value: float) -> float:
        """``value`` moved into [minimum, maximum] (a bound that is None does not bound)."""
        if self.minimum is not None:
            value = max(value, self.minimum)
        return value if self.maximum is None else min(value, self.maximum)

    def validate(self, value: Any, field: str | None = None) -> Any:
        """Return ``value`` normalised to this parameter's type, or raise :class:`ExperimentError`."""
        where = field or self.name
        if self.kind in (INT_LIST, FLOAT_LIST, CHOICE_LIST):
            if not isinstance(value, (list, tuple)):
                raise ExperimentError(where, f"expected a list of {self._element_words()}, got {json_kind(value)}")
            if not self.min_len <= len(value) <= self.max_len:
                raise ExperimentError(where, f"expected {self.min_len} to {self.max_len} entries, got {len(value)}")
            items = [self._validate_scalar(v, f"{where}[{i}]") for i, v in enumerate(value)]
            if self.kind == CHOICE_LIST and len(set(items)) != len(items):
                raise ExperimentError(where, "entries must not repeat")
            return items
        return self._validate_scalar(value, where)

    def _element_words(self) -> str:
        return {INT_LIST: "whole numbers", FLOAT_LIST: "numbers", CHOICE_LIST: "names"}[self.kind]

    def _validate_scalar(self, value: Any, where: str) -> Any:
        kind = {INT_LIST: INT, FLOAT_LIST: FLOAT, CHOICE_LIST: CHOICE}.get(self.kind, self.kind)
        if kind == BOOL:
            if not isinstance(value, bool):
                raise ExperimentError(where, f"expected true or false, got {json_kind(value)}")
            return value
        if kind == CHOICE:
            if not isinstance(value, str) or value not in self.choices:
                raise ExperimentError(where, f"{value!r} is not allowed; expected {self.describe_range()}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExperimentError(where, f"expected {self.describe_range()}, got {json_kind(value)}")
        if kind == INT:
            if isinstance(value, float):
                if not value.is_integer():
                    raise ExperimentError(where, f"expected a whole number, got {value!r}")
                value = int(value)
        else:
            try:
                value = float(value)
            except OverflowError:  # a whole number beyond the float range (JSON allows any length)
                raise ExperimentError(where, f"the number is too large; expected {self.describe_range()}") from None
            if not math.isfinite(value):
                raise ExperimentError(where, f"{value!r} is not a finite number; expected {self.describe_range()}")
        if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum):
            raise ExperimentError(where, f"{value!r} is out of range; expected {self.describe_range()}")
        return value


_P = Param
PARAMS: tuple[Param, ...] = (
    # -- data ---------------------------------------------------------------------------
    _P("dataset", "data", CHOICE, "Dataset", "xor",
       "The points the network learns from: a classification pattern, a regression curve, real data "
       "(digits: 8×8 handwritten digits; iris: flowers), or custom: your own points, imported from a CSV file "
       "or drawn.",
       choices=DATASET_NAMES + (CUSTOM,)),
    _P("n_samples", "data", INT, "Samples", 200,
       "How many data points are generated (real data: how many of its rows are used, at most all); "
       "n in the cost J = 1/n · Σ loss.",
       unit="points", minimum=4, maximum=100_000, log=True,
       group_by={"dataset": lambda d: d != CUSTOM}),
    _P("noise", "data", FLOAT, "Noise", 0.1,
       "Standard deviation of the random jitter added to the data; more noise makes the pattern harder to fit.",
       minimum=0.0, maximum=5.0, group_by={"dataset": lambda d: d != CUSTOM and d not in REAL_DATASETS}),
    _P("test_fraction", "data", FLOAT, "Test fraction", 0.2,
       "Share of the points held out as a test set, never used for the gradient; its cost shows generalisation.",
       minimum=0.0, maximum=0.9),
    _P("data_seed", "data", INT, "Data seed", 0,
       "Seed of the random generator that draws the data; the same seed gives the same points.",
       minimum=0, maximum=2**31 - 1),
    _P("features", "data", CHOICE_LIST, "Input features", ["x"],
       "Inputs fed to the network: the raw coordinates x, and optionally x², x₁x₂ and sin x.",
       choices=FEATURE_NAMES, min_len=1, max_len=len(FEATURE_NAMES)),
    # -- network ------------------------------------------------------------------------
    _P("hidden_layers", "network", INT_LIST, "Hidden layers", [4],
       "Neurons in each hidden layer, input side first; an empty list is a model with no hidden layer.",
       unit="neurons", minimum=1, maximum=256, min_len=0, max_len=16),
    _P("hidden_activation", "network", CHOICE, "Hidden activation", "tanh",
       "The non-linearity f in a = f(z) for every hidden neuron; its slope f′(z) scales δ in backprop.",
       choices=ACTIVATION_NAMES, forkable=True),
    _P("output_activation", "network", CHOICE, "Output activation", "auto",
       "The output non-linearity; auto picks sigmoid for two classes, softmax for more, linear for regression.",
       choices=("auto",) + ACTIVATION_NAMES),
    _P("loss", "network", CHOICE, "Loss", "auto",
       "The cost J being minimised; auto picks bce for two classes, cross-entropy for more, mse for regression.",
       choices=("auto", "mse", "bce", "cross_entropy")),
    _P("init", "network", CHOICE, "Initialisation", "xavier",
       "How the initial weights are drawn at random: xavier, he, normal(σ) or all zeros (which never breaks symmetry).",
       choices=("xavier", "he", "normal", "zeros")),
    _P("init_scale", "network", FLOAT, "Init σ", 0.1,
       "Standard deviation σ of the initial weights when the initialisation is normal.",
       minimum=1e-6, maximum=100.0, log=True, group_by={"init": ("normal",)}),
    _P("seed", "network", INT, "Weight seed", 0,
       "Seed of the random initial weights; the same seed gives the same starting point.",
       minimum=0, maximum=2**31 - 1),
    _P("regularization", "network", CHOICE, "Regularisation", "none",
       "A penalty on large weights added to J: l2 adds (λ/2)·Σw², l1 adds λ·Σ|w|.",
       choices=("none", "l1", "l2"), forkable=True),
    _P("reg_rate", "network", FLOAT, "Regularisation λ", 0.001,
       "The strength λ of the weight penalty; its gradient λw (l2) or λ·sign(w) (l1) is added to ∂J/∂w.",
       minimum=0.0, maximum=10.0, forkable=True, group_by={"regularization": ("l1", "l2")}),
    # -- surface ------------------------------------------------------------------------
    _P("surface", "surface", CHOICE, "Cost surface", "parabola",
       "An analytic cost function J(w) of one or two weights, to watch gradient descent move across it.",
       choices=SURFACE_NAMES),
    _P("start", "surface", FLOAT_LIST, "Start point", [],
       "The initial weights w₀ where every run starts; empty means the surface's own default start.",
       minimum=-1e6, maximum=1e6, min_len=0, max_len=2),
    # -- training -----------------------------------------------------------------------
    _P("optimizer", "training", CHOICE, "Optimiser", "sgd",
       "The rule that turns the gradient into a step: plain gradient descent, momentum, nesterov, adagrad, "
       "rmsprop or adam.",
       choices=Registered(OPTIMIZER_RULES), run_level=True, live=True, forkable=True),
    _P("learning_rate", "training", FLOAT, "Learning rate α", 0.1,
       "The learning rate α scales each step: w ← w − α·∂J/∂w. Too small is slow; too large overshoots or diverges.",
       minimum=1e-8, maximum=1e4, log=True, run_level=True, live=True, forkable=True),
    _P("momentum", "training", FLOAT, "Momentum μ", 0.9,
       "How much of the previous step carries over (momentum, nesterov): v ← μv + g, w ← w − α·v.",
       minimum=0.0, maximum=0.999, run_level=True,
       live=True, forkable=True, optimizer_keyword="momentum", group_by={"optimizer": ("momentum", "nesterov")}),
    _P("beta1", "training", FLOAT, "Adam β₁", 0.9,
       "Adam's decay rate of the running mean of gradients m ← β₁m + (1−β₁)g.",
       minimum=0.0, maximum=0.9999, run_level=True, live=True, optimizer_keyword="beta1",
       group_by={"optimizer": ("adam",)}),
    _P("beta2", "training", FLOAT, "Adam β₂", 0.999,
       "Adam's decay rate of the running mean of squared gradients v ← β₂v + (1−β₂)g².",
       minimum=0.0, maximum=0.99999, run_level=True, live=True, optimizer_keyword="beta2",
       group_by={"optimizer": ("adam",)}),
    _P("rmsprop_alpha", "training", FLOAT, "RMSprop ρ", 0.99,
       "RMSprop's decay rate of the running mean of squared gradients s ← ρs + (1−ρ)g² (torch calls it alpha).",
       minimum=0.0, maximum=0.99999, run_level=True, live=True, optimizer_keyword="alpha",
       group_by={"optimizer": ("rmsprop",)}),
    _P("schedule", "training", CHOICE, "LR schedule", "constant",
       "How α changes over iterations t: constant, step (×rate every k steps), exponential (α·rate^(t/k)) "
       "or inverse_time (α/(1 + rate·t/k)).",
       choices=SCHEDULE_NAMES, run_level=True, forkable=True),
    _P("decay_rate", "training", FLOAT, "Decay rate", 0.5,
       "The schedule's rate: the factor α is multiplied by every k steps (step, exponential) or the 1/t slope.",
       minimum=1e-6, maximum=10.0, run_level=True, group_by={"schedule": lambda s: s != "constant"}),
    _P("decay_steps", "training", INT, "Decay steps k", 100,
       "The schedule's time scale k in iterations.",
       unit="iterations", minimum=1, maximum=10_000_000, log=True, run_level=True,
       group_by={"schedule": lambda s: s != "constant"}),
    _P("batch_size", "training", INT, "Batch size", 0,
       "Samples per gradient step: 0 uses all of them (full-batch gradient descent), 1 is stochastic "
       "gradient descent, anything between is mini-batch.",
       unit="samples", minimum=0, maximum=100_000, forkable=True, kinds=(NETWORK,)),
    _P("max_iterations", "training", INT, "Max iterations", 1000,
       "Training stops after this many weight updates (iterations).",
       unit="iterations", minimum=1, maximum=100_000_000, log=True, live=True),
    _P("tolerance", "training", FLOAT, "Cost tolerance", 1e-14,
       "Converged when the cost changes by less than this (relative to max(1, |J|)) in one iteration; 0 turns it off.",
       minimum=0.0, maximum=1.0),
    _P("grad_tolerance", "training", FLOAT, "Gradient tolerance", 1e-6,
       "Converged when the gradient's length ‖∂J/∂w‖ falls below this; 0 turns it off.",
       minimum=0.0, maximum=1.0),
    # -- playback (display only) ----------------------------------------------------------
    _P("playback_speed", "playback", FLOAT, "Speed", 0.0,
       "Iterations per second while the window plays the run: 1 to watch every step, 0 as fast as possible. "
       "How the run is shown, not what it computes: gdlab run and gdlab export ignore it.",
       unit="it/s", minimum=0.0, maximum=1e6, live=True),
)

PARAMS_BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
RUN_LEVEL_PARAMS: tuple[str, ...] = tuple(p.name for p in PARAMS if p.run_level)


def params_in(group: str) -> tuple[Param, ...]:
    """The declarations of one group, in declaration order."""
    return tuple(p for p in PARAMS if p.group == group)


def get_param(name: str) -> Param:
    try:
        return PARAMS_BY_NAME[name]
    except KeyError:
        raise ExperimentError(name, "unknown parameter; known: " + ", ".join(PARAMS_BY_NAME)) from None


def is_relevant(name: str, values: Mapping[str, Any], kind: str = NETWORK) -> bool:
    """Whether parameter ``name`` has any effect given the other ``values`` (forms hide the rest):
    its declaration's ``group``, ``kinds`` and ``group_by`` (:meth:`Param.relevant`)."""
    return PARAMS_BY_NAME[name].relevant(values, kind)


# The parameters that are hyperparameters of an optimiser (they declare its keyword).
OPTIMIZER_PARAMS: tuple[str, ...] = tuple(p.name for p in PARAMS if p.optimizer_keyword)


def optimizer_hyper(values: Mapping[str, Any]) -> dict[str, Any]:
    """The hyperparameters ``make_optimizer`` takes for ``values["optimizer"]``: each parameter that
    declares an ``optimizer_keyword`` the optimiser's rule accepts, passed under that keyword."""
    rule = OPTIMIZER_RULES.get(values["optimizer"])
    accepted = rule.defaults if rule is not None else {}
    return {p.optimizer_keyword: values[p.name] for p in PARAMS if p.optimizer_keyword in accepted}


# Parameters whose change a running training can take at the next step, without a restart.
LIVE_PARAMS = frozenset(p.name for p in PARAMS if p.live)
# Parameters a twin run may change (:func:`gdlab.core.run.timeline.fork`).
FORKABLE: tuple[str, ...] = tuple(p.name for p in PARAMS if p.forkable)


def run_params() -> tuple[Param, ...]:
    """The declarations that change what a run computes (every group but the display ones): the
    command-line flags of `gdlab run`, `export` and `export-code`."""
    return tuple(p for p in PARAMS if p.group not in DISPLAY_GROUPS)
