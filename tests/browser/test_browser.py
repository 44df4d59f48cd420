"""The app in a real Chromium: what AppTest cannot see (Play, the Plotly scrubber, the URL written back,
uploads through the browser, rendering of every preset and tab).

Every wait has a timeout; conftest.py also fails any test that runs past its hard limit.
"""

from __future__ import annotations

import random
import re
import sys

import pytest

from .conftest import ROOT, TIMEOUT_MS, VIEWPORT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from logreg.ui.settings import PRESETS  # noqa: E402

SCREENSHOT = ROOT / "tests" / "screenshots" / "main-view.png"
TABS = ("Math at one epoch", "Learning rates side by side", "Ground truth")

# The main chart is the first Plotly chart on the page (the tabs' charts come after it).
MAIN = "document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
ACTIVE_JS = f"{MAIN}._fullLayout.sliders[0].active"
FRAMES_JS = f"{MAIN}._fullLayout.sliders[0].steps.length"
ACTIVE = f"() => {ACTIVE_JS}"
N_FRAMES = f"() => {FRAMES_JS}"
# The learned boundary is trace 6; its rendered path shows what the viewer sees.
BOUNDARY = f"""() => {{
    const gd = {MAIN};
    const uid = gd._fullData[6].uid;
    const path = gd.querySelector('.trace' + uid + ' path.js-line');
    return {{name: gd._fullData[6].name, d: path ? path.getAttribute('d') : null,
             x: Array.from(gd._fullData[6].x || []).map(Number)}};
}}"""


def main_chart_buttons(page):
    return page.locator("[data-testid='stPlotlyChart']").first.locator("g.updatemenu-button")


def slider(page, label: str):
    """A Streamlit slider or select_slider by its label (its accessible name also holds its value)."""
    return page.locator(f"[data-testid='stSlider'] input[type='range'][aria-label='{label}']")


def alerts(page, pattern: str):
    return page.locator("[data-testid='stAlert'], [data-testid='stNotification']").filter(
        has_text=re.compile(pattern))


# ---------------------------------------------------------------- the page and the animation
def test_main_view_loads_and_is_captured(app):
    page = app.open()
    app.assert_ok(charts=1)
    page.locator("g.updatemenu-button").first.wait_for(state="visible")
    assert page.evaluate(N_FRAMES) == 101  # epochs 0..100, the default run
    assert page.page_errors == [], f"JavaScript errors: {page.page_errors}"
    # Streamlit scrolls inside stMain and the sidebar, not the document, so full_page alone would stop at
    # 900 px: make the window as tall as the content (same width) for the picture.
    height = page.evaluate("""() => Math.max(...["[data-testid='stMain']", "[data-testid='stSidebarContent']"]
        .map(s => document.querySelector(s)?.scrollHeight || 0))""")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, VIEWPORT["height"]), 4000)})
    page.wait_for_timeout(500)
    app.wait()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.set_viewport_size(VIEWPORT)
    assert SCREENSHOT.stat().st_size > 10_000


def test_play_advances_frames_and_pause_stops_them(app):
    page = app.open("?epochs=250")  # 251 frames at 30 ms: Play takes > 7 s to reach the end
    app.assert_ok(charts=1)
    n_frames = page.evaluate(N_FRAMES)
    assert n_frames == 251
    assert page.evaluate(ACTIVE) == 0
    before = page.evaluate(BOUNDARY)
    assert before["name"].startswith("learned boundary")

    play, pause = main_chart_buttons(page).nth(0), main_chart_buttons(page).nth(1)
    assert "Play" in play.text_content() and "Pause" in pause.text_content()
    # the server must do nothing while the browser plays: record every script-state change from here on
    page.evaluate("""() => {
        window.__scriptStates = [];
        const app = document.querySelector("[data-testid='stApp']");
        new MutationObserver(() => window.__scriptStates.push(app.getAttribute('data-test-script-state')))
            .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }""")
    play.click()
    page.wait_for_timeout(1500)
    page.wait_for_function(f"() => ({ACTIVE_JS}) >= 5", timeout=10_000)
    after = page.evaluate(BOUNDARY)
    assert after["d"], "no boundary line drawn while playing"
    assert after["d"] != before["d"], "the boundary line was not redrawn while playing"
    assert after["x"] != before["x"]

    pause.click()
    page.wait_for_timeout(300)
    paused_at, paused_line = page.evaluate(ACTIVE), page.evaluate(BOUNDARY)["d"]
    page.wait_for_timeout(1000)
    assert page.evaluate(ACTIVE) == paused_at, "frames kept advancing after Pause"
    assert page.evaluate(BOUNDARY)["d"] == paused_line, "the boundary kept moving after Pause"
    assert 0 < paused_at < n_frames - 1, f"Play reached the end ({paused_at}) before Pause was tested"
    assert page.evaluate("window.__scriptStates") == [], "the app reran while the animation played"
    assert app.exceptions() == []


def test_scrubber_jumps_to_the_clicked_epoch(app):
    page = app.open()
    app.assert_ok(charts=1)
    n_frames = page.evaluate(N_FRAMES)
    before = page.evaluate(BOUNDARY)
    rail = page.locator("[data-testid='stPlotlyChart']").first.locator(".slider-rail-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    assert box and box["width"] > 100
    assert box["y"] + box["height"] <= VIEWPORT["height"], "the scrubber is not on screen"
    for fraction in (0.75, 0.25):
        page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
        target = fraction * (n_frames - 1)
        page.wait_for_function(f"() => Math.abs(({ACTIVE_JS}) - {target}) <= {0.1 * n_frames}", timeout=10_000)
    after = page.evaluate(BOUNDARY)["d"]
    assert after and after != before["d"], "the boundary did not follow the scrubber"
    assert app.exceptions() == []


# ---------------------------------------------------------------- controls, URL and share links
def test_moving_a_slider_writes_the_url_and_the_link_restores_it(app, chromium):
    page = app.open()
    epochs = slider(page, "epochs")
    assert epochs.get_attribute("aria-valuetext") == "100"
    epochs.focus()
    for _ in range(3):
        epochs.press("ArrowRight")
    app.wait()
    page.wait_for_function("() => new URLSearchParams(location.search).get('epochs') === '103'", timeout=15_000)
    app.wait()
    page.wait_for_function(f"() => ({FRAMES_JS}) === 104", timeout=15_000)

    lr = slider(page, "learning rate η")
    lr.focus()
    lr.press("ArrowRight")  # 0.1 → 0.2, the next option
    app.wait()
    page.wait_for_function("() => new URLSearchParams(location.search).get('lr') === '0.2'", timeout=15_000)
    app.wait()
    app.assert_ok(charts=1)
    link = page.url

    context = chromium.new_context(viewport=VIEWPORT)  # a new session: nothing carried over but the link
    try:
        other = context.new_page()
        other.set_default_timeout(TIMEOUT_MS)
        app.open(link.removeprefix(app.base_url + "/"), page=other)
        app.assert_ok(other, charts=1)
        assert slider(other, "epochs").get_attribute("aria-valuetext") == "103"
        assert slider(other, "learning rate η").get_attribute("aria-valuetext") == "0.2"
        assert other.evaluate(N_FRAMES) == 104
    finally:
        context.close()


def test_share_link_with_bad_values_shows_a_notice(app):
    page = app.open("?lr=abc&epochs=99999")
    app.assert_ok(charts=1)
    notices = alerts(page, "was not used")
    notices.first.wait_for(state="visible")
    texts = " ".join(notices.all_inner_texts())
    assert "lr=" in texts and "epochs=" in texts, texts
    assert slider(page, "epochs").get_attribute("aria-valuetext") == "100"
    assert page.evaluate(N_FRAMES) == 101


# ---------------------------------------------------------------- CSV upload
def shop_csv(rows: int = 40) -> bytes:
    """age, income and whether the person bought: two overlapping classes, deterministic."""
    rng = random.Random(4)
    lines = ["age,income,bought"]
    for i in range(rows):
        age = rng.randint(18, 70)
        income = rng.randint(15, 120) * 1000
        bought = "yes" if (age - 40) / 15 + (income - 65000) / 30000 + rng.gauss(0, 0.7) > 0 else "no"
        if i < 2:  # make sure both classes appear whatever the draw
            bought = ("yes", "no")[i]
        lines.append(f"{age},{income},{bought}")
    return ("\n".join(lines) + "\n").encode()


def upload(app, name: str, content: bytes):
    page = app.open("?source=csv")
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
    uploader.set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    app.wait()
    return page


def test_csv_upload_trains_and_renders(app):
    content = shop_csv()
    assert {b"yes", b"no"} <= {line.rsplit(b",", 1)[-1] for line in content.splitlines()[1:]}
    page = upload(app, "shop.csv", content)
    page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.wait_for(state="visible")
    app.wait()
    app.assert_ok(charts=1)
    assert page.get_by_text(re.compile(r"40 rows; label mapping")).count() == 1
    assert page.evaluate(N_FRAMES) == 101
    assert page.evaluate(f"() => {MAIN}._fullLayout.xaxis.title.text") == "age"


BROKEN = {
    "one column": b"age\n1\n2\n3\n4\n5\n6\n7\n",
    "binary junk": bytes(range(256)) * 8,
    "markup in the header": b"<b>x</b>,<b>x</b>,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n9,10,a\n11,12,b\n",
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_csv_shows_an_error_as_text(app, case):
    page = upload(app, "broken.csv", BROKEN[case])
    error = alerts(page, r"can.t be used")
    error.first.wait_for(state="visible")
    app.assert_ok(charts=0)
    assert error.first.locator("b, script, img, iframe").count() == 0, "markup in the file was rendered as HTML"
    if case == "markup in the header":
        assert "<b>x</b>" in error.first.inner_text()  # shown literally, not dropped


def test_csv_names_and_labels_are_shown_as_text(app):
    lines = ['<a href="http://example.com/x">age</a>,income,bought']
    for i in range(30):
        lines.append(f"{20 + i},{(i * 7919) % 100},{'[yes](http://example.com/y)' if i % 3 else 'no'}")
    page = upload(app, "names.csv", ("\n".join(lines) + "\n").encode())
    page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.wait_for(state="visible")
    app.wait()
    app.assert_ok(charts=1)
    assert page.locator("[data-testid='stSidebar'] a[href*='example.com']").count() == 0, "a label became a link"
    assert page.locator("[data-testid='stMain'] a[href*='example.com'], .js-plotly-plot a").count() == 0, \
        "a column name became a link in the figure"


# ---------------------------------------------------------------- presets and tabs
def test_every_preset_loads(app):
    page = app.open()
    app.assert_ok(charts=1)
    for preset in PRESETS:
        button = page.get_by_role("button", name=preset.name, exact=True).filter(visible=True).first
        button.click()
        app.wait(timeout=60_000)
        caption = page.locator("[data-testid='stCaptionContainer']").filter(has_text=f"{preset.name}.")
        caption.first.wait_for(state="visible", timeout=TIMEOUT_MS)
        app.assert_ok(charts=1)
        epochs = preset.values.get("epochs", 100)
        assert slider(page, "epochs").get_attribute("aria-valuetext") == str(epochs)
        assert page.evaluate(N_FRAMES) >= 2, preset.name


@pytest.mark.parametrize("tab", TABS)
def test_tab_opens_without_exception(app, tab):
    page = app.open()
    app.assert_ok(charts=1)
    page.get_by_role("tab", name=tab, exact=True).click()
    app.wait(timeout=60_000)
    page.wait_for_function("() => new URLSearchParams(location.search).get('view') !== null", timeout=15_000)
    panel = page.get_by_role("tabpanel").filter(visible=True).first
    panel.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first.wait_for(state="visible")
    app.wait()
    assert app.exceptions() == []
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 2
