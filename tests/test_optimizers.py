"""logreg.optimizers and train(optimizer=…): each update by hand, against optax's formulas worked in a plain loop,
Newton's method against the optimum, and the words about runs side by side."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg import model
from logreg.__main__ import main
from logreg.analysis import optimum
from logreg.data import make_synthetic
from logreg.optimizer_words import (
    NAMES,
    ending_sentence,
    halving_sentence,
    lane_sentence,
    reached_sentence,
    settings_words,
    target_loss,
)
from logreg.optimizers import (
    AdamState,
    HessianVanished,
    NewtonState,
    NoFiniteMinimum,
    Optimizer,
    TraceState,
    adam,
    gradient_descent,
    newton,
    parse_optimizer,
    sgd,
)
from logreg.train import Snapshot, compare, first_epoch_below, train

SIGMA_2 = 0.8807970779778823  # σ(2)
SIGMA_QUARTER = 0.5621765008857981  # σ(0.25)
G1, G2 = np.array([1.0, -2.0, 0.5]), np.array([0.5, 1.0, -1.0])  # two gradients for two hand-worked steps


def two_steps(transformation, g1=G1, g2=G2, theta=None):
    """The two steps an optimizer takes for gradients g1 then g2 (from θ = 0), and its state after them."""
    theta = np.zeros(3) if theta is None else theta
    state = transformation.init(theta)
    step1, state = transformation.update(g1, state, theta)
    step2, state = transformation.update(g2, state, theta + step1)
    return step1, step2, state


def theta_of(s: Snapshot) -> np.ndarray:
    return np.append(s.w, s.b)


# --- each update by hand, two steps -------------------------------------------------------------


def test_gradient_descent_by_hand():
    step1, step2, _ = two_steps(gradient_descent(0.1))
    np.testing.assert_allclose(step1, [-0.1, 0.2, -0.05], rtol=1e-15)
    np.testing.assert_allclose(step2, [-0.05, -0.1, 0.1], rtol=1e-15)


def test_momentum_by_hand():
    # v1 = g1; v2 = g2 + 0.9·g1 = (1.4, −0.8, −0.55); step = −0.1·v
    step1, step2, state = two_steps(sgd(0.1, 0.9))
    np.testing.assert_allclose(step1, [-0.1, 0.2, -0.05], rtol=1e-15)
    np.testing.assert_allclose(step2, [-0.14, 0.08, 0.055], rtol=1e-14)
    np.testing.assert_allclose(state.trace, [1.4, -0.8, -0.55], rtol=1e-15)


def test_nesterov_by_hand():
    # step1 = −0.1·(g1 + 0.9·g1) = −0.19·g1; step2 = −0.1·(g2 + 0.9·(1.4, −0.8, −0.55)) = −0.1·(1.76, 0.28, −1.495)
    step1, step2, state = two_steps(sgd(0.1, 0.9, nesterov=True))
    np.testing.assert_allclose(step1, [-0.19, 0.38, -0.095], rtol=1e-14)
    np.testing.assert_allclose(step2, [-0.176, -0.028, 0.1495], rtol=1e-13)
    np.testing.assert_allclose(state.trace, [1.4, -0.8, -0.55], rtol=1e-15)


def test_adam_by_hand():
    # step 1: m̂ = g, v̂ = g², so −0.1·g/(|g| + ε): about 0.1 against the sign of every coordinate
    # step 2, first coordinate: m = 0.1·0.5 + 0.9·0.1·1 = 0.14, v = 0.001·0.25 + 0.999·0.001·1 = 0.001249,
    # m̂ = 0.14/(1 − 0.81), v̂ = 0.001249/(1 − 0.998001)
    step1, step2, state = two_steps(adam(0.1))
    np.testing.assert_allclose(step1, [-0.1 / (1 + 1e-8), 0.2 / (2 + 1e-8), -0.05 / (0.5 + 1e-8)], rtol=1e-15)
    assert step2[0] == pytest.approx(-0.1 * (0.14 / 0.19) / (math.sqrt(0.001249 / 0.001999) + 1e-8), rel=1e-13)
    assert step2[0] == pytest.approx(-0.093218, abs=1e-6)
    assert state.count == 2
    np.testing.assert_allclose(state.mu, 0.1 * G2 + 0.09 * G1, rtol=1e-15)
    np.testing.assert_allclose(state.nu, 0.001 * G2**2 + 0.000999 * G1**2, rtol=1e-15)


def test_newton_by_hand_on_two_points():
    # x = 0 (y = 0) and x = 1 (y = 1). At θ = 0: g = (−1/4, 0), H = (1/8)·[[1, 1], [1, 2]], H⁻¹g = (−4, 2).
    # At θ1 = (4, −2) both margins are 2: g = (−σ(−2)/2, 0), H = σ(2)σ(−2)/2·[[1, 1], [1, 2]],
    # H⁻¹g = (−2/σ(2), 1/σ(2)).
    X, y = np.array([[0.0], [1.0]]), np.array([0.0, 1.0])
    history = list(train(X, y, learning_rate=1.0, epochs=2, optimizer="newton"))
    np.testing.assert_allclose(theta_of(history[1]), [4.0, -2.0], rtol=1e-14)
    np.testing.assert_allclose(theta_of(history[2]), [4 + 2 / SIGMA_2, -2 - 1 / SIGMA_2], rtol=1e-14)
    assert [s.halvings for s in history] == [0, 0, 0]


def sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def two_point_gradient(w: float) -> np.ndarray:
    """∇ at (w, 0) for x = 0 (y = 0) and x = 1 (y = 1): (−σ(−w)/2, (σ(w) − 1/2)/2)."""
    return np.array([-(1 - sig(w)) / 2, (sig(w) - 0.5) / 2])


def test_each_optimizer_for_two_epochs_on_two_points():
    # g(0) = (−1/4, 0), so every first step moves w only; η = 1, β = 0.5
    X, y = np.array([[0.0], [1.0]]), np.array([0.0, 1.0])
    g1 = np.array([-0.25, 0.0])
    assert np.allclose(two_point_gradient(0.25), [-(1 - SIGMA_QUARTER) / 2, (SIGMA_QUARTER - 0.5) / 2], rtol=1e-15)
    gd1 = -g1  # θ1 = (1/4, 0)
    nesterov1 = -1.5 * g1  # −(g + β·g): θ1 = (3/8, 0)
    expected = {
        "gd": (gd1, gd1 - two_point_gradient(0.25)),
        "momentum": (gd1, gd1 - (two_point_gradient(0.25) + 0.5 * g1)),
        "nesterov": (
            nesterov1,
            nesterov1 - (two_point_gradient(0.375) + 0.5 * (two_point_gradient(0.375) + 0.5 * g1)),
        ),
        # Adam's first step is −η·g/(|g| + ε); the second, with m = (0.1·g2 + 0.09·g1), v = (0.001·g2² + 0.000999·g1²)
        "adam": (
            np.array([1 / (1 + 4e-8), 0.0]),
            np.array([1 / (1 + 4e-8), 0.0])
            - (
                (0.1 * two_point_gradient(1 / (1 + 4e-8)) + 0.09 * g1)
                / 0.19
                / (np.sqrt((0.001 * two_point_gradient(1 / (1 + 4e-8)) ** 2 + 0.000999 * g1**2) / 0.001999) + 1e-8)
            ),
        ),
    }
    for name, (theta1, theta2) in expected.items():
        history = list(train(X, y, learning_rate=1.0, epochs=2, optimizer=name, momentum=0.5))
        np.testing.assert_allclose(theta_of(history[1]), theta1, rtol=1e-15, err_msg=name)
        np.testing.assert_allclose(theta_of(history[2]), theta2, rtol=1e-13, err_msg=name)


def test_extreme_logits_stay_finite_without_warnings():
    # x = −1 (y = 1), x = 1 (y = 0) from w = 800: both margins are −800, the loss 800 and g = (1, 0) exactly
    X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runs = {
            name: list(train(X, y, learning_rate=0.5, epochs=2, init=([800.0], 0.0), optimizer=name))
            for name in ("gd", "momentum", "nesterov", "adam")
        }
    assert runs["gd"][0].loss == 800.0 and runs["gd"][0].gradient_w[0] == 1.0 and runs["gd"][0].gradient_b == 0.0
    assert runs["gd"][1].w[0] == 799.5 and runs["momentum"][1].w[0] == 799.5
    assert runs["nesterov"][1].w[0] == 800.0 - 0.5 * 1.9
    assert runs["adam"][1].w[0] == 800.0 - 0.5 / (1 + 1e-8) and runs["adam"][1].b == 0.0  # 0/(0 + ε) = 0
    for history in runs.values():
        assert all(np.isfinite([s.loss, s.b, *s.w]).all() for s in history)


def test_newton_at_extreme_logits_says_it_cannot_step():
    X, y = np.array([[-1.0], [1.0], [2.0]]), np.array([1.0, 0.0, 1.0])  # no line separates these
    with pytest.raises(HessianVanished, match="wrong side") as caught:
        list(train(X, y, learning_rate=1.0, epochs=3, init=([800.0], 0.0), optimizer="newton"))
    assert not isinstance(caught.value, NoFiniteMinimum)
    # on the right side of a separable pair the same vanishing is a proof: no finite minimum, said at once
    X, y = np.array([[-1.0], [1.0]]), np.array([1.0, 0.0])
    history = list(train(X, y, learning_rate=1.0, epochs=3, init=([-800.0], 0.0), optimizer="newton"))
    assert len(history) == 1 and history[0].no_minimum and not history[0].diverged


# --- against optax's formulas worked in a plain loop ----------------------------------------------


def per_sample_gradient(X, y, theta, l2):
    """∇(mean cross-entropy + (λ/2)‖w‖²) by a loop over the samples, in Python floats."""
    n, d = len(X), len(theta) - 1
    g = [0.0] * (d + 1)
    for i in range(n):
        z = theta[d] + sum(float(X[i][j]) * theta[j] for j in range(d))
        p = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
        for j in range(d):
            g[j] += (p - float(y[i])) * float(X[i][j]) / n
        g[d] += (p - float(y[i])) / n
    return [g[j] + l2 * theta[j] for j in range(d)] + [g[d]]


def reference_run(X, y, name, eta, beta, l2, epochs, batch_size=None, seed=0):
    """θ after each epoch, every update written out from optax's documentation, one coordinate at a time."""
    n, d = X.shape
    theta, v, m, s, t = [0.0] * (d + 1), [0.0] * (d + 1), [0.0] * (d + 1), [0.0] * (d + 1), 0
    rng = np.random.RandomState(seed)
    thetas = [list(theta)]
    for _ in range(epochs):
        batches = (
            [np.arange(n)]
            if batch_size is None
            else np.array_split(rng.permutation(n), range(batch_size, n, batch_size))
        )
        for rows in batches:
            g = per_sample_gradient(X[rows], y[rows], theta, l2)
            t += 1
            for k in range(d + 1):
                if name == "adam":
                    m[k] = 0.1 * g[k] + 0.9 * m[k]
                    s[k] = 0.001 * g[k] ** 2 + 0.999 * s[k]
                    theta[k] -= eta * (m[k] / (1 - 0.9**t)) / (math.sqrt(s[k] / (1 - 0.999**t)) + 1e-8)
                else:
                    v[k] = g[k] + beta * v[k]
                    theta[k] -= eta * (g[k] + beta * v[k] if name == "nesterov" else v[k])
        thetas.append(list(theta))
    return np.array(thetas)


@pytest.mark.parametrize("name", ["momentum", "nesterov", "adam"])
@pytest.mark.parametrize("l2, batch_size", [(0.0, None), (0.05, None), (0.0, 7), (0.05, 16)])
def test_equals_a_loop_of_optaxs_formulas(name, l2, batch_size):
    data = make_synthetic(n=60, true_w=(2.0, -3.0), bias=0.5, seed=4, labels="logistic")
    history = list(
        train(
            data.X,
            data.y,
            learning_rate=0.3,
            epochs=12,
            l2=l2,
            batch_size=batch_size,
            seed=9,
            optimizer=name,
            momentum=0.8,
        )
    )
    expected = reference_run(data.X, data.y, name, 0.3, 0.8, l2, 12, batch_size, seed=9)
    np.testing.assert_allclose(np.array([theta_of(s) for s in history]), expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 40),
    lr=st.floats(0.01, 20.0),
    l2=st.sampled_from([0.0, 0.1]),
    batch_size=st.sampled_from([None, 1, 5]),
    name=st.sampled_from(["momentum", "nesterov"]),
)
def test_with_momentum_zero_both_momentums_are_gradient_descent_bit_for_bit(seed, n, lr, l2, batch_size, name):
    data = make_synthetic(n=n, seed=seed, labels="logistic")
    settings_ = dict(learning_rate=lr, epochs=15, l2=l2, batch_size=batch_size, seed=seed, init="random")
    gd = list(train(data.X, data.y, **settings_))
    other = list(train(data.X, data.y, optimizer=name, momentum=0.0, **settings_))
    assert len(gd) == len(other)
    for a, b in zip(gd, other):
        assert np.array_equal(a.w, b.w) and a.b == b.b and a.loss == b.loss and a.diverged == b.diverged


# --- Newton's method ---------------------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_newton_reaches_the_optimum_in_a_handful_of_steps(logistic, l2):
    history = list(train(logistic.X, logistic.y, learning_rate=1.0, epochs=8, l2=l2, optimizer="newton"))
    best = optimum(logistic.X, logistic.y, l2)
    assert best.exists
    np.testing.assert_allclose(theta_of(history[8]), np.append(best.w, best.b), rtol=0, atol=1e-8)
    assert abs(history[8].objective - best.objective) <= 1e-14
    assert all(b.objective <= a.objective for a, b in zip(history, history[1:]))
    # and against scipy's minimiser of the same objective, an independent method
    from scipy.optimize import minimize

    d = logistic.X.shape[1]
    found = minimize(
        lambda t: model.loss(logistic.X, logistic.y, t[:d], t[d], l2),
        np.zeros(d + 1),
        jac=lambda t: np.append(*model.gradients(logistic.X, logistic.y, t[:d], t[d], l2)),
        method="BFGS",
        options={"gtol": 1e-12},
    )
    np.testing.assert_allclose(theta_of(history[8]), found.x, atol=1e-6)


def test_newtons_step_solves_a_finite_difference_hessian(logistic):
    """H⁻¹g against the Hessian taken as central differences of the gradient."""
    X, y, l2, theta = logistic.X, logistic.y, 0.02, np.array([0.3, -0.4, 0.1])
    d = X.shape[1]

    def grad(t):
        return np.append(*model.gradients(X, y, t[:d], t[d], l2))

    h = 1e-5
    H = np.column_stack([(grad(theta + h * e) - grad(theta - h * e)) / (2 * h) for e in np.eye(d + 1)])
    transformation = newton(X, y, 1.0, l2)
    step, state = transformation.update(grad(theta), transformation.init(theta), theta)
    np.testing.assert_allclose(step, -np.linalg.solve(H, grad(theta)), rtol=1e-7)
    assert state == NewtonState(0, 0)


def test_newtons_halving_is_recorded():
    # from w = 8 the full Newton step overshoots far to the other side: it is halved until the objective falls
    X, y = np.array([[-1.0], [1.0], [2.0]]), np.array([1.0, 0.0, 1.0])
    transformation = newton(X, y)
    theta = np.array([8.0, 0.0])
    g = np.append(*model.gradients(X, y, theta[:1], theta[1]))
    step, state = transformation.update(g, transformation.init(theta), theta)
    assert state.halvings > 0 and state.halved_steps == 1
    full, _ = newton(X, y, learning_rate=2.0**-state.halvings).update(g, NewtonState(), theta)
    np.testing.assert_allclose(step, full, rtol=1e-15)  # the step taken is the full one times 2⁻ʰ
    assert model.loss(X, y, theta[:1] + 2 * step[:1], theta[1] + 2 * step[1]) > model.loss(X, y, theta[:1], theta[1])
    assert model.loss(X, y, theta[:1] + step[:1], theta[1] + step[1]) < model.loss(X, y, theta[:1], theta[1])
    history = list(train(X, y, learning_rate=1.0, epochs=10, init=([8.0], 0.0), optimizer="newton"))
    assert history[1].halvings == state.halvings and history[0].halvings == 0
    assert all(b.objective <= a.objective for a, b in zip(history, history[1:]))
    halved = [s for s in history if s.halvings]
    assert halving_sentence(history).startswith(
        f"Newton's method halved its step at epoch{'s' if len(halved) > 1 else ''} 1 ({state.halvings} times)"
    )


def test_newton_says_it_cannot_finish_on_separable_data(separable):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = list(train(separable.X, separable.y, learning_rate=1.0, epochs=200, optimizer="newton"))
    last = history[-1]
    assert last.no_minimum and not last.diverged and last.epoch < 200
    assert not any(s.no_minimum for s in history[:-1])
    assert all(np.isfinite([s.loss, s.objective, s.b, *s.w, *s.gradient_w]).all() for s in history)
    assert not optimum(separable.X, separable.y).exists  # analysis agrees: no finite minimum
    transformation = newton(separable.X, separable.y)
    theta = theta_of(last)
    with pytest.raises(NoFiniteMinimum, match="no finite minimum"):
        transformation.update(np.append(last.gradient_w, last.gradient_b), transformation.init(theta), theta)
    assert "no finite minimum" in ending_sentence(Optimizer.NEWTON, history)
    # an L2 penalty gives a minimum, and Newton's method finds it
    penalised = list(train(separable.X, separable.y, learning_rate=1.0, epochs=12, l2=0.01, optimizer="newton"))
    best = optimum(separable.X, separable.y, 0.01)
    assert not penalised[-1].no_minimum
    np.testing.assert_allclose(theta_of(penalised[-1]), np.append(best.w, best.b), atol=1e-8)


def test_newton_takes_the_full_batch_only(logistic):
    with pytest.raises(ValueError, match="full batch"):
        train(logistic.X, logistic.y, learning_rate=1.0, epochs=3, batch_size=10, optimizer="newton")


# --- choosing an optimizer ------------------------------------------------------------------------


def test_optimizer_names_and_errors(logistic):
    assert [o.value for o in Optimizer] == ["gd", "momentum", "nesterov", "adam", "newton"]
    assert parse_optimizer("adam") is Optimizer.ADAM and parse_optimizer(Optimizer.GD) is Optimizer.GD
    with pytest.raises(ValueError, match="optimizer must be one of 'gd', .*; got 'sgd'"):
        train(logistic.X, logistic.y, learning_rate=0.1, epochs=3, optimizer="sgd")
    for beta in (-0.1, 1.0, float("nan")):
        with pytest.raises(ValueError, match="momentum must be"):
            train(logistic.X, logistic.y, learning_rate=0.1, epochs=3, optimizer="momentum", momentum=beta)


def test_states_are_new_values_and_inputs_are_untouched():
    theta, g = np.zeros(3), G1.copy()
    for transformation in (sgd(0.1, 0.9), sgd(0.1, 0.9, nesterov=True), adam(0.1)):
        state = transformation.init(theta)
        before = [a.copy() for a in vars(state).values() if isinstance(a, np.ndarray)]
        _, new = transformation.update(g, state, theta)
        assert new is not state and isinstance(new, (TraceState, AdamState))
        assert all(
            np.array_equal(a, b) for a, b in zip(before, [a for a in vars(state).values() if isinstance(a, np.ndarray)])
        )
    assert np.array_equal(g, G1) and np.array_equal(theta, np.zeros(3))


def test_compare_runs_each_optimizer_as_train_does(logistic):
    names = ["gd", "momentum", "adam", "newton"]
    histories = compare(logistic.X, logistic.y, names, learning_rate=0.2, epochs=15, momentum=0.7)
    assert list(histories) == [Optimizer(n) for n in names]
    for optimizer, history in histories.items():
        rate = 1.0 if optimizer is Optimizer.NEWTON else 0.2
        alone = list(train(logistic.X, logistic.y, learning_rate=rate, epochs=15, optimizer=optimizer, momentum=0.7))
        assert [s.loss for s in history] == [s.loss for s in alone]


def test_first_epoch_below():
    history = [
        Snapshot(t, np.zeros(1), 0.0, loss, loss, 0.5, np.zeros(1), 0.0) for t, loss in enumerate([0.7, 0.5, 0.35, 0.2])
    ]
    assert first_epoch_below(history, 0.35) == 2  # at or below
    assert first_epoch_below(history, 0.1) is None
    assert first_epoch_below(history, 0.7) == 0


# --- words ---------------------------------------------------------------------------------------


def fake(losses, halvings=None, **last) -> list[Snapshot]:
    """A history with these losses at epochs 0, 1, …, `last` set on its last snapshot, and Newton's halvings
    at the epochs `halvings` maps to them."""
    halved = halvings or {}
    history = [
        Snapshot(t, np.zeros(1), 0.0, v, v, 0.5, np.zeros(1), 0.0, halvings=halved.get(t, 0))
        for t, v in enumerate(losses)
    ]
    if last:
        history[-1] = Snapshot(len(losses) - 1, np.zeros(1), 0.0, losses[-1], losses[-1], 0.5, np.zeros(1), 0.0, **last)
    return history


def test_reached_sentence_by_hand():
    gd = fake([0.7] * 61 + [0.35])
    momentum = fake([0.7] * 18 + [0.3] * 10)
    assert reached_sentence({Optimizer.GD: gd, Optimizer.MOMENTUM: momentum}, 0.35) == (
        "Momentum reached loss 0.35 at epoch 18; gradient descent needed 61."
    )
    adam_, newton_ = fake([0.7] * 12 + [0.3]), fake([0.7, 0.9])
    assert reached_sentence(
        {Optimizer.GD: gd, Optimizer.ADAM: adam_, Optimizer.MOMENTUM: momentum, Optimizer.NEWTON: newton_}, 0.35
    ) == (
        "Adam reached loss 0.35 at epoch 12; momentum needed 18 and gradient descent 61; "
        "Newton's method did not reach it in 1 epochs."
    )
    assert (
        reached_sentence({Optimizer.NEWTON: newton_}, 0.1)
        == "No run reached loss 0.1: Newton's method did not reach it in 1 epochs."
    )


def test_the_numbers_in_the_sentence_are_the_histories_own(logistic):
    histories = compare(logistic.X, logistic.y, list(Optimizer), learning_rate=0.1, epochs=80)
    for target in (0.6, 0.5, 0.45, 0.01):
        sentence = reached_sentence(histories, target)
        epochs = {o: first_epoch_below(h, target) for o, h in histories.items()}
        reached = sorted((o for o in histories if epochs[o] is not None), key=lambda o: epochs[o])
        missed = list(dict.fromkeys(histories[o][-1].epoch for o in histories if epochs[o] is None))
        numbers = [
            int(x) for x in re.findall(r"\d+(?:\.\d+)?", sentence.replace(f"loss {target:g}", "")) if "." not in x
        ]
        assert numbers == [epochs[o] for o in reached] + missed, sentence
        if reached:
            first = NAMES[reached[0]]
            assert sentence.startswith(
                f"{first[:1].upper()}{first[1:]} reached loss {target:g} at epoch {epochs[reached[0]]}"
            )


def test_ending_and_settings_words():
    assert ending_sentence(Optimizer.ADAM, fake([0.5, 0.4])) is None
    assert ending_sentence(Optimizer.MOMENTUM, fake([0.5, 0.4], diverged=True)).startswith(
        "Momentum stopped at epoch 1:"
    )
    assert ending_sentence(Optimizer.NEWTON, fake([0.5, 0.1], no_minimum=True)).startswith(
        "Newton's method stopped at epoch 1:"
    )
    assert halving_sentence(fake([0.5, 0.4])) is None
    assert settings_words(Optimizer.GD, 0.1) == "gradient descent, η = 0.1"
    assert settings_words(Optimizer.NESTEROV, 0.5, 0.95) == "Nesterov momentum (β = 0.95), η = 0.5"
    assert settings_words(Optimizer.ADAM, 0.01) == "Adam (β1 = 0.9, β2 = 0.999, ε = 1e-08), η = 0.01"
    assert settings_words(Optimizer.NEWTON, 1.0) == "Newton's method, η = 1"


# --- the command line -----------------------------------------------------------------------------


def test_the_command_line_runs_the_optimizer_it_is_given(capsys):
    assert main(["--optimizer", "momentum", "--momentum", "0.5", "--epochs", "20", "--every", "10"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "optimizer: momentum (β = 0.5), η = 0.1" in out
    data = make_synthetic()
    last = list(train(data.X, data.y, learning_rate=0.1, epochs=20, optimizer="momentum", momentum=0.5))[-1]
    row = next(line.split() for line in out if line.split()[:1] == ["20"])
    assert row[1:] == [
        f"{last.loss:.4f}",
        f"{last.accuracy:.3f}",
        f"{last.w[0]:.5f}",
        f"{last.w[1]:.5f}",
        f"{last.b:.5f}",
    ]
    assert not any(line.startswith("verdict:") for line in out)  # the verdicts judge gradient descent's steps


def test_the_command_line_says_gradient_descent_and_newtons_stop(capsys):
    assert main(["--epochs", "5"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == "optimizer: gradient descent, η = 0.1" and out[-1].startswith("verdict: ")
    assert main(["--optimizer", "newton", "--epochs", "100"]) == 0  # seed 004's data: a line separates them
    out = capsys.readouterr().out.splitlines()
    assert "optimizer: Newton's method, η = 1" in out
    assert any(
        line.startswith("stopped: Newton's method stopped at epoch") and "no finite minimum" in line for line in out
    )


def test_the_command_line_refuses_what_cannot_run(capsys):
    assert main(["--optimizer", "newton", "--batch-size", "10"]) == 2
    assert "full batch" in capsys.readouterr().err
    assert main(["--optimizer", "nesterov", "--momentum", "1.5"]) == 2
    assert "momentum must be" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--optimizer", "sgd"])


# the optimizers tab's words: the loss a race is judged at, and what a lane says once it has ended
def test_the_race_is_judged_at_the_second_lowest_last_loss_rounded_up():
    assert target_loss([fake([0.7, 0.3]), fake([0.7, 0.2]), fake([0.7, 0.25])]) == 0.25
    assert math.isclose(target_loss([fake([0.7, 0.1234])]), 0.13)
    assert math.isclose(target_loss([fake([0.7, 0.00123]), fake([0.7, 1e-9])]), 0.0013)
    # a run that diverged is left out of the choice, unless every run did
    assert target_loss([fake([0.7, 9e9], diverged=True), fake([0.7, 0.5]), fake([0.7, 0.4])]) == 0.5
    assert target_loss([fake([0.7, 1e3], diverged=True)]) == 1000.0
    with pytest.raises(ValueError):
        target_loss([])


def test_at_least_two_runs_reach_the_target_and_the_sentence_says_when():
    histories = {Optimizer.GD: fake([0.7, 0.6, 0.5, 0.45]), Optimizer.MOMENTUM: fake([0.7, 0.4, 0.3, 0.2])}
    histories[Optimizer.ADAM] = fake([0.7, 0.5, 0.44, 0.41])
    target = target_loss(histories.values())
    assert target == 0.41
    assert (
        reached_sentence(histories, target)
        == "Momentum reached loss 0.41 at epoch 1; Adam needed 3; gradient descent did not reach it in 3 epochs."
    )


def test_a_lane_says_why_it_stopped_or_how_far_its_loss_went():
    assert lane_sentence(Optimizer.GD, fake([0.693147, 0.5, 0.30127])) == "Loss 0.6931 → 0.3013 in 2 epochs."
    stopped = lane_sentence(Optimizer.NEWTON, fake([0.69, 0.1, 1e-9], no_minimum=True))
    assert stopped.startswith("Newton's method stopped at epoch 2: its Hessian had vanished")
    halved = lane_sentence(Optimizer.NEWTON, fake([0.69, 0.4, 0.3], halvings={1: 2}))
    assert halved == "Loss 0.6900 → 0.3000 in 2 epochs. Newton's method halved its step at epoch 1 (2 times)."
    assert lane_sentence(Optimizer.ADAM, fake([0.69, 5.0, 50.0], diverged=True)).startswith("Adam stopped at epoch 2")
