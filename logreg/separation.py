"""Whether the mean log loss has a finite minimum, decided by a certificate checked exactly.

With s_i = 2y_i − 1 ∈ {−1, +1}, x̃_i = [x_i, 1] and the rows a_i = s_i·x̃_i of A (n, d + 1), the loss is
    L(θ) = mean log(1 + e^(−a_i·θ)).
It has no finite minimiser exactly when some direction δ has
    a_i·δ ≥ 0 for every i   and   a_i·δ > 0 for at least one i:
along θ + c·δ no term grows and one keeps falling, for ever, as c → ∞ (a line separates the classes).
Without such a δ, L grows in every direction in which it is not flat, and a minimum exists.
The samples with a_i·δ = 0 lie on the line: with none the separation is strict, with some it is
quasi-complete (common with 0/1 columns).

A candidate δ comes from outside (the path of Newton's method heads off along one); here it is
only checked, in exact rational arithmetic (every float is a fraction), so a certificate that
passes is a proof, whatever rounding went into finding it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

_TOLERANCES = (1e-13, 1e-10, 1e-7, 1e-4)  # relative sizes of a_i·c taken as "on the line" when snapping c


@dataclass(frozen=True, eq=False)
class Separation:
    """A proof that no finite minimum exists: a_i·direction ≥ 0 for all i, > 0 for some.

    direction (d + 1,): the certificate (w, b), scaled by a power of two and rounded to floats.
    ties: how many samples lie exactly on the line a_i·direction = 0 (0: strict separation).
    forced: every one of those lies on every separating line, so `ties` is the fewest any such line has
    (proven: each shares its x with a sample of the other label, whose row is −a_i, so a_i·δ ≥ 0 and
    −a_i·δ ≥ 0 force a_i·δ = 0). False: a line with fewer points on it may exist (0 included).
    """

    direction: np.ndarray
    ties: int
    forced: bool = True


def margin_rows(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A = s·[X, 1], shape (n, d + 1), s = 2y − 1: a_i·θ is sample i's margin under θ = (w, b)."""
    s = 2.0 * np.asarray(y, dtype=float) - 1.0
    return np.column_stack([np.asarray(X, dtype=float), np.ones(len(s))]) * s[:, None]


class CheckCut(Exception):
    """Raised when a check would pass its Allowance: the check stops, having proven nothing."""


@dataclass
class Allowance:
    """How much exact work one search for a certificate may still do, so that its time is bounded.

    rows: rows summed exactly (each a few integer products); tries: directions projected and checked.
    cut: set once a check stopped for want of allowance (the search then proved nothing).
    """

    rows: float = float("inf")
    tries: float = float("inf")
    cut: bool = False

    def spend(self, rows: int = 0, tries: int = 0) -> None:
        if rows > self.rows or tries > self.tries:
            self.cut = True
            raise CheckCut
        self.rows -= rows
        self.tries -= tries


def exact_margins_sign(A: np.ndarray, direction: list[Fraction], allowance: Allowance | None = None) -> np.ndarray:
    """sign(a_i·direction) in exact arithmetic, shape (n,) of −1, 0, +1.

    Most signs are settled in floating point: a product-sum of k terms is within k·2⁻⁵³·(|A|·|δ|)
    of the exact value (plus a few 2⁻¹⁰⁷⁴ where products underflow), so where |a_i·δ| is far
    above that the float sign is the exact sign. The remaining distinct rows are summed exactly in
    integers (`_integer_signs`).
    """
    signs, open_rows = _float_signs(A, direction)
    if open_rows.any():
        signs[open_rows] = _distinct_integer_signs(A[open_rows], direction, allowance)
    return signs


def _float_signs(A: np.ndarray, direction: list[Fraction]) -> tuple[np.ndarray, np.ndarray]:
    """(signs settled in floats, 0 elsewhere; the rows not settled), both shape (n,)."""
    d_float = _to_floats(direction)
    with np.errstate(all="ignore"):  # overflow or underflow only sends rows to the exact sum
        v = A @ d_float
        bound = np.abs(A) @ np.abs(d_float)
        settled = np.abs(v) > 1e-12 * bound + 1e-300
    return np.where(settled, np.sign(v), 0.0), ~settled


def _distinct_integer_signs(rows: np.ndarray, direction: list[Fraction], allowance: Allowance | None) -> np.ndarray:
    """_integer_signs of each distinct row once, spread back to every row, shape (len(rows),)."""
    _, first, inverse = np.unique(_row_keys(rows), return_index=True, return_inverse=True)
    if allowance is not None:
        allowance.spend(rows=len(first))
    return _integer_signs(rows[first], direction)[inverse.reshape(-1)]


def _integer_signs(rows: np.ndarray, direction: list[Fraction]) -> np.ndarray:
    """sign(row·direction) for each row (m, k), exactly, as integers.

    Every float is M·2^e with M an integer of at most 53 bits (np.frexp), and direction = P/q with
    integers P_j and q > 0, so row·direction = (1/q)·Σ_j M_j·P_j·2^(e_j). Multiplying by q and by
    2^(−e₀), e₀ the row's smallest exponent, leaves Σ_j (M_j·P_j) << (e_j − e₀): a sum of Python
    integers, with the same sign, computed a column at a time over all rows (NumPy object arrays).
    """
    q = math.lcm(*(d.denominator for d in direction))
    P = [d.numerator * (q // d.denominator) for d in direction]
    mantissa, exponent = np.frexp(rows)
    M = (mantissa * 2.0**53).astype(np.int64)  # exact: a mantissa has 53 bits, a subnormal's fewer
    e = exponent.astype(np.int64) - 53
    nonzero = M != 0
    e0 = np.where(nonzero, e, np.iinfo(np.int64).max).min(axis=1, initial=np.iinfo(np.int64).max)
    shift = np.where(nonzero, e - np.where(nonzero.any(axis=1), e0, 0)[:, None], 0)
    total = np.zeros(len(rows), dtype=object)
    for j, p in enumerate(P):
        if p:
            total = total + np.left_shift(M[:, j].astype(object) * p, shift[:, j].astype(object))
    return (total > 0).astype(float) - (total < 0).astype(float)


def _to_floats(direction: list[Fraction]) -> np.ndarray:
    """δ·2^(−e) in floats, with 2^e near max|δ_j|: the same direction (every sign kept, as the
    scale is positive and a power of two), whatever the size of the fractions."""
    biggest = max((abs(v) for v in direction), default=Fraction(0))
    if biggest == 0:
        return np.zeros(len(direction))
    e = biggest.numerator.bit_length() - biggest.denominator.bit_length()
    shift = Fraction(1, 2**e) if e >= 0 else Fraction(2 ** (-e))
    return np.array([float(v * shift) for v in direction])


def _null_space(rows: np.ndarray, allowance: Allowance | None = None) -> list[list[Fraction]]:
    """An exact basis of {δ : rows·δ = 0}.

    Gaussian elimination over the rationals on a few rows that look independent in floats (at most
    d + 1 of them), then every row is checked exactly against that basis; a row that is not orthogonal
    to it is independent of the rows taken, so it joins them and the basis is made again (at most
    d + 1 times). The exact work is one integer sum per distinct row and basis vector.
    """
    rows = _distinct_rows(rows)
    taken = _independent_rows(rows)
    while True:
        basis = _rational_null_space(rows[taken])
        outside = next((i for b in basis if (i := _first_nonzero(rows, b, allowance)) is not None), None)
        if outside is None:
            return basis
        taken.append(outside)


def _independent_rows(rows: np.ndarray) -> list[int]:
    """Indices of up to k rows that look linearly independent in floats (pivoted Gram–Schmidt)."""
    with np.errstate(all="ignore"):
        R = rows / np.maximum(np.abs(rows).max(axis=1, initial=0.0), 1e-300)[:, None]  # no overflow in norms
    taken: list[int] = []
    for _ in range(rows.shape[1]):
        norms = np.linalg.norm(R, axis=1)
        i = int(np.argmax(norms)) if len(norms) else 0
        if not len(norms) or not norms[i] > 1e-9:
            break
        q = R[i] / norms[i]
        R = R - np.outer(R @ q, q)
        taken.append(i)
    return taken


def _first_nonzero(rows: np.ndarray, b: list[Fraction], allowance: Allowance | None) -> int | None:
    """The index of a row with row·b ≠ 0 exactly, or None: floats first, integers only where they are unsure."""
    signs, open_rows = _float_signs(rows, b)
    if not signs.any() and open_rows.any():
        signs[open_rows] = _distinct_integer_signs(rows[open_rows], b, allowance)
    nonzero = np.flatnonzero(signs)
    return int(nonzero[0]) if len(nonzero) else None


def _rational_null_space(rows: np.ndarray) -> list[list[Fraction]]:
    """An exact basis of {δ : rows·δ = 0} for a few rows, by Gaussian elimination over the rationals."""
    k = rows.shape[1]
    pivots: dict[int, list[Fraction]] = {}  # pivot column → reduced row with a 1 there
    for row in rows.tolist():
        r = [Fraction(v) for v in row]
        for col, p in pivots.items():
            if r[col]:
                factor = r[col]
                r = [a - factor * b for a, b in zip(r, p)]
        col = next((j for j in range(k) if r[j]), None)
        if col is None:
            continue
        r = [a / r[col] for a in r]
        for c2, p in pivots.items():  # keep the rows reduced in the new pivot column
            if p[col]:
                factor = p[col]
                pivots[c2] = [a - factor * b for a, b in zip(p, r)]
        pivots[col] = r
        if len(pivots) == k:
            return []
    basis = []
    for free in (j for j in range(k) if j not in pivots):
        v = [Fraction(0)] * k
        v[free] = Fraction(1)
        for col, p in pivots.items():
            v[col] = -p[free]
        basis.append(v)
    return basis


@dataclass(frozen=True, eq=False)
class DistinctRows:
    """The distinct rows of A, found once for every check: a repeated row has the same sign every time."""

    rows: np.ndarray  # (u, d + 1)
    counts: np.ndarray  # (u,): how many rows of A each stands for
    opposite: np.ndarray  # (u,) bool: −row is a row too (the same x with both labels, so a·δ = 0 is forced)


def distinct_rows(A: np.ndarray) -> DistinctRows:
    keys = _row_keys(A)
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    U = A[first]
    return DistinctRows(U, counts, np.isin(_row_keys(-U), keys[first]))


def certify_separation(
    A: np.ndarray | DistinctRows, candidates: Iterable[np.ndarray], allowance: Allowance | None = None
) -> Separation | None:
    """The first candidate direction that, made exact, is a certificate; else None.

    A float candidate c is made exact in two ways, each checked exactly (every a_i·δ ≥ 0, one > 0):
    - snapping: the rows with |a_i·c| ≤ tol·max|a·c| are taken as ties and c is projected onto the
      exact null space of those rows, so they become exactly 0 (several tolerances, tight to loose);
    - an active set: start from the rows that must be ties (a sample whose x also appears with the
      other label gives both a and −a, so a·δ = 0), project, and add the rows still on the wrong
      side, a few times over.
    Every check runs on the distinct rows once each. allowance: a bound on the exact work; when it
    runs out the search stops with None and allowance.cut is set (nothing was proven either way).
    """
    rows = A if isinstance(A, DistinctRows) else distinct_rows(np.asarray(A, dtype=float))
    try:
        return _certify(rows, [np.asarray(c, dtype=float) for c in candidates], allowance or Allowance())
    except CheckCut:
        return None


def _certify(rows: DistinctRows, candidates: list[np.ndarray], allowance: Allowance) -> Separation | None:
    U = rows.rows
    usable = []
    for c in _with_repairs(U, candidates):
        if not np.all(np.isfinite(c)) or not np.any(c):
            continue
        with np.errstate(all="ignore"):
            v = U @ c
        scale = float(np.max(np.abs(v)))
        if not (np.isfinite(scale) and scale > 0):
            continue
        usable.append(c)
        for tol in _TOLERANCES:
            if np.any(v < -tol * scale):
                continue
            tied = np.abs(v) <= tol * scale
            signs = _checked(U, _project(U, c, tied, allowance), tied, allowance)
            if signs is not None and np.all(signs[0] >= 0) and np.any(signs[0] > 0):
                return _found(rows, *signs[1:], signs[0], candidates, allowance)
    for c in usable[: len(candidates)]:  # the active sets, from the given candidates only
        active = rows.opposite.copy()
        for _ in range(2 * U.shape[1]):
            signs = _checked(U, _project(U, c, active, allowance), active, allowance)
            if signs is None:
                break
            if np.all(signs[0] >= 0) and np.any(signs[0] > 0):
                return _found(rows, *signs[1:], signs[0], candidates, allowance)
            wrong = signs[0] < 0
            if not wrong.any() or wrong.sum() > 3 * U.shape[1]:
                break
            active |= wrong
    return None


def _checked(
    U: np.ndarray, direction: list[Fraction] | None, zero: np.ndarray, allowance: Allowance
) -> tuple[np.ndarray, list[Fraction]] | None:
    """(signs of U·direction, direction), or None without a direction. The rows in `zero` are 0 by construction.

    When floats already put a row below the line, the unsure rows are not summed exactly (they are left
    at 0): the direction fails anyway, and the signs returned are exact wherever they are not 0.
    """
    if direction is None:
        return None
    signs, open_rows = _float_signs(U, direction)
    signs[zero], open_rows = 0.0, open_rows & ~zero
    if open_rows.any() and not np.any(signs < 0):
        signs[open_rows] = _distinct_integer_signs(U[open_rows], direction, allowance)
    return signs, direction


def _found(
    rows: DistinctRows, direction: list[Fraction], signs: np.ndarray, candidates: list[np.ndarray], allowance: Allowance
) -> Separation:
    if np.any(signs == 0):
        direction, signs = _strict(rows.rows, direction, signs, candidates, allowance)
    if np.any((signs == 0) & ~rows.opposite):
        direction, signs = _fewer_ties(rows, direction, signs, allowance)
    tied = signs == 0
    return Separation(_to_floats(direction), int(rows.counts[tied].sum()), bool(np.all(rows.opposite[tied])))


def _fewer_ties(
    rows: DistinctRows, direction: list[Fraction], signs: np.ndarray, allowance: Allowance
) -> tuple[list[Fraction], np.ndarray]:
    """Try to lift the tied rows that are not forced off the line, keeping the forced ones on it: M·δ + e with
    a_i·e = 0 exactly on the forced rows (a and −a both there) and a_i·e ≈ 1 on the others. Returns the new
    direction and its signs when it checks out exactly with fewer rows on the line, else the certificate."""
    U = rows.rows
    tied = signs == 0
    forced, loose = tied & rows.opposite, tied & ~rows.opposite
    target = np.where(loose, 1.0, 0.0)[tied]
    with np.errstate(all="ignore"):
        e = np.linalg.lstsq(U[tied], target, rcond=None)[0]
        exact = _project(U, e, forced, allowance)
        if exact is None:
            return direction, signs
        along, across = U @ _to_floats(direction), U @ _to_floats(exact)
        positive = signs > 0
        need = -across[positive] / along[positive]
        M = 2.0 * max(float(np.max(need)), 1.0) if need.size else 1.0
    if not np.isfinite(M):
        return direction, signs
    tilted = [Fraction(M) * dj + ej for dj, ej in zip(direction, exact)]
    checked = _checked(U, tilted, forced, allowance)
    if checked is None or np.any(checked[0] < 0) or np.count_nonzero(checked[0] == 0) >= np.count_nonzero(tied):
        return direction, signs
    if not np.any(checked[0] > 0):
        return direction, signs
    return tilted, checked[0]


def _row_keys(M: np.ndarray) -> np.ndarray:
    """Each row as one opaque value, shape (n,), so rows can be compared, sorted and deduplicated at once."""
    M = np.ascontiguousarray(M + 0.0)  # + 0.0 turns −0.0 into 0.0: equal numbers, equal bytes
    return M.view(np.dtype((np.void, M.dtype.itemsize * M.shape[1]))).ravel()


def _distinct_rows(M: np.ndarray) -> np.ndarray:
    """The distinct rows of M, in order of first appearance."""
    first = np.unique(_row_keys(M), return_index=True)[1]
    return M[np.sort(first)]


def _project(U: np.ndarray, c: np.ndarray, tied: np.ndarray, allowance: Allowance) -> list[Fraction] | None:
    """c moved onto {δ : a_i·δ = 0 for the tied rows}, exactly; None when only δ = 0 is there."""
    allowance.spend(tries=1)
    if not tied.any():
        return [Fraction(float(x)) for x in c]
    sv = np.linalg.svd(U[tied], compute_uv=False)
    if len(sv) == U.shape[1] and sv[-1] > 1e-8 * sv[0]:
        return None  # clearly full rank (far beyond rounding): only δ = 0 makes these rows 0
    basis = _null_space(U[tied], allowance)
    if not basis:
        return None
    B = np.array([[float(x) for x in b] for b in basis]).T  # (d + 1, r)
    coef = np.linalg.lstsq(B, c, rcond=None)[0]  # the nearest point of that space, in floats
    return [sum((Fraction(float(cj)) * b[i] for cj, b in zip(coef, basis)), Fraction(0)) for i in range(len(c))]


def _with_repairs(A: np.ndarray, candidates: list[np.ndarray]) -> Iterator[np.ndarray]:
    """The candidates, then for each of the first two a few repaired versions (made only if needed).

    A Newton path on a set with a few points very near the line can leave those few on the wrong
    side for many steps. A repair moves c along e, where a_i·e = 1 on those rows (least squares),
    by an ε that puts them on their side while every other row keeps its sign, as far as floats tell.
    """
    yield from candidates
    for c in candidates[:2]:
        with np.errstate(all="ignore"):
            for _ in range(4):
                v = A @ c
                scale = float(np.max(np.abs(v)))
                bad = v <= 1e-7 * scale
                if not (np.isfinite(scale) and scale > 0) or not bad.any() or bad.sum() > 3 * A.shape[1]:
                    break
                e = np.linalg.lstsq(A[bad], np.ones(int(bad.sum())), rcond=None)[0]
                ve = A @ e
                if np.any(ve[bad] <= 0):
                    break
                lower = max(float(np.max((1e-6 * scale - v[bad]) / ve[bad])), 0.0)
                against = ~bad & (ve < 0)
                upper = float(np.min(v[against] / -ve[against])) if against.any() else np.inf
                if not lower < upper:
                    break
                c = c + (2 * lower if upper == np.inf else lower + (upper - lower) / 2) * e
                yield c


def _strict(
    U: np.ndarray, direction: list[Fraction], signs: np.ndarray, candidates: list[np.ndarray], allowance: Allowance
) -> tuple[list[Fraction], np.ndarray]:
    """Try to tilt a certificate with ties into a strict one: M·δ + c for a candidate c (first the
    least-squares solution of a_i·c = 1 on the ties, then the given candidates).

    Where a_i·δ > 0 a large enough M keeps the sign; the ties need a_i·c > 0. Returns the
    strict direction and its signs when one checks out exactly, else the certificate unchanged.
    """
    d_float = _to_floats(direction)
    tied = signs == 0
    with np.errstate(all="ignore"):
        along = U @ d_float
        lifting = np.linalg.lstsq(U[tied], np.ones(int(tied.sum())), rcond=None)[0]  # a_i·e = 1 on the ties
        for c in [lifting, *candidates]:
            c = np.asarray(c, dtype=float)
            across = U @ c
            if not np.all(np.isfinite(across)) or np.any(across[signs == 0] <= 0):
                continue
            positive = signs > 0
            need = -across[positive] / along[positive]
            M = 2.0 * max(float(np.max(need)), 1.0) if need.size else 1.0
            if not np.isfinite(M):
                continue
            tilted = [Fraction(M) * dj + Fraction(float(cj)) for dj, cj in zip(direction, c)]
            allowance.spend(tries=1)
            tilted_signs = _checked(U, tilted, np.zeros(len(U), bool), allowance)[0]
            if np.all(tilted_signs > 0):
                return tilted, tilted_signs
    return direction, signs
