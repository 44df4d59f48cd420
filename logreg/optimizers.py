"""Optimizers as optax writes them: pure functions, state in, new state out; the caller owns the loop.

Each optimizer is a pair of functions (optax's GradientTransformation),
    init(θ) → state,        update(g, state, θ) → (step, state),
over θ = (w, b) as one vector of d + 1 numbers, bias last, with g the gradient of the objective at θ.
The step is what is added: θ ← θ + step (optax.apply_updates), so for gradient descent step = −η·g.
States are frozen; an update returns new ones and modifies nothing.

    gradient descent   step = −η·g
    momentum           v ← g + β·v,  step = −η·v                 optax.sgd(η, momentum=β)
    Nesterov           v ← g + β·v,  step = −η·(g + β·v)         optax.sgd(η, momentum=β, nesterov=True)
    Adam               optax.adam(η): moments of g and g², bias-corrected, ε added to the square root
    Newton             step = −t·η·H(θ)⁻¹g, t = 1, ½, ¼, … the first that does not raise the objective

Newton's method needs the data (for H and the objective); the others only the gradient.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .model import loss


class Optimizer(enum.Enum):
    """The optimizers `train` runs; the value is the command line's and the link's name."""

    GD = "gd"
    MOMENTUM = "momentum"
    NESTEROV = "nesterov"
    ADAM = "adam"
    NEWTON = "newton"


def parse_optimizer(optimizer: Optimizer | str) -> Optimizer:
    """An Optimizer, or its name ("gd", "momentum", "nesterov", "adam", "newton")."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    try:
        return Optimizer(optimizer)
    except ValueError:
        names = ", ".join(repr(o.value) for o in Optimizer)
        raise ValueError(f"optimizer must be one of {names}; got {optimizer!r}") from None


@dataclass(frozen=True)
class Transformation:
    """optax.GradientTransformation: init(θ) → state and update(g, state, θ) → (step, state)."""

    init: Callable[[np.ndarray], object]
    update: Callable[[np.ndarray, object, np.ndarray], tuple[np.ndarray, object]]


@dataclass(frozen=True)
class EmptyState:
    """Gradient descent remembers nothing."""


@dataclass(frozen=True, eq=False)
class TraceState:
    """Momentum's velocity v, shape (d + 1,) (optax.TraceState)."""

    trace: np.ndarray


@dataclass(frozen=True, eq=False)
class AdamState:
    """Adam's update count t and its moment estimates m, v, shape (d + 1,) each (optax.ScaleByAdamState)."""

    count: int
    mu: np.ndarray
    nu: np.ndarray


@dataclass(frozen=True)
class NewtonState:
    """What Newton's method did: `halvings` of its last step (0: the full step), `halved_steps` so far."""

    halvings: int = 0
    halved_steps: int = 0


class HessianVanished(ValueError):
    """Newton's method cannot take its next step: the Hessian H(θ) has vanished (to below VANISHED·L), so H⁻¹g
    cannot be computed. Every sample's p(1 − p) is then almost 0: each lies far from the line, on its own side or
    (from a far start) some on the wrong side."""


class NoFiniteMinimum(HessianVanished):
    """The Hessian has vanished at a θ that puts every sample strictly on its own side of the line: a line
    separates the classes, so the loss keeps falling towards 0 as ‖w‖ grows and there is no finite minimum."""


def gradient_descent(learning_rate: float) -> Transformation:
    """step = −η·g (optax.sgd(η) without momentum)."""

    def init(theta: np.ndarray) -> EmptyState:
        return EmptyState()

    def update(gradient: np.ndarray, state: EmptyState, theta: np.ndarray) -> tuple[np.ndarray, EmptyState]:
        return -learning_rate * gradient, state

    return Transformation(init, update)


def sgd(learning_rate: float, momentum: float, nesterov: bool = False) -> Transformation:
    """Heavy-ball momentum, or Nesterov's, as optax.sgd(η, momentum=β, nesterov=…) writes them:

        v ← g + β·v   (v = 0 at the start),
        step = −η·v                     (momentum),
        step = −η·(g + β·v), the new v   (Nesterov: the gradient once more, plus β times the new velocity).

    With β = 0, v = g and both are gradient descent, bit for bit.
    """

    def init(theta: np.ndarray) -> TraceState:
        return TraceState(np.zeros_like(theta, dtype=float))

    def update(gradient: np.ndarray, state: TraceState, theta: np.ndarray) -> tuple[np.ndarray, TraceState]:
        trace = gradient + momentum * state.trace
        direction = gradient + momentum * trace if nesterov else trace
        return -learning_rate * direction, TraceState(trace)

    return Transformation(init, update)


ADAM_B1, ADAM_B2, ADAM_EPS = 0.9, 0.999, 1e-8  # optax.adam's defaults, the ones every paper and course uses


def adam(learning_rate: float, b1: float = ADAM_B1, b2: float = ADAM_B2, eps: float = ADAM_EPS) -> Transformation:
    """Adam as optax.adam(η) writes it (eps_root = 0), every operation in optax's order:

        t ← t + 1,
        m ← (1 − β1)·g + β1·m,     v ← (1 − β2)·g² + β2·v        (m = v = 0 at the start),
        m̂ = m / (1 − β1ᵗ),        v̂ = v / (1 − β2ᵗ),
        step = −η · m̂ / (√v̂ + ε).

    The first step is −η·g/(|g| + ε) per coordinate: about η in every direction, whatever the gradient's size.
    """

    def init(theta: np.ndarray) -> AdamState:
        zeros = np.zeros_like(theta, dtype=float)
        return AdamState(0, zeros, zeros)

    def update(gradient: np.ndarray, state: AdamState, theta: np.ndarray) -> tuple[np.ndarray, AdamState]:
        mu = (1 - b1) * gradient + b1 * state.mu
        nu = (1 - b2) * (gradient**2) + b2 * state.nu
        count = state.count + 1
        mu_hat = mu / (1 - b1**count)
        nu_hat = nu / (1 - b2**count)
        return -learning_rate * (mu_hat / (np.sqrt(nu_hat) + eps)), AdamState(count, mu, nu)

    return Transformation(init, update)


VANISHED = 1e-12  # H counts as vanished when its largest curvature is below this fraction of L, the largest possible
MAX_HALVINGS = 60  # past 2⁻⁶⁰ a step is below the rounding of θ: Newton's method then takes no step


def newton(X: np.ndarray, y: np.ndarray, learning_rate: float = 1.0, l2: float = 0.0) -> Transformation:
    """Newton's method on the objective L(θ) = mean cross-entropy + (λ/2)‖w‖² of (X (n, d), y (n,)):

        step = −t·η·H(θ)⁻¹g,    H(θ) = X̃ᵀ diag(p(1 − p)) X̃ / n + λ·diag(1, …, 1, 0)   (curvature.hessian),

    with t the first of 1, ½, ¼, … at which L(θ + step) does not exceed L(θ) by more than rounding. η = 1 is the
    classical method (IRLS), which near the minimum doubles the correct digits every step. The state records the
    halvings. H⁻¹g is a least-squares solution, so a singular H (a feature that repeats another) still gives a step.

    Raises NoFiniteMinimum when H(θ) has vanished: its largest eigenvalue is below VANISHED·L, where L is the
    largest any θ can give (analysis.lipschitz). Only data a line separates get there: the loss falls towards 0
    as ‖w‖ grows, every p(1 − p) with it, and H⁻¹g could no longer be computed.
    """
    from .analysis import ROUNDING, lipschitz  # here, not above: analysis imports train, which imports this module
    from .curvature import hessian

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    d = X.shape[1]
    largest = lipschitz(X, l2)

    def objective(theta: np.ndarray) -> float:
        return loss(X, y, theta[:d], float(theta[d]), l2)

    def init(theta: np.ndarray) -> NewtonState:
        return NewtonState()

    def update(gradient: np.ndarray, state: NewtonState, theta: np.ndarray) -> tuple[np.ndarray, NewtonState]:
        H = hessian(X, None, theta[:d], float(theta[d]), l2)
        sharpest = float(np.linalg.eigvalsh(H)[-1])
        if not sharpest > VANISHED * largest:
            raise _vanished(X, y, theta, sharpest, largest)
        full = -learning_rate * np.linalg.lstsq(H, gradient, rcond=None)[0]
        f = objective(theta)
        t, halvings = 1.0, 0
        while not objective(theta + t * full) <= f + ROUNDING * abs(f):  # NaN counts as a rise
            if halvings == MAX_HALVINGS:
                t = 0.0
                break
            t, halvings = 0.5 * t, halvings + 1
        return t * full, NewtonState(halvings, state.halved_steps + (halvings > 0))

    return Transformation(init, update)


def _vanished(X: np.ndarray, y: np.ndarray, theta: np.ndarray, sharpest: float, largest: float) -> HessianVanished:
    """NoFiniteMinimum when θ separates the classes (every margin (2y − 1)·z > 0), else HessianVanished."""
    vanished = (
        f"Newton's method cannot take its next step: the Hessian has vanished (largest curvature {sharpest:.3g}, "
        f"against {largest:.3g} at most)"
    )
    margins = (2.0 * y - 1.0) * (X @ theta[:-1] + theta[-1])
    if np.all(margins > 0):
        return NoFiniteMinimum(
            f"{vanished}, and its weights put every point on its own side of the line: a line separates the "
            "classes, so the loss keeps falling as the weights grow and there is no finite minimum to reach"
        )
    return HessianVanished(
        f"{vanished} with points far on the wrong side of the line; start nearer w = 0, b = 0 (or use an L2 penalty)"
    )


def transformation(
    optimizer: Optimizer,
    learning_rate: float,
    *,
    momentum: float = 0.9,
    X: np.ndarray | None = None,
    y: np.ndarray | None = None,
    l2: float = 0.0,
) -> Transformation:
    """The optimizer's pair of functions: η for all, β = `momentum` for momentum and Nesterov, the data and λ for
    Newton's method. Adam's own parameters keep optax's defaults."""
    if optimizer is Optimizer.GD:
        return gradient_descent(learning_rate)
    if optimizer is Optimizer.MOMENTUM:
        return sgd(learning_rate, momentum)
    if optimizer is Optimizer.NESTEROV:
        return sgd(learning_rate, momentum, nesterov=True)
    if optimizer is Optimizer.ADAM:
        return adam(learning_rate)
    if X is None or y is None:
        raise ValueError("Newton's method needs the data X and y for its Hessian")
    return newton(X, y, learning_rate, l2)
