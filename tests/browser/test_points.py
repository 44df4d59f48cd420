"""Your own points in a real browser: a click on the data panel adds one point where it was clicked (read back
through Plotly's own axis mapping), the link carries it and restores it, Undo takes it back; a click on the
landscape chooses the start and the path begins there. Screenshots of the canvas at three sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import PLAYER_CHART, SIZES

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
MAIN = ".st-key-animation .lr-chart"
# the page coordinates of data point (x, y) on panel k, through the axes' own mapping (d2p, _offset)
TO_PAGE = f"""([k, x, y]) => {{
    const gd = document.querySelector('{MAIN}');
    const xa = gd._fullLayout['xaxis' + k], ya = gd._fullLayout['yaxis' + k];
    const box = gd.querySelector('.main-svg').getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
}}"""
ADDED = f"""() => {{
    const gd = document.querySelector('{MAIN}');
    const t = gd && gd.data ? gd.data.find((d) => d.uid === 'added points') : null;  // null while drawn anew
    return t ? t.x.map((x, i) => [Number(x), Number(t.y[i])]) : [];
}}"""
PATH_START = f"""() => {{
    const gd = document.querySelector('{MAIN}');
    // decoded: gd.data may hold the sent base64
    const t = gd && gd._fullData ? gd._fullData.find((d) => d.uid === 'path') : null;
    return t ? [Number(t.x[0]), Number(t.y[0])] : [NaN, NaN];
}}"""


def params(page) -> dict:
    return page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")


def click_at(app, page, k: str, x: float, y: float) -> None:
    """Click panel k at data coordinates (x, y), then wait for the rerun it starts to end."""
    px, py = page.evaluate(TO_PAGE, [k, x, y])
    page.mouse.click(px, py)
    page.wait_for_timeout(400)
    app.wait(page)


def test_a_click_adds_one_point_the_link_keeps_it_and_undo_takes_it_back(app, chromium):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    page.locator(PLAYER_CHART).first.wait_for(state="visible")
    click_at(app, page, "", 1.3, -1.7)
    page.wait_for_function(f"() => ({ADDED})().length === 1", timeout=20_000)
    [(x, y)] = page.evaluate(ADDED)
    assert abs(x - 1.3) <= 0.05 and abs(y + 1.7) <= 0.05
    page.wait_for_function("() => new URLSearchParams(location.search).get('points') !== null", timeout=10_000)
    link = params(page)["points"]
    assert link in ("1.3,-1.7,0",) or (len(link.split(";")) == 1 and link.endswith(",0"))
    app.assert_ok(charts=1)
    # the link opens the same points in a new session
    other = app.page.context.browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        app.open(f"?autoplay=off&points={link}", page=other)
        other.wait_for_function(f"() => ({ADDED})().length === 1", timeout=20_000)
        assert other.evaluate(ADDED) == [[x, y]]
    finally:
        other.context.close()
    # the class chooser is a button with its name; the next click adds class 1
    chooser = page.get_by_role("button", name="adding class 0. Press to add class 1 instead")
    chooser.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="adding class 1. Press to add class 0 instead").wait_for()
    click_at(app, page, "", -1.0, 2.0)
    page.wait_for_function(f"() => ({ADDED})().length === 2", timeout=20_000)
    page.wait_for_function("() => (new URLSearchParams(location.search).get('points') || '').endsWith(',1')")
    page.get_by_role("button", name="Undo", exact=True).click()
    page.wait_for_function(f"() => ({ADDED})().length === 1", timeout=20_000)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('points') === {link!r}", timeout=10_000)
    # a click on the point you added removes it
    click_at(app, page, "", x, y)
    page.wait_for_function(f"() => ({ADDED})().length === 0", timeout=20_000)
    page.wait_for_function("() => new URLSearchParams(location.search).get('points') === null", timeout=10_000)
    app.assert_ok(charts=1)
    assert page.page_errors == []


def test_a_click_on_the_landscape_sets_the_start_and_the_path_begins_there(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    click_at(app, page, "4", 1.5, -2.5)
    page.wait_for_function("() => new URLSearchParams(location.search).get('start') !== null", timeout=20_000)
    w1, w2, b = (float(v) for v in params(page)["start"].split(","))
    assert abs(w1 - 1.5) <= 0.05 and abs(w2 + 2.5) <= 0.05
    assert params(page)["init"] == "chosen"
    page.wait_for_function(f"() => Math.abs(({PATH_START})()[0] - {w1}) < 1e-9", timeout=20_000)
    assert page.evaluate(PATH_START) == pytest.approx([w1, w2])
    page.get_by_text("The run starts at the chosen point", exact=False).first.wait_for()
    app.assert_ok(charts=1)
    assert page.page_errors == []


@pytest.mark.parametrize("size", list(SIZES))
def test_the_canvas_at_each_size_is_captured(app, size):
    width, height = SIZES[size]
    app.page.set_viewport_size({"width": width, "height": height})
    page = app.open("?source=mine&points=-1,1,0;-2,0.5,0;1.5,-1,1")
    app.assert_ok(charts=0)
    page.locator(".lr-canvas-chart .main-svg").first.wait_for(state="visible")
    page.get_by_text("at least 2 points of each class", exact=False).first.wait_for()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / f"points-canvas-{size}.png"))
    page = app.open("?points=2,-2,0;1,1.5,0;-1.5,-1,1&autoplay=off")
    app.assert_ok(charts=1)
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / f"points-player-{size}.png"))
    assert page.page_errors == []
