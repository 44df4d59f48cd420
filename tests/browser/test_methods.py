"""The optimizers tab in a real browser: the methods race on the run's chart, one lane each, played by the
player and driven by its keys with no rerun; a lane is taken out in the bar; moving η races them again on the
server; a link's methods and β are kept. Screenshots at three sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import PLAYER_CHART, SIZES
from .test_browser import watch_reruns

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
PLAYER = ".st-key-animation .lr-player"
VIEW = "?autoplay=off&view=Optimizers+side+by+side"
MAIN = f"document.querySelector('{PLAYER_CHART}')"
LANE_POINTS = f"() => {MAIN}.data.filter(t => (t.uid || '').startsWith('lane loss-')).map(t => t.x.length)"
DATASET = f"(key) => document.querySelector('{PLAYER}').dataset[key]"


def lanes(page) -> list[str]:
    return page.evaluate(DATASET, "lanes").split("; ")


def test_the_methods_race_on_the_chart_and_the_keys_drive_them(app):
    page = app.open(f"{VIEW}&labels=logistic&opt=gd,momentum,adam,newton")
    app.assert_ok(charts=1)
    page.wait_for_function(f"() => ({DATASET})('lanes')")
    assert lanes(page) == ["gradient descent", "momentum (β = 0.9)", "Adam", "Newton's method (η = 1)"]
    assert page.locator(PLAYER_CHART).count() == 1  # one chart on the page: the race is drawn on it
    assert sum(1 for n in page.evaluate(LANE_POINTS) if n > 0) == 4
    assert page.locator(".lr-chip").all_inner_texts() == lanes(page)
    assert page.locator(".lr-race-title").inner_text() == "Show these methods (up to four):"
    page.get_by_text("Newton's method reached loss", exact=False).first.wait_for()
    watch_reruns(page)
    page.locator("body").press("ArrowRight")
    page.wait_for_function(f"() => ({DATASET})('frame') === '1'", timeout=5_000)
    assert "epoch 1" in page.locator(".lr-lanes li").first.inner_text()
    page.locator("body").press(" ")  # plays to the end of the longest lane
    page.wait_for_function(f"() => Number(({DATASET})('frame')) === Number(({DATASET})('frames')) - 1", timeout=30_000)
    words = page.locator(".lr-lanes li").all_inner_texts()
    assert any("Loss 0.6931 →" in w for w in words)
    page.locator(".lr-chip").filter(has_text="Adam").click()  # a lane out, in the browser
    page.wait_for_function(f"() => !({DATASET})('lanes').includes('Adam')")
    assert page.locator(".lr-lanes li").count() == 3
    assert page.evaluate("() => window.__scriptStates") == []  # none of this asked the server
    assert app.exceptions() == [] and page.page_errors == []


def test_eta_races_the_methods_again_and_the_link_keeps_them(app):
    page = app.open(f"{VIEW}&opt=gd,nesterov&beta=0.5")
    app.assert_ok(charts=1)
    page.wait_for_function(f"() => ({DATASET})('lanes')")
    assert lanes(page) == ["gradient descent", "Nesterov momentum (β = 0.5)"]
    query = "() => Object.fromEntries(new URLSearchParams(location.search))"
    assert page.evaluate(query)["opt"] == "gd,nesterov" and page.evaluate(query)["beta"] == "0.5"
    eta = page.locator(".lr-eta")
    eta.focus()
    eta.press("ArrowRight")  # η 0.1 → 0.2: the methods race again on the server
    page.wait_for_function(f"() => ({DATASET})('rate') === '0.2'", timeout=30_000)
    app.wait()
    page.wait_for_function("() => new URLSearchParams(location.search).get('lr') === '0.2'", timeout=15_000)
    page.get_by_text("η = 0.2", exact=False).first.wait_for()
    assert lanes(page) == ["gradient descent", "Nesterov momentum (β = 0.5)"]
    assert app.exceptions() == [] and page.page_errors == []


@pytest.mark.parametrize("size", list(SIZES))
def test_the_optimizers_tab_at_each_size_is_captured(app, size):
    width, height = SIZES[size]
    app.page.set_viewport_size({"width": width, "height": height})
    page = app.open(f"{VIEW}&labels=logistic&opt=gd,momentum,adam,newton")
    app.assert_ok(charts=1)
    page.wait_for_function(f"() => ({DATASET})('lanes')")
    page.locator(".lr-scrub").focus()
    page.keyboard.press("End")  # the whole race: every lane at its end
    page.wait_for_function(f"() => Number(({DATASET})('frame')) === Number(({DATASET})('frames')) - 1")
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / f"optimizers-{size}.png"))
    assert page.page_errors == []
