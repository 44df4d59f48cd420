"""WCAG 2.2 A and AA, checked with axe-core in the browser: every tab, every preset, the presenter's view and
the CSV page, at the projector's, the laptop's and the phone's size. axe-core comes from npm (tests/run.sh
installs tests/browser/package-lock.json's version); it is injected into the page, nothing is fetched."""

from __future__ import annotations

import json
import sys

import pytest

from .conftest import PLAYER_CHART, ROOT, SIZES
from .test_browser import TABS, shop_csv

sys.path.insert(0, str(ROOT))
from logreg.app.settings import PRESETS  # noqa: E402

TEST_LIMIT_S = 240  # eight pages and their checks per test
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN = f"""async () => {{
    const result = await axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(RULES)}}}}});
    return result.violations.map(v => ({{rule: v.id, impact: v.impact,
        where: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}}));
}}"""


def violations(page) -> list[dict]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN)


@pytest.fixture(scope="module", autouse=True)
def _axe_installed():
    if not AXE.exists():
        pytest.fail(f"axe-core is missing: run `bash tests/run.sh` (it installs {AXE.relative_to(ROOT)})")


@pytest.mark.parametrize("size", list(SIZES))
def test_every_tab_and_preset_meets_wcag_22_aa(app, size):
    width, height = SIZES[size]
    app.page.set_viewport_size({"width": width, "height": height})
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    found = {"default page": violations(page)}
    for tab in TABS:
        page.get_by_role("tab", name=tab, exact=True).click()
        app.wait(timeout=60_000)
        page.locator(PLAYER_CHART).first.wait_for(state="visible")
        page.wait_for_timeout(500)
        found[tab] = violations(page)
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    for preset in PRESETS:
        page.get_by_role("button", name=preset.name, exact=True).filter(visible=True).first.click()
        app.wait(timeout=60_000)
        page.locator(PLAYER_CHART).first.wait_for(state="visible")
        page.wait_for_timeout(300)
        found[preset.name] = violations(page)
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_presenters_view_and_the_csv_page_meet_wcag_22_aa(app, size):
    width, height = SIZES[size]
    app.page.set_viewport_size({"width": width, "height": height})
    page = app.open("?autoplay=off&present=on")
    app.assert_ok(charts=1)
    found = {"present=on": violations(page)}
    page = app.open("?source=csv")
    app.assert_ok(charts=0)
    found["CSV page, no file yet"] = violations(page)
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
    uploader.set_input_files(files=[{"name": "shop.csv", "mimeType": "text/csv", "buffer": shop_csv()}])
    app.wait()
    page.locator(PLAYER_CHART).first.wait_for(state="visible")
    page.wait_for_timeout(300)
    found["CSV page, a file"] = violations(page)
    page = app.open("?source=mine&points=-1,1,0;-2,0.5,0;1.5,-1,1")
    app.assert_ok(charts=0)
    page.locator(".lr-canvas-chart .main-svg").first.wait_for(state="visible")
    found["my points, too few yet"] = violations(page)
    page = app.open("?source=mine&points=-1,1,0;-2,0.5,0;1.5,-1,1;2,0,1&autoplay=off")
    app.assert_ok(charts=1)
    page.locator(PLAYER_CHART).first.wait_for(state="visible")
    found["my points, four"] = violations(page)
    assert {k: v for k, v in found.items() if v} == {}


def test_axe_finds_what_it_is_asked_to_find(app):
    """The check can fail: a page given an image without a text alternative and a button without a name."""
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        const button = document.createElement('button');
        document.querySelector('[data-testid="stMain"]').append(img, button);
    }""")
    rules = {v["rule"] for v in violations(page)}
    assert {"image-alt", "button-name"} <= rules
