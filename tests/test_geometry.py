"""logreg.geometry: clipping the model's level lines to the plotted box, logit, marching squares."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg.geometry import PROBABILITY_LEVELS, clip_lines, level_segments, logit
from logreg.model import sigmoid

BOX = (-1.0, 1.0, -2.0, 2.0)  # x_min, x_max, y_min, y_max


def clip_one(w, b, level=0.0, box=BOX) -> np.ndarray:
    seg = clip_lines(np.array([w], float), np.array([b], float), level, box)
    assert seg.shape == (1, 4)
    return seg[0]


def endpoints(seg: np.ndarray) -> list[np.ndarray]:
    return [seg[:2], seg[2:]]


def on_border(p: np.ndarray, box, tol=1e-9) -> bool:
    x, y = p
    inside = box[0] - tol <= x <= box[1] + tol and box[2] - tol <= y <= box[3] + tol
    touches = min(abs(x - box[0]), abs(x - box[1]), abs(y - box[2]), abs(y - box[3])) <= tol
    return inside and touches


def assert_segment_on_line(seg, w, b, level, box, tol=1e-9):
    assert not np.isnan(seg).any()
    for p in endpoints(seg):
        assert on_border(p, box, tol), (p, box)
        assert abs(np.dot(w, p) + b - level) <= tol * (1 + abs(b) + abs(level) + np.abs(w).sum())


# ---------------------------------------------------------------- clip_lines: hand cases
def test_oblique_line_crosses_the_box_between_two_border_points():
    # x + y = 0.5 in the box [-1, 1] × [-2, 2]: enters at x = -1 (y = 1.5), leaves at x = 1 (y = -0.5)
    w, b = np.array([1.0, 1.0]), -0.5
    seg = clip_one(w, b)
    assert_segment_on_line(seg, w, b, 0.0, BOX)
    got = sorted(map(tuple, np.round(endpoints(seg), 12)))
    assert got == [(-1.0, 1.5), (1.0, -0.5)]


def test_steep_line_leaves_through_top_and_bottom():
    w, b = np.array([4.0, 1.0]), 0.0  # y = -4x: crosses y = ±2 at x = ∓0.5
    seg = clip_one(w, b)
    assert_segment_on_line(seg, w, b, 0.0, BOX)
    got = sorted(map(tuple, np.round(endpoints(seg), 12)))
    assert got == [(-0.5, 2.0), (0.5, -2.0)]


@pytest.mark.parametrize("w1, b", [(2.0, 0.6), (-4.0, 1.0), (0.5, 0.0), (1.0, -0.999)])
def test_vertical_line_when_w2_is_zero(w1, b):
    seg = clip_one([w1, 0.0], b)
    x = -b / w1
    np.testing.assert_allclose(seg[[0, 2]], [x, x], atol=1e-12)
    np.testing.assert_allclose(sorted(seg[[1, 3]]), [BOX[2], BOX[3]], atol=1e-12)


@pytest.mark.parametrize("w2, b", [(2.0, 0.6), (-4.0, 1.0), (0.5, 0.0), (1.0, -1.999)])
def test_horizontal_line_when_w1_is_zero(w2, b):
    seg = clip_one([0.0, w2], b)
    y = -b / w2
    np.testing.assert_allclose(seg[[1, 3]], [y, y], atol=1e-12)
    np.testing.assert_allclose(sorted(seg[[0, 2]]), [BOX[0], BOX[1]], atol=1e-12)


@pytest.mark.parametrize("b", [0.0, 1.0, -3.0])
def test_no_direction_when_w_is_zero(b):
    assert np.isnan(clip_one([0.0, 0.0], b)).all()


@pytest.mark.parametrize(
    "w, b",
    [
        ([1.0, 1.0], -10.0),  # x + y = 10: far above right
        ([1.0, 1.0], 10.0),  # far below left
        ([1.0, 0.0], -1.5),  # vertical x = 1.5, right of the box
        ([0.0, 1.0], 2.5),  # horizontal y = -2.5, below the box
        ([0.0, 1.0], -50.0),  # horizontal y = 50
    ],
)
def test_line_missing_the_box_gives_nan(w, b):
    assert np.isnan(clip_one(w, b)).all()


def test_diagonal_through_two_corners():
    box = (0.0, 1.0, 0.0, 1.0)
    w, b = np.array([1.0, -1.0]), 0.0  # x = y
    seg = clip_one(w, b, box=box)
    assert_segment_on_line(seg, w, b, 0.0, box)
    got = sorted(map(tuple, np.round(endpoints(seg), 12)))
    assert got == [(0.0, 0.0), (1.0, 1.0)]


def test_line_touching_only_a_corner_is_nan_or_that_corner():
    box = (0.0, 1.0, 0.0, 1.0)
    seg = clip_one([1.0, 1.0], -2.0, box=box)  # x + y = 2 touches (1, 1) only
    if not np.isnan(seg).all():
        np.testing.assert_allclose(seg, [1.0, 1.0, 1.0, 1.0], atol=1e-9)


@pytest.mark.parametrize("level", [float(v) for v in logit(np.array(PROBABILITY_LEVELS))])
def test_probability_levels_are_parallel_lines_on_the_border(level):
    w, b = np.array([2.0, -3.0]), 0.5
    seg = clip_one(w, b, level=level, box=(-3.0, 3.0, -3.0, 3.0))
    assert_segment_on_line(seg, w, b, level, (-3.0, 3.0, -3.0, 3.0))


def test_many_lines_at_once_match_one_at_a_time():
    rng = np.random.RandomState(1)
    W = rng.randn(50, 2)
    W[::7] = 0.0
    W[3, 1] = 0.0
    B = rng.randn(50) * 2
    together = clip_lines(W, B, 0.3, BOX)
    for i in range(50):
        np.testing.assert_array_equal(together[i], clip_one(W[i], B[i], 0.3))


# ---------------------------------------------------------------- clip_lines: properties
finite = st.floats(-100, 100, allow_nan=False, allow_subnormal=False)


@st.composite
def boxes(draw):
    x0 = draw(st.floats(-50, 50, allow_subnormal=False))
    y0 = draw(st.floats(-50, 50, allow_subnormal=False))
    wx = draw(st.floats(0.01, 100, allow_subnormal=False))
    wy = draw(st.floats(0.01, 100, allow_subnormal=False))
    return (x0, x0 + wx, y0, y0 + wy)


@settings(max_examples=300, deadline=None)
@given(w1=finite, w2=finite, b=st.floats(-500, 500, allow_subnormal=False), level=st.floats(-5, 5), box=boxes())
def test_clipped_points_are_inside_the_box_and_on_the_line(w1, w2, b, level, box):
    w = np.array([w1, w2])
    seg = clip_one(w, b, level, box)
    norm = float(np.hypot(w1, w2))
    size = max(abs(v) for v in box) + 1.0
    corners = np.array([(box[i], box[j]) for i in (0, 1) for j in (2, 3)])
    signed = corners @ w + b - level  # the line's equation at the corners
    if np.isnan(seg).any():
        assert np.isnan(seg).all()
        # nothing returned: no direction, or every corner on the same side (or touching)
        if norm > 0:
            scale = 1e-9 * norm * size + 1e-9 * (abs(b) + abs(level))
            assert (signed >= -scale).all() or (signed <= scale).all()
        return
    assert norm > 0
    tol = 1e-9 * size
    for x, y in endpoints(seg):
        assert box[0] - tol <= x <= box[1] + tol
        assert box[2] - tol <= y <= box[3] + tol
        # distance to the line, not the raw residual: it does not grow with ‖w‖
        assert abs(w1 * x + w2 * y + b - level) / norm <= 1e-9 * (size + (abs(b) + abs(level)) / norm)
        assert on_border(np.array([x, y]), box, tol)


@settings(max_examples=200, deadline=None)
@given(w1=finite, w2=finite, box=boxes(), u=st.floats(0.05, 0.95), v=st.floats(0.05, 0.95))
def test_a_line_through_an_inner_point_is_never_lost(w1, w2, box, u, v):
    """A line through a point well inside the box must be drawn, and pass near that point."""
    w = np.array([w1, w2])
    if np.hypot(w1, w2) < 1e-6:
        return
    p = np.array([box[0] + u * (box[1] - box[0]), box[2] + v * (box[3] - box[2])])
    b = -float(w @ p)
    seg = clip_one(w, b, 0.0, box)
    assert not np.isnan(seg).any()
    a, c = seg[:2], seg[2:]
    # p lies on the segment a–c: |a − p| + |p − c| = |a − c|
    size = max(abs(x) for x in box) + 1.0
    assert np.linalg.norm(a - p) + np.linalg.norm(p - c) <= np.linalg.norm(a - c) + 1e-7 * size


# ---------------------------------------------------------------- logit
@given(st.floats(-30, 30))
def test_logit_inverts_the_sigmoid(z):
    p = float(sigmoid(z))
    # p carries a relative error of a few ulps; near 0 or 1 the logit magnifies it by 1/(p(1 − p))
    assert abs(float(logit(p)) - z) <= 1e-12 + 1e-15 / (p * (1 - p))


@given(st.floats(1e-12, 1 - 1e-12))
def test_sigmoid_inverts_the_logit(p):
    assert math.isclose(float(sigmoid(logit(p))), p, rel_tol=1e-9, abs_tol=1e-15)


def test_logit_known_values_and_arrays():
    np.testing.assert_allclose(
        logit(np.array([0.5, 0.75, 0.25, 0.9])), [0.0, math.log(3), -math.log(3), math.log(9)], atol=1e-15
    )
    with np.errstate(divide="ignore"):
        assert logit(0.0) == -np.inf and logit(1.0) == np.inf
    levels = logit(np.array(PROBABILITY_LEVELS))
    np.testing.assert_allclose(levels, -levels[::-1], atol=1e-15)  # symmetric about p = ½


# ---------------------------------------------------------------- level_segments
def grid(n=41, half=2.0):
    x = np.linspace(-half, half, n)
    y = np.linspace(-half, half * 0.9, n + 6)  # not square, so rows/columns mix-ups show
    X, Y = np.meshgrid(x, y)
    return x, y, X**2 + Y**2


def bilinear(x, y, Z, px, py):
    """Bilinear interpolation of Z at (px, py) on a regular grid."""
    j = np.clip(np.searchsorted(x, px) - 1, 0, len(x) - 2)
    i = np.clip(np.searchsorted(y, py) - 1, 0, len(y) - 2)
    tx = (px - x[j]) / (x[j + 1] - x[j])
    ty = (py - y[i]) / (y[i + 1] - y[i])
    return (
        (1 - tx) * (1 - ty) * Z[i, j]
        + tx * (1 - ty) * Z[i, j + 1]
        + (1 - tx) * ty * Z[i + 1, j]
        + tx * ty * Z[i + 1, j + 1]
    )


@pytest.mark.parametrize("level", [0.3, 1.0, 2.5])
def test_circle_level_sets(level):
    x, y, Z = grid()
    sx, sy = level_segments(x, y, Z, level)
    assert len(sx) == len(sy) and len(sx) % 3 == 0 and len(sx) >= 3 * 20
    assert np.isnan(sx[2::3]).all() and np.isnan(sy[2::3]).all()
    px = np.stack([sx[0::3], sx[1::3]]).ravel()
    py = np.stack([sy[0::3], sy[1::3]]).ravel()
    assert np.isfinite(px).all() and np.isfinite(py).all()
    h = max(np.diff(x).max(), np.diff(y).max())
    # on a cell edge, where the interpolated surface equals the level
    np.testing.assert_allclose(bilinear(x, y, Z, px, py), level, atol=1e-9)
    # and near the true circle: linear interpolation of x² errs by at most h²/4 in Z
    np.testing.assert_allclose(np.hypot(px, py), math.sqrt(level), atol=h * h / (4 * math.sqrt(level)) + 1e-12)
    # every point lies on a grid line
    on_x = np.isclose(px[:, None], x[None, :], atol=1e-12).any(1)
    on_y = np.isclose(py[:, None], y[None, :], atol=1e-12).any(1)
    assert (on_x | on_y).all()
    # the segments go all the way round: every direction has a point within a few cells
    angles = np.sort(np.arctan2(py, px))
    gaps = np.diff(np.concatenate([angles, [angles[0] + 2 * np.pi]]))
    assert gaps.max() < 2 * h / math.sqrt(level)


@pytest.mark.parametrize("level", [-1.0, -1e-9, 8.01, 100.0, np.inf, -np.inf])
def test_no_segments_outside_the_range(level):
    x, y, Z = grid(11)
    assert Z.min() >= 0 and Z.max() <= 8.0
    sx, sy = level_segments(x, y, Z, level)
    assert len(sx) == 0 and len(sy) == 0


def test_level_below_every_value_gives_nothing():
    x, y, Z = grid(11)
    sx, sy = level_segments(x, y, Z + 1.0, 0.5)
    assert sx.size == 0 and sy.size == 0


def test_saddle_cell_gives_two_segments():
    x = np.array([0.0, 1.0])
    y = np.array([0.0, 1.0])
    Z = np.array([[1.0, -1.0], [-1.0, 1.0]])
    sx, sy = level_segments(x, y, Z, 0.0)
    assert len(sx) == 6
    pts = {(round(a, 12), round(b, 12)) for a, b in zip(sx, sy) if not np.isnan(a)}
    assert pts == {(0.5, 0.0), (1.0, 0.5), (0.5, 1.0), (0.0, 0.5)}


def test_straight_level_set_of_a_plane_is_exact():
    x = np.linspace(-1, 1, 9)
    y = np.linspace(-1, 1, 7)
    X, Y = np.meshgrid(x, y)
    Z = 2 * X - 3 * Y + 0.5  # the model's logit: its level sets are straight lines
    sx, sy = level_segments(x, y, Z, 0.2)
    ok = ~np.isnan(sx)
    assert ok.sum() >= 2 * 6
    np.testing.assert_allclose(2 * sx[ok] - 3 * sy[ok] + 0.5, 0.2, atol=1e-12)
