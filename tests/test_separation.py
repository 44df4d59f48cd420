"""logreg.separation: certificates that the loss has no finite minimum, checked in exact arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from logreg.separation import _null_space, certify_separation, exact_margins_sign, margin_rows

# bought only with both: 1 at (1, 1) sometimes, 0 elsewhere; the line x1 + x2 = 2 holds the four (1, 1) points
BOTH_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 1], [1, 1], [0, 1], [1, 0], [1, 1]], dtype=float)
BOTH_Y = np.array([0, 0, 0, 1, 0, 1, 0, 0, 1], dtype=float)


def exact_margins(A: np.ndarray, direction) -> list[Fraction]:
    return [sum((Fraction(float(a)) * Fraction(d) for a, d in zip(row, direction)), Fraction(0)) for row in A]


def test_margin_rows_by_hand():
    A = margin_rows(np.array([[2.0, -1.0], [0.5, 3.0]]), np.array([1.0, 0.0]))
    np.testing.assert_array_equal(A, [[2.0, -1.0, 1.0], [-0.5, -3.0, -1.0]])


@pytest.mark.parametrize("seed", range(6))
def test_exact_margin_signs_match_fractions(seed):
    rng = np.random.RandomState(seed)
    A = rng.randn(200, 3) * [1e-300, 1.0, 1e12]  # ordinary rows over very different scales
    direction = [Fraction(3, 7), Fraction(-1, 3), Fraction(1, 2)]
    t = rng.randint(1, 1000, size=60).astype(float)
    A[:20] = np.column_stack([np.zeros(20), 3 * t[:20], 2 * t[:20]])  # −t + t: exactly on the line
    A[20:40] = np.column_stack([np.zeros(20), 3 * t[20:40], 2 * t[20:40] * (1 + 2.0**-50)])  # a hair above
    A[40:60] = np.column_stack([np.zeros(20), 3 * t[40:60], 2 * t[40:60] * (1 - 2.0**-50)])  # a hair below
    signs = exact_margins_sign(A, direction)
    expected = [(m > 0) - (m < 0) for m in exact_margins(A, direction)]
    assert signs.tolist() == expected
    assert expected[:60] == [0] * 20 + [1] * 20 + [-1] * 20


def test_exact_signs_where_floats_round_the_wrong_way():
    # a·δ = 1 − (1 − 2^-70) = 2^-70 > 0, but δ in floats is (1, 1, 0) and gives 0
    A = np.array([[1.0, -1.0, 0.0]])
    direction = [Fraction(1), Fraction(1) - Fraction(1, 2**70), Fraction(0)]
    assert float(A[0] @ np.array([float(d) for d in direction])) == 0.0
    assert exact_margins(A, direction)[0] == Fraction(1, 2**70)
    assert exact_margins_sign(A, direction).tolist() == [1]


def test_null_space_by_hand():
    basis = _null_space(np.array([[1.0, 1.0, -2.0], [2.0, 2.0, -4.0]]))  # one equation, two free directions
    assert len(basis) == 2
    for b in basis:
        assert b[0] + b[1] - 2 * b[2] == 0
    assert _null_space(np.eye(3)) == []
    (v,) = _null_space(np.array([[1.0, 0.0, 1.0], [0.0, 0.1, 1.0]]))  # 0.1 as the float it is
    assert v[0] + v[2] == 0 and Fraction(0.1) * v[1] + v[2] == 0 and any(v)


def test_certificate_is_a_separating_direction_checked_with_fractions():
    A = margin_rows(BOTH_X, BOTH_Y)
    # a candidate slightly off the true direction (1, 1, −2), as a Newton path would give
    found = certify_separation(A, [np.array([1.0 + 1e-9, 1.0, -2.0 + 3e-9])])
    assert found is not None
    margins = exact_margins(A, found.direction)
    assert all(m >= 0 for m in margins) and any(m > 0 for m in margins)
    assert found.ties == sum(m == 0 for m in margins) == 4


def test_wrong_directions_are_refused_or_repaired_into_true_certificates():
    A = margin_rows(BOTH_X, BOTH_Y)
    # (0, 1) and (1, 0) are on the wrong side of x1 + x2 = 0.5; what comes back, if anything, is a true certificate
    found = certify_separation(A, [np.array([1.0, 1.0, -0.5])])
    if found is not None:
        margins = exact_margins(A, found.direction)
        assert all(m >= 0 for m in margins) and any(m > 0 for m in margins)
    assert certify_separation(A, [np.zeros(3), np.array([np.nan, 1.0, 1.0])]) is None
    # overlapping classes: no direction at all can pass
    rng = np.random.RandomState(0)
    X = rng.randn(100, 2)
    y = (rng.random_sample(100) < 0.5).astype(float)
    assert certify_separation(margin_rows(X, y), list(rng.randn(50, 3))) is None


def test_a_strict_direction_is_found_when_a_tie_is_not_needed():
    # separable strictly by x1 = 0.5; the candidate x1 = 0 puts the points at x1 = 0 on the line
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [-1.0, 2.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0, 0.0])
    A = margin_rows(X, y)
    found = certify_separation(A, [np.array([1.0, 0.0, 0.0]), np.array([1.0, 0.0, -0.5])])
    assert found is not None and found.ties == 0
    assert all(m > 0 for m in exact_margins(A, found.direction))


def test_directions_of_any_size_are_checked_without_overflow():
    A = margin_rows(BOTH_X, BOTH_Y)
    for size in (Fraction(2) ** 2000, Fraction(1, 2**2000)):
        direction = [size, size, -2 * size]  # x1 + x2 = 2, scaled far beyond the floats
        signs = exact_margins_sign(A, direction)
        assert signs.tolist() == [(m > 0) - (m < 0) for m in exact_margins(A, [1, 1, -2])]
