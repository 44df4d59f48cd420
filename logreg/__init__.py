"""Logistic regression by gradient descent, in NumPy, written to be read.

    from logreg import make_synthetic, train
    data = make_synthetic(n=1000, true_w=(2.0, -3.0), bias=0.5, seed=0)
    for s in train(data.X, data.y, learning_rate=0.1, epochs=100, init="zeros"):
        print(s.epoch, s.w, s.b, s.loss)

`import logreg` needs NumPy only; `logreg.tabular` (CSV files) also uses pandas.
"""

from .analysis import (
    Landscape,
    Optimum,
    angle_degrees,
    landscape,
    landscape_box,
    lipschitz,
    loss_grid,
    max_stable_learning_rate,
    optimum,
    point_contributions,
)
from .curvature import hessian, sharpness, sharpness_along, sharpness_at_minimum
from .data import Dataset, make_synthetic, split
from .family import Family, FamilyPass, train_family
from .lesson import Lane, learning_rate_note, race_rates
from .model import accuracy, gradients, logits, loss, loss_from_logits, predict, sigmoid
from .optimizers import HessianVanished, NoFiniteMinimum, Optimizer, adam, gradient_descent, newton, sgd
from .train import Snapshot, compare, first_epoch_below, initial_parameters, step, train
from .verdict import Verdict, verdict

__all__ = [
    "Dataset",
    "Family",
    "FamilyPass",
    "HessianVanished",
    "Landscape",
    "Lane",
    "NoFiniteMinimum",
    "Optimizer",
    "Optimum",
    "Snapshot",
    "Verdict",
    "accuracy",
    "adam",
    "angle_degrees",
    "compare",
    "first_epoch_below",
    "gradient_descent",
    "gradients",
    "hessian",
    "initial_parameters",
    "landscape",
    "landscape_box",
    "learning_rate_note",
    "lipschitz",
    "logits",
    "loss",
    "loss_from_logits",
    "loss_grid",
    "make_synthetic",
    "max_stable_learning_rate",
    "newton",
    "optimum",
    "point_contributions",
    "predict",
    "race_rates",
    "sgd",
    "sharpness",
    "sharpness_along",
    "sharpness_at_minimum",
    "sigmoid",
    "split",
    "step",
    "train",
    "train_family",
    "verdict",
]
