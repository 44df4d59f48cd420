"""Sentences about optimizers run side by side, plain first; every number in them is read off the runs' histories.

reached_sentence({GD: gd_history, MOMENTUM: momentum_history}, 0.35)
== "Momentum reached loss 0.35 at epoch 18; gradient descent needed 61."
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from .formatting import number
from .optimizers import ADAM_B1, ADAM_B2, ADAM_EPS, Optimizer
from .train import Snapshot, first_epoch_below

NAMES = {
    Optimizer.GD: "gradient descent",
    Optimizer.MOMENTUM: "momentum",
    Optimizer.NESTEROV: "Nesterov momentum",
    Optimizer.ADAM: "Adam",
    Optimizer.NEWTON: "Newton's method",
}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _listed(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def reached_sentence(histories: Mapping[Optimizer, Sequence[Snapshot]], loss: float) -> str:
    """Who reached training loss `loss` first, and when the others did (first_epoch_below), fastest first:

    "Momentum reached loss 0.35 at epoch 18; gradient descent needed 61."
    "Newton's method reached loss 0.35 at epoch 3; Adam needed 12 and gradient descent 61."
    Runs that never got there say so with their length: "; gradient descent and Adam did not reach it in 100 epochs."
    Runs reaching it at the same epoch keep the order given.
    """
    if not histories:
        raise ValueError("reached_sentence needs at least one history")
    target = number(loss)
    epochs = {o: first_epoch_below(h, loss) for o, h in histories.items()}
    reached = sorted((o for o in histories if epochs[o] is not None), key=lambda o: epochs[o])
    missed = [o for o in histories if epochs[o] is None]
    lengths = list(dict.fromkeys(histories[o][-1].epoch for o in missed))  # runs of one length said together
    missed_words = [
        f"{_listed([NAMES[o] for o in missed if histories[o][-1].epoch == t])} did not reach it in {t} epochs"
        for t in lengths
    ]
    if not reached:
        return f"No run reached loss {target}: " + "; ".join(missed_words) + "."
    first, others = reached[0], reached[1:]
    parts = [f"{_capital(NAMES[first])} reached loss {target} at epoch {epochs[first]}"]
    if others:
        needed = [f"{NAMES[others[0]]} needed {epochs[others[0]]}"] + [f"{NAMES[o]} {epochs[o]}" for o in others[1:]]
        parts.append(_listed(needed))
    return "; ".join(parts + missed_words) + "."


def target_loss(histories: Iterable[Sequence[Snapshot]]) -> float:
    """The loss a race is judged at: the second lowest last loss of its runs (the lowest with one run), rounded
    up to two significant digits, so that at least two runs reach it and the others are seen to miss it.
    Runs that diverged are left out unless every run did."""
    histories = list(histories)
    if not histories:
        raise ValueError("target_loss needs at least one history")
    kept = [h for h in histories if not h[-1].diverged and math.isfinite(h[-1].loss)] or histories
    lasts = sorted(float(h[-1].loss) for h in kept)
    loss = lasts[1] if len(lasts) > 1 else lasts[0]
    if not math.isfinite(loss) or loss <= 0:
        return loss
    exponent = math.floor(math.log10(loss)) - 1
    return float(f"{math.ceil(loss / 10.0**exponent - 1e-9)}e{exponent}")  # written in decimals: 0.41, not 0.41000…03


def lane_sentence(optimizer: Optimizer, history: Sequence[Snapshot]) -> str:
    """What a run says once it has ended: why it stopped early, or how far its loss went (plus, for Newton's
    method, where it halved its step)."""
    ending = ending_sentence(optimizer, history)
    first, last = history[0], history[-1]
    said = ending or f"Loss {number(first.loss, '.4f')} → {number(last.loss, '.4f')} in {last.epoch} epochs."
    halved = halving_sentence(history) if optimizer is Optimizer.NEWTON else None
    return f"{said} {halved}" if halved else said


def ending_sentence(optimizer: Optimizer, history: Sequence[Snapshot]) -> str | None:
    """Why a run stopped before its last epoch, from its last snapshot's flags; None when nothing stopped it.

    "Newton's method stopped at epoch 38: its Hessian had vanished, as it does when a line separates the classes,
    so there is no finite minimum to reach."
    """
    last = history[-1]
    name = _capital(NAMES[optimizer])
    if last.no_minimum:
        return (
            f"{name} stopped at epoch {last.epoch}: its Hessian had vanished, as it does when a line separates the "
            "classes, so there is no finite minimum to reach."
        )
    if last.diverged:
        return f"{name} stopped at epoch {last.epoch}: its next step would leave the finite numbers (diverged)."
    return None


def halving_sentence(history: Sequence[Snapshot]) -> str | None:
    """Where Newton's method halved its step (Snapshot.halvings), None where it never did:
    "Newton's method halved its step at epoch 1 (3 times)." or "… at epochs 1 (2 times) and 2 (once)."."""
    halved = [s for s in history if s.halvings]
    if not halved:
        return None
    counts = [f"{s.epoch} ({'once' if s.halvings == 1 else f'{s.halvings} times'})" for s in halved]
    return f"Newton's method halved its step at epoch{'s' if len(halved) > 1 else ''} {_listed(counts)}."


def settings_words(optimizer: Optimizer, learning_rate: float, momentum: float = 0.9) -> str:
    """The optimizer and its parameters as they ran: "momentum (β = 0.9), η = 0.1", "Newton's method, η = 1",
    "Adam (β1 = 0.9, β2 = 0.999, ε = 1e-08), η = 0.1"."""
    if optimizer in (Optimizer.MOMENTUM, Optimizer.NESTEROV):
        parameters = f" (β = {number(momentum)})"
    elif optimizer is Optimizer.ADAM:
        parameters = f" (β1 = {ADAM_B1:g}, β2 = {ADAM_B2:g}, ε = {ADAM_EPS:g})"
    else:
        parameters = ""
    return f"{NAMES[optimizer]}{parameters}, η = {number(learning_rate)}"
