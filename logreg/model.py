"""The logistic model: logits, a stable sigmoid, the cross-entropy loss and its gradients.

Shapes: X is (n, d) features, y is (n,) labels in {0, 1}, w is (d,) weights, b a float bias.
Every loss here is written as a function of the logit z = X·w + b, never of a clipped
probability, so it stays finite and exact for any z a float can hold.
"""

from __future__ import annotations

import numpy as np


def logits(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """z = X·w + b, shape (n,)."""
    return X @ w + b


def sigmoid(z: np.ndarray | float) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(−z)), evaluated without overflow.

    For z ≥ 0 it uses 1 / (1 + e^(−z)); for z < 0 the equal form e^z / (1 + e^z).
    Both only ever exponentiate −|z| ≤ 0, so e^(…) lies in (0, 1].
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def loss_from_logits(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-sample cross-entropy, shape (n,), for labels y in {0, 1}.

    ℓ = −[y·log σ(z) + (1 − y)·log(1 − σ(z))] = −log σ(u) = log(1 + e^(−u)),  u = (2y − 1)·z,
    the margin: positive exactly when the sample is on its own side of the line. Evaluated as
        u ≥ 0:  log1p(e^(−u))            (right side: tiny, every digit kept),
        u < 0:  −u + log1p(e^u)          (wrong side: about |u|),
    that is max(−u, 0) + log1p(e^(−|u|)), which never exponentiates a positive number and never
    subtracts two large numbers. At z = −1000, y = 1 it is exactly 1000; at z = 40, y = 1 it is
    e^(−40) ≈ 4.25e-18 (the form log(1 + e^z) − y·z cancels to 0 there).
    """
    u = (2.0 * np.asarray(y, dtype=float) - 1.0) * np.asarray(z, dtype=float)
    return np.maximum(-u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def loss(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, l2: float = 0.0) -> float:
    """Mean cross-entropy plus the optional L2 penalty (λ/2)·‖w‖² (the bias is not penalised)."""
    data_loss = float(np.mean(loss_from_logits(logits(X, w, b), y)))
    return data_loss + 0.5 * l2 * float(w @ w)


def gradients(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, l2: float = 0.0) -> tuple[np.ndarray, float]:
    """Gradient of `loss`: ∂L/∂w = Xᵀ(σ(z) − y)/n + λ·w (shape (d,)), ∂L/∂b = mean(σ(z) − y).

    The per-sample derivative ∂ℓ/∂z = σ(z) − y: the prediction error.
    """
    residual = sigmoid(logits(X, w, b)) - y  # (n,)
    n = X.shape[0]
    return X.T @ residual / n + l2 * w, float(np.mean(residual))


def predict(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """Class 1 where z > 0 (that is, σ(z) > 0.5), else 0; shape (n,)."""
    return (logits(X, w, b) > 0).astype(float)


def accuracy(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    """Fraction of samples whose predicted class equals the label."""
    return float(np.mean(predict(X, w, b) == y))
