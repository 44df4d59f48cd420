"""The threshold τ on the main chart: the decision line is where p = τ and the points on its wrong side are
ringed, frame by frame; moving τ in the Predictions tab moves them with no rerun of the page."""

from __future__ import annotations

import numpy as np
import pytest

from .test_browser import SCRUB, SHOWN_JS, watch_reruns

TRACE_JS = """(uid) => {
    const gd = document.querySelector('.st-key-animation .lr-chart');
    const t = gd.data.find((d) => d.uid === uid);
    return {x: Array.from(t.x), y: Array.from(t.y), name: t.name};
}"""
RUN_JS = """(k) => {
    const p = window.__lrPlayer, run = p.family.runs[p.rate];
    return {w1: run.w1[k], w2: run.w2[k], b: run.b[k], epoch: run.epoch[k]};
}"""


def show_frame(page, k: int) -> dict:
    page.evaluate(f"() => {{ const s = {SCRUB}; s.value = '{k}'; s.dispatchEvent(new Event('input')); }}")
    page.wait_for_function(f"() => {SHOWN_JS} === {k}", timeout=5_000)
    page.wait_for_timeout(300)  # the animate step that moves the traces
    return page.evaluate(RUN_JS, k)


def expected_wrong(run: dict, level: float) -> int:
    """The shown training points on the wrong side of w·x + b = level, from the page's own (float32) points."""
    from logreg.app.run import synthetic_split
    from logreg.app.settings import Settings

    train = synthetic_split(Settings())[0]
    X = train.X.astype(np.float32).astype(float)
    called = (run["w1"] * X[:, 0] + run["w2"] * X[:, 1] + run["b"]) >= level
    return int(np.count_nonzero(called != (train.y == 1)))


def on_line(trace: dict, run: dict, level: float) -> int:
    """How many ends of the drawn line lie on w·x + b = level (2, or 0 where the line misses the panel)."""
    ends = [(x, y) for x, y in zip(trace["x"], trace["y"]) if x is not None]
    assert len(ends) in (0, 2)
    for x, y in ends:  # the browser rounds the ends to 1e-5
        assert run["w1"] * x + run["w2"] * y + run["b"] == pytest.approx(level, abs=1e-3)
    return len(ends)


def test_the_line_is_where_p_is_tau_and_the_points_it_gets_wrong_are_ringed(app):
    from logreg.geometry import logit

    page = app.open("?autoplay=off&threshold=0.7")
    app.assert_ok(charts=1)
    level = float(logit(0.7))
    drawn = 0
    for k in (0, 3, 20, 100):
        run = show_frame(page, k)
        boundary = page.evaluate(TRACE_JS, "boundary")
        wrong = page.evaluate(TRACE_JS, "wrong at threshold")
        drawn += on_line(boundary, run, level) if k else 0
        assert boundary["name"] == "boundary (p = 0.7)"
        assert len(wrong["x"]) == expected_wrong(run, level), k
    assert drawn >= 2  # the line crossed the panel at some of these epochs
    assert page.page_errors == []


def test_moving_tau_in_the_predictions_tab_moves_the_line_with_no_rerun_of_the_page(app):
    from logreg.geometry import logit

    page = app.open("?autoplay=off&view=Predictions")
    app.assert_ok(charts=1)
    run = show_frame(page, 30)
    assert on_line(page.evaluate(TRACE_JS, "boundary"), run, 0.0) == 2
    watch_reruns(page)
    slider = page.get_by_role("slider", name="threshold τ")
    slider.focus()
    for _ in range(4):  # 0.5 → 0.7
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => new URLSearchParams(location.search).get('threshold') === '0.7'", timeout=20_000)
    page.wait_for_function(
        "() => document.querySelector('.st-key-animation .lr-chart').data.find((d) => d.uid === 'boundary')"
        ".name === 'boundary (p = 0.7)'",
        timeout=20_000,
    )
    page.wait_for_timeout(300)
    assert page.evaluate(f"() => {SHOWN_JS}") == 30  # the frame on screen stays
    legend = page.evaluate(
        "() => [...document.querySelectorAll('.st-key-animation .lr-chart .legendtext')].map((t) => t.textContent)"
    )
    assert "boundary (p = 0.7)" in legend and "boundary (p = 0.5)" not in legend
    assert on_line(page.evaluate(TRACE_JS, "boundary"), run, float(logit(0.7))) == 2
    assert len(page.evaluate(TRACE_JS, "wrong at threshold")["x"]) == expected_wrong(run, float(logit(0.7)))
    # the Predictions fragment reran (its own rerun); the player kept its run: no new figure, no autoplay
    assert page.evaluate("() => window.__lrPlayer.playing") is False
    assert page.page_errors == []


def test_the_predictions_tab_follows_the_players_steps_and_its_eta(app):
    from logreg.app.run import run
    from logreg.app.settings import Settings
    from logreg.metrics import confusion
    from logreg.model import sigmoid

    page = app.open("?autoplay=off&view=Predictions")
    app.assert_ok(charts=1)
    for _ in range(3):
        page.get_by_role("button", name="Step forward", exact=True).click()
    page.wait_for_function(f"() => {SHOWN_JS} === 3", timeout=5_000)
    caption = page.locator("[data-testid='stCaptionContainer']").filter(has_text="a point is called")
    caption.filter(has_text="Epoch 3, η = 0.1:").wait_for(timeout=30_000)
    s = run(Settings()).history[3]
    c = confusion(run(Settings()).train.y, sigmoid(run(Settings()).train.X @ s.w + s.b), 0.5)
    table = page.locator("[data-testid='stTable']").first.inner_text()
    assert f"{c.tp:,} correct (true positives)" in table and f"{c.fp:,} false alarms" in table
    page.locator(".st-key-animation input.lr-eta").focus()
    page.keyboard.press("ArrowRight")  # η 0.1 → 0.2, in the browser: the tab reads that rate's run at epoch 3
    caption.filter(has_text="Epoch 3, η = 0.2:").wait_for(timeout=30_000)
    assert page.evaluate(f"() => {SHOWN_JS}") == 3
    assert page.page_errors == []


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720), (390, 844)])
def test_the_predictions_tab_is_captured_at_each_size(app, width, height):
    from .test_browser import SCREENSHOTS

    app.page.set_viewport_size({"width": width, "height": height})
    page = app.open("?autoplay=off&view=Predictions&threshold=0.7&test=0.3&flip=0.1")
    app.assert_ok(charts=1)
    page.wait_for_function("() => document.querySelector('.st-key-roc_plot .js-plotly-plot')")
    page.get_by_role("tab", name="Predictions", exact=True).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    path = SCREENSHOTS / f"predictions-{width}x{height}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
