"""logreg.separation: certificates that the loss has no finite minimum, checked in exact arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg.separation import (
    Allowance,
    _integer_signs,
    _null_space,
    certify_separation,
    distinct_rows,
    exact_margins_sign,
    margin_rows,
)

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


# --- the exact sums in integers, on distinct rows, within an allowance ------------------------------


def fraction_signs(rows, direction) -> list[int]:
    return [(m > 0) - (m < 0) for m in exact_margins(rows, direction)]


def test_integer_signs_by_hand():
    # 0.1 + 0.2 − 0.3 is not 0 in binary: the exact sum of the three floats is 2⁻⁵⁵
    assert Fraction(0.1) + Fraction(0.2) - Fraction(0.3) == Fraction(1, 2**55)
    rows = np.array([[0.1, 0.2, -0.3], [0.5, 0.25, -0.75], [0.0, 0.0, 0.0], [-0.0, 5e-324, 0.0]])
    assert _integer_signs(rows, [Fraction(1)] * 3).tolist() == [1.0, 0.0, 0.0, 1.0]
    # a direction with a denominator and a huge numerator: 3·(1/3) − 1 = 0 exactly
    direction = [Fraction(1, 3), Fraction(1), Fraction(2**900)]
    assert _integer_signs(np.array([[3.0, -1.0, 0.0]]), direction).tolist() == [0.0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=9, max_size=9),
    st.lists(st.fractions(max_denominator=10**30), min_size=3, max_size=3),
)
def test_integer_signs_equal_fraction_sums(values, direction):
    rows = np.array(values).reshape(3, 3)
    rows[1] = [rows[0, 0], -rows[0, 0], 0.0]  # a row whose terms cancel when δ₀ = δ₁
    assert _integer_signs(rows, direction).tolist() == fraction_signs(rows, direction)


def test_distinct_rows_count_repeats_and_opposites_by_hand():
    A = np.array([[1.0, 2.0, 1.0], [1.0, 2.0, 1.0], [-1.0, -2.0, -1.0], [0.0, -0.0, 1.0], [-0.0, 0.0, 1.0]])
    rows = distinct_rows(A)
    as_lists = {tuple(r): (int(c), bool(o)) for r, c, o in zip(rows.rows.tolist(), rows.counts, rows.opposite)}
    assert as_lists == {(1.0, 2.0, 1.0): (2, True), (-1.0, -2.0, -1.0): (1, True), (0.0, 0.0, 1.0): (2, False)}


def many_ties(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points x2 = −x1 (4 decimals, all distinct) with random labels on the line, the others labelled by side."""
    rng = np.random.RandomState(seed)
    x1 = np.round(rng.randn(n), 4) + np.arange(n) * 1e-4
    x2 = -x1.copy()
    off = rng.random_sample(n) < 0.5
    x2[off] += np.round(rng.randn(int(off.sum())), 4)
    z = x1 + x2
    y = np.where(z > 0, 1.0, np.where(z < 0, 0.0, (rng.random_sample(n) < 0.5) * 1.0))
    return np.column_stack([x1, x2]), y


def test_many_distinct_ties_are_proven_with_one_exact_sum_per_tie():
    X, y = many_ties(20000, 0)
    A = margin_rows(X, y)
    on_line = int(np.sum(X[:, 0] + X[:, 1] == 0))
    allowance = Allowance()
    found = certify_separation(A, [np.array([1.0, 1.0 + 1e-12, 3e-13])], allowance)
    assert found is not None and found.ties == on_line > 5000
    # the same proof within two exact sums per tied point and four directions
    allowance = Allowance(rows=2 * on_line, tries=4)
    again = certify_separation(A, [np.array([1.0, 1.0 + 1e-12, 3e-13])], allowance)
    assert again is not None and again.ties == on_line and not allowance.cut
    # the certificate is true, in fractions, on a sample of the rows
    sample = A[np.random.RandomState(1).choice(len(A), 300, replace=False)]
    margins = exact_margins(sample, [Fraction(v) for v in again.direction])
    assert all(m >= 0 for m in margins)


def test_an_exhausted_allowance_proves_nothing_and_says_so():
    X, y = many_ties(5000, 2)
    A = margin_rows(X, y)
    allowance = Allowance(rows=10, tries=4)  # far fewer exact sums than the tied points need
    assert certify_separation(A, [np.array([1.0, 1.0, 0.0])], allowance) is None
    assert allowance.cut
    assert certify_separation(A, [np.array([1.0, 1.0, 0.0])], Allowance(tries=0)) is None


@pytest.mark.parametrize("seed", range(4))
def test_null_space_of_many_rows_equals_elimination_over_all_of_them(seed):
    rng = np.random.RandomState(seed)
    k = 4
    basis_rows = rng.randint(-3, 4, (2, k)).astype(float) * [1.0, 0.1, 0.5, 1.0]
    rows = rng.randint(-5, 6, (3000, 2)).astype(float) @ basis_rows  # rank 2, all in one plane (floats may differ)
    rows[7] = [0.1, 0.2, 0.3, 0.4] if seed % 2 else rows[7]  # sometimes one row off the plane
    basis = _null_space(rows)
    reference = _elimination_rank(rows)
    assert len(basis) == k - reference
    for b in basis:
        assert all(m == 0 for m in exact_margins(rows, b))


def _elimination_rank(rows: np.ndarray) -> int:
    """The rank of rows, by Gaussian elimination over every row in fractions (slow, obviously exact)."""
    pivots: list[list[Fraction]] = []
    for row in rows.tolist():
        r = [Fraction(v) for v in row]
        for p in pivots:
            col = next(j for j, v in enumerate(p) if v)
            if r[col]:
                f = r[col] / p[col]
                r = [a - f * b for a, b in zip(r, p)]
        if any(r):
            pivots.append(r)
    return len(pivots)
