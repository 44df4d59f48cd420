"""Data sets shared by the tests of several modules."""

from __future__ import annotations

import pytest

from logreg.data import make_synthetic


@pytest.fixture(scope="session")
def logistic():
    """Labels drawn from the model: the classes overlap and the loss has a finite minimum."""
    return make_synthetic(n=1000, seed=3, labels="logistic")


@pytest.fixture(scope="session")
def separable():
    return make_synthetic(n=500, seed=0)  # threshold labels: a line separates them
