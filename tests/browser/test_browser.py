"""The app in a real Chromium: what AppTest cannot see (Play, the player's scrubber, the URL written back,
uploads through the browser, rendering of every preset and tab).

Every wait has a timeout; conftest.py also fails any test that runs past its hard limit.
"""

from __future__ import annotations

import random
import re
import sys

import pytest

from .conftest import PLAYER_CHART, ROOT, SIZES, TIMEOUT_MS, VIEWPORT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from logreg.app.settings import PRESETS  # noqa: E402

SCREENSHOTS = ROOT / "tests" / "screenshots"
TABS = (
    "Math at one epoch",
    "Learning rates side by side",
    "Ground truth",
    "Predictions",
    "Optimizers side by side",
)

MAIN = f"document.querySelector('{PLAYER_CHART}')"
SCRUB = "document.querySelector('.st-key-animation .lr-scrub')"  # the player's scrubber
ACTIVE_JS = f"Number({SCRUB}.value)"
FRAMES_JS = "Number(document.querySelector('.st-key-animation .lr-player').dataset.frames)"  # the run's frames
SHOWN_JS = "Number(document.querySelector('.lr-player').dataset.frame)"  # the player's frame on screen
PLAYING_JS = "document.querySelector('.lr-player').dataset.playing === 'true'"
ACTIVE = f"() => {ACTIVE_JS}"
N_FRAMES = f"() => {FRAMES_JS}"
SHOWN = f"() => {SHOWN_JS}"
# The learned boundary's rendered path shows what the viewer sees.
BOUNDARY = f"""() => {{
    const gd = {MAIN};
    const i = gd._fullData.findIndex(t => t.uid === 'boundary');
    const g = [...gd.querySelectorAll('g.trace.scatter')].find(n => n.__data__[0].trace.uid === 'boundary');
    const path = g && g.querySelector('path.js-line');
    return {{name: gd._fullData[i].name, d: path ? path.getAttribute('d') : null,
             x: Array.from(gd._fullData[i].x || []).map(Number)}};
}}"""
# How much of a revealed curve is drawn: its dash length against its whole length.
DRAWN = f"""(uid) => {{
    const g = [...{MAIN}.querySelectorAll('g.trace.scatter')].find(n => n.__data__[0].trace.uid === uid);
    const path = g.querySelector('path.js-line');
    return {{dash: parseFloat(path.style.strokeDasharray), total: path.getTotalLength()}};
}}"""


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def slider(page, label: str):
    """A Streamlit slider or select_slider by its label (its accessible name also holds its value)."""
    return page.locator(f"[data-testid='stSlider'] input[type='range'][aria-label='{label}']")


def eta(page):
    """The learning rate: a control of the player's bar (every rate's run is in the page)."""
    return page.locator(".st-key-animation input.lr-eta[aria-label='learning rate η']")


def alerts(page, pattern: str):
    return page.locator("[data-testid='stAlert'], [data-testid='stNotification']").filter(has_text=re.compile(pattern))


def watch_reruns(page) -> None:
    """Record every change of the script's state from now on (window.__scriptStates)."""
    page.evaluate("""() => {
        window.__scriptStates = [];
        const app = document.querySelector("[data-testid='stApp']");
        new MutationObserver(() => window.__scriptStates.push(app.getAttribute('data-test-script-state')))
            .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }""")


def full_screenshot(app, page, path, width: int, height: int) -> None:
    """The whole page: Streamlit scrolls inside stMain, so the window is made as tall as the content."""
    content = page.evaluate("""() => Math.max(...["[data-testid='stMain']", "[data-testid='stSidebarContent']"]
        .map(s => document.querySelector(s)?.scrollHeight || 0))""")
    page.set_viewport_size({"width": width, "height": min(max(content, height), 4000)})
    page.wait_for_timeout(600)
    app.wait()
    page.screenshot(path=str(path), full_page=True)


# ---------------------------------------------------------------- the page at three sizes
def open_at(app, size: str, query: str, charts: int):
    """The app opened on `query` in a window of one of SIZES, once its `charts` players have drawn."""
    width, height = SIZES[size]
    app.page.set_viewport_size({"width": width, "height": height})
    page = app.open(query)
    app.assert_ok(charts=charts)
    return page


@pytest.mark.parametrize("size", list(SIZES))
def test_page_at_each_size_is_captured(app, size):
    """Projector, laptop and phone: the screen as it first appears, and the whole page."""
    width, height = SIZES[size]
    page = open_at(app, size, "?autoplay=off", charts=1)
    assert page.evaluate(N_FRAMES) == 101  # epochs 0..100, the default run
    assert page.page_errors == [], f"JavaScript errors: {page.page_errors}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(SCREENSHOTS / f"{size}.png"))
    full_screenshot(app, page, SCREENSHOTS / f"{size}-full.png", width, height)
    assert (SCREENSHOTS / f"{size}.png").stat().st_size > 10_000


def test_play_pause_step_and_restart(app):
    page = app.open("?epochs=140&autoplay=off")
    app.assert_ok(charts=1)
    assert page.evaluate(N_FRAMES) == 141
    assert page.evaluate(SHOWN) == 0 and page.evaluate(ACTIVE) == 0
    before = page.evaluate(BOUNDARY)
    assert before["name"].startswith("boundary (p = 0.5)")
    for name in ("Play", "Step back", "Step forward", "Restart", "Speed"):
        assert page.get_by_role("combobox" if name == "Speed" else "button", name=name, exact=True).count() == 1

    watch_reruns(page)  # the server must do nothing while the browser plays
    button(page, "Play").click()
    page.wait_for_function(f"() => {SHOWN_JS} >= 5", timeout=10_000)
    assert button(page, "Pause").count() == 1  # the same button, now labelled for what it does
    after = page.evaluate(BOUNDARY)
    assert after["d"] and after["d"] != before["d"], "the boundary line was not redrawn while playing"
    assert page.evaluate("window.__scriptStates") == [], "the app reran while the animation played"

    button(page, "Pause").click()
    page.wait_for_timeout(300)
    paused_at, paused_line = page.evaluate(SHOWN), page.evaluate(BOUNDARY)["d"]
    page.wait_for_timeout(800)
    assert page.evaluate(SHOWN) == paused_at, "frames kept advancing after Pause"
    assert page.evaluate(BOUNDARY)["d"] == paused_line, "the boundary kept moving after Pause"
    assert page.evaluate(ACTIVE) == paused_at, "the scrubber does not show the frame on screen"
    assert 0 < paused_at < 140

    button(page, "Step forward").click()
    page.wait_for_function(f"() => {SHOWN_JS} === {paused_at + 1}", timeout=5_000)
    button(page, "Step back").click()
    button(page, "Step back").click()
    page.wait_for_function(f"() => {SHOWN_JS} === {paused_at - 1}", timeout=5_000)
    assert page.evaluate(ACTIVE) == paused_at - 1

    button(page, "Restart").click()
    page.wait_for_function(f"() => {PLAYING_JS} && {SHOWN_JS} < {paused_at - 1}", timeout=5_000)
    button(page, "Pause").click()
    assert app.exceptions() == []


def test_speed_changes_the_pace(app):
    page = app.open("?epochs=400&autoplay=off")
    app.assert_ok(charts=1)

    def frames_in(seconds: float) -> int:
        button(page, "Restart").click()
        page.wait_for_timeout(int(seconds * 1000))
        shown = page.evaluate(SHOWN)
        button(page, "Pause").click()
        return shown

    page.get_by_role("combobox", name="Speed").select_option("0.25")
    slow = frames_in(2.0)
    page.get_by_role("combobox", name="Speed").select_option("4")
    fast = frames_in(2.0)
    assert fast > 2 * slow, (slow, fast)


def test_keyboard_plays_steps_and_restarts(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    page.locator("h1").click()  # focus on the page, not in a control
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => {SHOWN_JS} === 2", timeout=5_000)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => {SHOWN_JS} === 1", timeout=5_000)
    page.keyboard.press(" ")
    page.wait_for_function(f"() => {PLAYING_JS} && {SHOWN_JS} >= 3", timeout=10_000)
    page.keyboard.press(" ")
    page.wait_for_function(f"() => !({PLAYING_JS})", timeout=5_000)
    page.keyboard.press("Home")
    page.wait_for_function(f"() => {PLAYING_JS}", timeout=5_000)
    page.keyboard.press(" ")
    # in a text field the keys belong to the field
    seed = page.locator("[data-testid='stNumberInput'] input").first
    seed.focus()
    at = page.evaluate(SHOWN)
    page.keyboard.press("ArrowRight")
    page.keyboard.press(" ")
    page.wait_for_timeout(400)
    assert page.evaluate(SHOWN) == at and not page.evaluate(f"() => {PLAYING_JS}")
    assert app.exceptions() == []


def test_a_change_trains_and_plays_the_new_run(app):
    page = app.open()  # auto-play is on by default
    app.assert_ok(charts=1)
    page.wait_for_function(f"() => {PLAYING_JS} || {SHOWN_JS} > 0", timeout=10_000)
    page.wait_for_function(f"() => {SHOWN_JS} >= 5", timeout=15_000)
    epochs = slider(page, "epochs")
    epochs.focus()
    epochs.press("ArrowRight")
    app.wait()
    page.wait_for_function(f"() => ({FRAMES_JS}) === 102", timeout=15_000)
    page.wait_for_function(f"() => {PLAYING_JS} && {SHOWN_JS} >= 1", timeout=15_000)
    assert app.exceptions() == []


def test_autoplay_off_in_the_link_waits_for_play(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    page.wait_for_timeout(1500)
    assert page.evaluate(SHOWN) == 0 and not page.evaluate(f"() => {PLAYING_JS}")


def test_the_future_is_not_drawn(app):
    page = app.open("?autoplay=off&test=0.3")
    app.assert_ok(charts=1)
    page.wait_for_timeout(300)
    for uid in ("loss curve", "test loss curve", "accuracy curve", "path", "sharpness curve"):
        start = page.evaluate(DRAWN, uid)
        assert start["dash"] <= 0.02 * start["total"] + 1, (uid, start)  # epoch 0: nothing ahead is shown
    page.locator("h1").click()
    for _ in range(50):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => {SHOWN_JS} === 50", timeout=10_000)
    page.wait_for_timeout(200)
    loss = page.evaluate(DRAWN, "loss curve")
    assert 0.05 * loss["total"] < loss["dash"] < 0.95 * loss["total"], loss
    button(page, "Restart").click()
    button(page, "Pause").click()


def test_scrubber_jumps_to_the_clicked_epoch(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    n_frames = page.evaluate(N_FRAMES)
    assert page.evaluate(f"() => Number({SCRUB}.max) + 1") == n_frames
    before = page.evaluate(BOUNDARY)
    rail = page.locator(".st-key-animation .lr-scrub")
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    assert box and box["width"] > 300
    for fraction in (0.75, 0.25):
        page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)
        target = fraction * (n_frames - 1)
        page.wait_for_function(f"() => Math.abs(({ACTIVE_JS}) - {target}) <= {0.1 * n_frames}", timeout=10_000)
        page.wait_for_function(f"() => {SHOWN_JS} === {ACTIVE_JS}", timeout=10_000)  # the counter follows
    after = page.evaluate(BOUNDARY)["d"]
    assert after and after != before["d"], "the boundary did not follow the scrubber"
    at = page.evaluate(SHOWN)
    rail.focus()  # the keyboard moves the scrubber one frame at a time, and the chart with it
    rail.press("ArrowRight")
    page.wait_for_function(f"() => {SHOWN_JS} === {at + 1} && {ACTIVE_JS} === {at + 1}", timeout=5_000)
    page.wait_for_function(f"() => !({PLAYING_JS})", timeout=5_000)
    assert page.evaluate(f"() => {SCRUB}.getAttribute('aria-valuetext')") == f"epoch {at + 1}"
    assert app.exceptions() == []


def test_math_tab_follows_the_animation(app):
    page = app.open("?autoplay=off&view=Math+at+one+epoch")
    app.assert_ok(charts=1)
    page.locator("h1").click()
    for _ in range(37):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => {SHOWN_JS} === 37", timeout=10_000)
    page.wait_for_timeout(600)  # the player reports once it rests
    app.wait()
    page.wait_for_function(
        "() => document.querySelector(\"input[type='range'][aria-label='epoch']\")?.getAttribute('aria-valuetext')"
        " === '37'",
        timeout=15_000,
    )
    assert page.evaluate(SHOWN) == 37, "the rerun moved the animation"
    assert app.exceptions() == []


# ---------------------------------------------------------------- controls, URL and share links
def test_moving_a_slider_writes_the_url_and_the_link_restores_it(app, chromium):
    page = app.open("?autoplay=off")
    history = page.evaluate("() => history.length")
    epochs = slider(page, "epochs")
    assert epochs.get_attribute("aria-valuetext") == "100"
    epochs.focus()
    for _ in range(3):
        epochs.press("ArrowRight")
    app.wait()
    page.wait_for_function("() => new URLSearchParams(location.search).get('epochs') === '103'", timeout=15_000)
    app.wait()
    page.wait_for_function(f"() => ({FRAMES_JS}) === 104", timeout=15_000)

    lr = eta(page)
    lr.focus()
    lr.press("ArrowRight")  # 0.1 → 0.2, the next option: the player switches runs and writes the link
    page.wait_for_function("() => new URLSearchParams(location.search).get('lr') === '0.2'", timeout=15_000)
    app.wait()
    app.assert_ok(charts=1)
    link = page.url
    params = page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")
    assert params == {"autoplay": "off", "epochs": "103", "lr": "0.2"}  # the link's own parameter stays
    assert page.evaluate("() => history.length") == history  # replaced, not pushed: Back leaves the page
    page.get_by_role("tab", name="Ground truth", exact=True).click()  # Streamlit writes view= beside them
    app.wait()
    page.wait_for_function("() => new URLSearchParams(location.search).get('view') === 'Ground truth'")
    epochs.focus()
    epochs.press("ArrowLeft")
    app.wait()
    page.wait_for_function("() => new URLSearchParams(location.search).get('epochs') === '102'", timeout=15_000)
    params = page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")
    assert params == {"autoplay": "off", "epochs": "102", "lr": "0.2", "view": "Ground truth"}
    app.assert_ok(charts=1)
    link = page.url

    context = chromium.new_context(viewport=VIEWPORT)  # a new session: nothing carried over but the link
    try:
        other = context.new_page()
        other.set_default_timeout(TIMEOUT_MS)
        app.open(link.removeprefix(app.base_url + "/"), page=other)
        app.assert_ok(other, charts=1)
        assert slider(other, "epochs").get_attribute("aria-valuetext") == "102"
        assert eta(other).get_attribute("aria-valuetext") == "learning rate η = 0.2"
        assert other.evaluate(N_FRAMES) == 103
        assert other.get_by_role("tab", name="Ground truth", selected=True).count() == 1
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
    page.locator(PLAYER_CHART).first.wait_for(state="visible")
    app.wait()
    app.assert_ok(charts=1)
    assert page.get_by_text(re.compile(r"40 rows; label mapping")).count() == 1
    assert page.evaluate(N_FRAMES) == 101
    assert page.evaluate(f"() => {MAIN}._fullLayout.xaxis.title.text") == "age (standardized)"


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
    page.locator(PLAYER_CHART).first.wait_for(state="visible")
    app.wait()
    app.assert_ok(charts=1)
    assert page.locator("[data-testid='stSidebar'] a[href*='example.com']").count() == 0, "a label became a link"
    assert page.locator("[data-testid='stMain'] a[href*='example.com'], .js-plotly-plot a").count() == 0, (
        "a column name became a link in the figure"
    )


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
    # the races are drawn on the run's chart, above the tabs
    race = tab in ("Learning rates side by side", "Optimizers side by side")
    charts = (
        (page if race else panel)
        .locator("[data-testid='stPlotlyChart'] .js-plotly-plot, .lr-chart.js-plotly-plot, .lr-held.js-plotly-plot")
        .filter(visible=True)
    )
    charts.first.wait_for(state="visible")
    app.wait()
    assert app.exceptions() == []
    assert charts.count() >= 1
    if tab == "Optimizers side by side":  # gradient descent, momentum and Adam, each in its lane
        page.wait_for_function("() => document.querySelectorAll('.lr-chip[aria-pressed=true]').length === 3")
        assert page.locator(".lr-lanes li").count() == 3
    elif race:  # the race starts with the lesson's rates, each with its role
        page.wait_for_function("() => document.querySelectorAll('.lr-chip[aria-pressed=true]').length >= 3")
        chips = page.locator(".lr-chip[aria-pressed=true]")
        lanes = page.locator(".lr-lanes li")
        assert lanes.count() == chips.count()
        assert "guaranteed" in " ".join(lanes.all_inner_texts())


OVERLAPS = """(gd) => {
    // the chart's axis titles, legend entries and its panels' plot areas, and its labels
    // (annotations, which may sit inside a panel) against all but the panels: the pairs that cover each
    // other by more than a pixel
    const box = (el) => el.getBoundingClientRect();
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const texts = [...gd.querySelectorAll('[class*="title"] text, .legend .traces text')]
        .filter(t => t.textContent.trim());
    const parts = texts.map(t => [t.textContent, box(t)]);
    const labels = [...gd.querySelectorAll('.annotation-text')].map(t => [t.textContent, box(t)]);  // labels in panels
    const L = gd._fullLayout, r = box(gd);
    Object.keys(L).filter(k => /^xaxis\\d*$/.test(k)).forEach(k => {
        const x = L[k], y = L['yaxis' + k.slice(5)];
        parts.push(['panel ' + k, {left: r.left + x._offset, right: r.left + x._offset + x._length,
                                  top: r.top + y._offset, bottom: r.top + y._offset + y._length}]);
    });
    const out = [];
    parts.forEach(([a, ra], i) => parts.slice(i + 1).forEach(([b, rb]) => {
        if (a !== b && meet(ra, rb)) out.push(a + ' / ' + b);
    }));
    labels.forEach(([a, ra]) => parts.filter(([b]) => !b.startsWith('panel')).forEach(([b, rb]) => {
        if (meet(ra, rb)) out.push(a + ' / ' + b);
    }));
    // the y axes' tick labels against the axis titles (on a phone a title once lay on a log axis's 10⁻¹)
    const ticks = [...gd.querySelectorAll('g[class^="y"][class$="tick"] text')]
        .map(t => ['tick ' + t.textContent, box(t)]);
    const titles = [...gd.querySelectorAll('g[class^="g-"][class$="title"] text')].map(t => [t.textContent, box(t)]);
    ticks.forEach(([a, ra]) => titles.forEach(([b, rb]) => { if (meet(ra, rb)) out.push(a + ' / ' + b); }));
    return out;
}"""
RACE_CHART = PLAYER_CHART  # the race is drawn on the run's chart


def settled_overlaps(element, seconds: float = 8.0) -> list:
    """OVERLAPS once the chart has settled: the player fits the chart to the window and spreads its legend in
    a few relayouts, later on a busy machine. Polled until none is left or the time is up (then the last)."""
    page = element.owner_frame().page
    found = element.evaluate(OVERLAPS)
    for _ in range(int(seconds / 0.25)):
        if not found:
            break
        page.wait_for_timeout(250)
        found = element.evaluate(OVERLAPS)
    return found


RACE = "?autoplay=off&view=Learning+rates+side+by+side"


@pytest.mark.parametrize("size", list(SIZES))
def test_chart_text_and_panels_do_not_overlap(app, size):
    """The main chart and the race: no title, legend entry or label on another, or on a panel's data."""
    for query, chart in (
        ("?autoplay=off&epochs=300&test=0.3", PLAYER_CHART),
        (f"{RACE}&epochs=300&test=0.3", RACE_CHART),
        ("?autoplay=off&view=Optimizers+side+by+side&labels=logistic&opt=gd,momentum,adam,newton", RACE_CHART),
    ):
        page = open_at(app, size, query, charts=1)
        page.wait_for_function(f"() => document.querySelector('{chart}')?._fullLayout?.xaxis3")
        page.wait_for_timeout(300)
        element = [e for e in page.query_selector_all(chart) if e.evaluate("g => !!g._fullLayout")][0]
        assert settled_overlaps(element) == [], (query, chart)


def test_the_truth_chart_is_updated_in_place(app):
    """The Ground truth chart changes with every run: the browser keeps its div and redraws it in place."""
    page = open_at(app, "laptop", "?autoplay=off&view=Ground+truth", charts=1)
    held = ".st-key-truth_plot .lr-held.js-plotly-plot"
    page.wait_for_function(f"() => document.querySelector('{held}')?._fullLayout")
    width = page.evaluate(f"() => document.querySelector('{held}').getBoundingClientRect().width")
    main = page.evaluate(f"() => document.querySelector('{PLAYER_CHART}').getBoundingClientRect().width")
    assert width > 0.95 * main  # across the page's width, as the other charts
    page.evaluate(f"() => {{ const gd = document.querySelector('{held}'); gd.__kept = gd.data; }}")
    epochs = slider(page, "epochs")
    epochs.focus()
    epochs.press("ArrowRight")
    app.wait()
    page.wait_for_function(
        f"() => {{ const gd = document.querySelector('{held}'); return gd.__kept && gd.data !== gd.__kept; }}",
        timeout=15_000,
    )
    x = page.evaluate(f"() => Array.from(document.querySelector('{held}')._fullData[0].x).length")
    assert x == 102  # epochs 0..101: the new run's
    assert app.exceptions() == []


def test_the_race_is_chosen_in_the_browser_and_takes_the_keys(app):
    """On the race tab the run's chart races up to four of the family's rates: pressing a rate in the bar
    adds or takes out its lane with no rerun, the words follow, the keys step it, and the log axis of
    L − L* switches in place; a change of the epochs still retrains."""
    page = open_at(app, "laptop", f"{RACE}&labels=logistic", charts=1)
    player = ".st-key-animation .lr-player"
    page.wait_for_function(f"() => document.querySelector('{player}')?.dataset.lanes")
    assert page.locator(PLAYER_CHART).count() == 1  # one chart on the page: the race is drawn on it
    assert page.locator(".lr-race-title").inner_text() == "Race these learning rates η (up to four):"
    lanes = page.evaluate(f"() => document.querySelector('{player}').dataset.lanes").split()
    assert len(lanes) >= 3
    assert page.locator(".lr-lanes li").count() == len(lanes)
    lane_x = f"() => {MAIN}.data.filter(t => (t.uid || '').startsWith('lane loss-')).map(t => t.x.length)"
    drawn = page.evaluate(lane_x)
    assert sum(1 for n in drawn if n > 0) == len(lanes)
    watch_reruns(page)
    chips = page.locator(".lr-chip")
    chips.filter(has_text=re.compile(f"^{re.escape(lanes[0])}$")).click()  # take the first rate out
    page.wait_for_function(
        f"() => document.querySelector('{player}').dataset.lanes.split(' ').length === {len(lanes) - 1}"
    )
    assert page.locator(".lr-lanes li").count() == len(lanes) - 1
    spare = [c for c in chips.all_inner_texts() if c not in lanes][0]
    chips.filter(has_text=re.compile(f"^{re.escape(spare)}$")).press("Enter")  # and another in, by keyboard
    page.wait_for_function(f"() => document.querySelector('{player}').dataset.lanes.includes('{spare}')")
    if len(lanes) == 4:
        other = [c for c in chips.all_inner_texts() if c not in lanes and c != spare][0]
        chips.filter(has_text=re.compile(f"^{re.escape(other)}$")).click()
        assert "At most four" in page.locator(".lr-race-status").inner_text()
    log_type = f"() => {MAIN}._fullLayout.yaxis2.type"
    assert page.evaluate(log_type) == "log"  # a minimum exists: L − L* on a log scale
    page.locator(".lr-log").uncheck()
    page.wait_for_function(f"() => ({log_type})() === 'linear'")
    page.locator("body").press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{player}').dataset.frame === '1'", timeout=5_000)
    assert "epoch 1" in page.locator(".lr-lanes li").first.inner_text()
    assert page.evaluate("() => window.__scriptStates") == []  # none of this asked the server
    epochs = slider(page, "epochs")
    epochs.focus()
    epochs.press("ArrowRight")
    app.wait()
    page.wait_for_function("() => new URLSearchParams(location.search).get('epochs') === '101'", timeout=15_000)
    page.wait_for_function(f"() => document.querySelector('{player}').dataset.frames === '102'", timeout=15_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "race.png"))
    assert app.exceptions() == [] and page.page_errors == []


# ---------------------------------------------------------------- projector, laptop, phone
CONTRAST = """(color) => {
    const lum = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    const [r, g, b] = color.match(/[0-9.]+/g).map(Number);
    const L = 0.2126 * lum(r) + 0.7152 * lum(g) + 0.0722 * lum(b);
    return 1.05 / (L + 0.05);  // against white
}"""
TYPE = f"""() => {{
    const gd = {MAIN};
    const size = (el) => parseFloat(getComputedStyle(el).fontSize);
    const ticks = [...gd.querySelectorAll('.xtick text, .ytick text')];
    const titles = [...gd.querySelectorAll('.g-xtitle text, .g-ytitle text')];
    const counter = document.querySelector('.lr-counter .lr-epoch');
    return {{tick: Math.min(...ticks.map(size)), title: Math.min(...titles.map(size)),
             tickColor: getComputedStyle(ticks[0]).fill, counter: size(counter),
             counterColor: getComputedStyle(counter).color}};
}}"""


def test_type_is_readable_from_the_back_of_the_room(app):
    app.page.set_viewport_size({"width": 1920, "height": 1080})
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    t = page.evaluate(TYPE)
    assert t["tick"] >= 16 and t["title"] >= 18 and t["counter"] >= 28, t
    assert page.evaluate(CONTRAST, t["tickColor"]) >= 7 and page.evaluate(CONTRAST, t["counterColor"]) >= 7, t
    loss = page.evaluate(f"() => {MAIN}._fullLayout.yaxis2._length / {MAIN}._fullLayout._size.h")
    assert loss >= 1 / 3


def test_presenter_link_collapses_the_sidebar_and_enlarges_the_type(app):
    app.page.set_viewport_size({"width": 1920, "height": 1080})
    page = app.open("?present=on&autoplay=off")
    app.assert_ok(charts=1)
    assert page.locator("[data-testid='stSidebar'][aria-expanded='true']").count() == 0
    assert page.locator("h1").count() == 0  # explanations and the title give way to the chart
    assert button(page, "Play").is_visible() and eta(page).is_visible()
    t = page.evaluate(TYPE)
    assert t["tick"] >= 20 and t["title"] >= 22, t
    box = page.locator(PLAYER_CHART).bounding_box()
    assert box["y"] < 1080 / 2, "the chart starts below the middle of the projector"


def test_phone_stacks_the_panels(app):
    app.page.set_viewport_size({"width": 390, "height": 844})
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    panels = page.evaluate(f"""() => {{
        const full = {MAIN}._fullLayout;
        return Object.keys(full).filter(k => /^xaxis\\d*$/.test(k)).map(k => {{
            const x = full[k], y = full['yaxis' + k.slice(5)];
            return {{name: k, left: x._offset, width: x._length, top: y._offset, height: y._length}};
        }});
    }}""")
    data = next(p for p in panels if p["name"] == "xaxis")
    # the data panel 300 px wide or more, and short enough that the loss panel is on the first screen
    assert data["width"] >= 300 and 240 <= data["height"] <= data["width"], data
    assert page.evaluate(TYPE)["tick"] == 14  # a phone's ticks: smaller than a projector's 16, still legible
    spans = sorted((p["top"], p["top"] + p["height"]) for p in panels)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start >= end + 20, f"panels overlap: {spans}"  # room for the axis title between them
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    title, header = page.evaluate("""() => [document.querySelector('h1').getBoundingClientRect().top,
        document.querySelector('header').getBoundingClientRect().bottom]""")
    assert title >= header, f"the title starts under the header ({title:.0f} px < {header:.0f} px)"
    play = button(page, "Play")
    play.scroll_into_view_if_needed()
    box = play.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    play.click()
    page.wait_for_function(f"() => {SHOWN_JS} >= 2", timeout=10_000)


def test_the_chart_follows_a_change_of_width(app):
    """A window narrowed to a phone's width (or a phone turned) stacks the panels with a phone's type, and
    widened again gets the wide layout back."""
    page = open_at(app, "laptop", "?autoplay=off", charts=1)
    panel = f"() => {MAIN}._fullLayout.xaxis2.domain[0]"
    assert page.evaluate(TYPE)["tick"] == 16 and page.evaluate(panel) > 0.3
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(f"() => ({panel})() === 0 && {MAIN}._fullLayout.xaxis.tickfont.size === 14")
    assert page.evaluate(TYPE)["tick"] == 14
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function(f"() => ({panel})() > 0.3 && {MAIN}._fullLayout.xaxis.tickfont.size === 16")
    assert app.exceptions() == []


def test_laptop_shows_every_label_whole(app):
    app.page.set_viewport_size({"width": 1280, "height": 720})
    page = app.open("?autoplay=off&test=0.3")
    app.assert_ok(charts=1)
    cut = page.evaluate("""() => [...document.querySelectorAll(
            "[data-testid='stMain'] button p, .lr-readout, .lr-bar button, .lr-counter")]
        .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)""")
    assert cut == [], f"cut off at 1280×720: {cut}"
    readout = page.locator(".lr-readout").inner_text()
    assert "test accuracy" in readout  # the readout wraps rather than hides
    # the chart's own text stays inside the chart
    outside = page.evaluate(f"""() => {{ const box = {MAIN}.getBoundingClientRect();
        return [...{MAIN}.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => [t.textContent,
            t.getBoundingClientRect()]).filter(([, r]) => r.width && (r.left < box.left - 1 || r.right > box.right + 1))
            .map(([text]) => text); }}""")
    assert outside == [], f"chart text cut off at the edge: {outside}"


def test_a_shared_link_shows_its_preset_sentence_at_once(app):
    page = app.open("?lr=50&labels=logistic&autoplay=off")
    app.assert_ok(charts=1)
    sentence = page.locator("[data-testid='stCaptionContainer']").filter(has_text="Learning rate too large.")
    assert sentence.count() == 1 and sentence.first.is_visible()
    where = f"""() => {{ const main = document.querySelector("[data-testid='stMain']");
        return {MAIN}.getBoundingClientRect().top + main.scrollTop; }}"""  # on the page, wherever it is scrolled
    top = page.evaluate(where)
    page.get_by_role("tab", name="Ground truth", exact=True).click()  # an interaction
    app.wait()
    assert abs(page.evaluate(where) - top) < 2, "the chart moved"


def test_test_points_are_visible(app):
    page = app.open("?autoplay=off&test=0.3")
    app.assert_ok(charts=1)
    styles = page.evaluate(f"""() => {{
        const gd = {MAIN};
        return [...gd.querySelectorAll('g.trace.scatter')]
            .filter(g => (g.__data__[0].trace.name || '').endsWith('(test)'))
            .map(g => {{ const p = g.querySelector('path.point'); const s = getComputedStyle(p);
                        return {{stroke: s.stroke, strokeOpacity: Number(s.strokeOpacity),
                                 opacity: Number(s.opacity), width: parseFloat(s.strokeWidth)}}; }});
    }}""")
    assert len(styles) == 2
    for style in styles:
        assert style["strokeOpacity"] >= 0.8 and style["opacity"] >= 0.8 and style["width"] >= 1.5, style
        assert style["stroke"] not in ("none", "rgba(0, 0, 0, 0)"), style
    legend = page.evaluate(f"""() => [...{MAIN}.querySelectorAll('.legend .traces')]
        .filter(t => t.textContent.endsWith('(test)'))
        .map(t => getComputedStyle(t.querySelector('path.scatterpts')).strokeOpacity)""")
    assert len(legend) == 2 and all(float(v) >= 0.8 for v in legend)


def test_the_run_stays_on_the_landscape(app):
    page = app.open("?labels=logistic&lr=50&autoplay=off")
    app.assert_ok(charts=1)
    n = page.evaluate(N_FRAMES)
    page.locator("h1").click()
    for k in range(0, n, 7):
        inside = page.evaluate(f"""() => {{
            const gd = {MAIN}, full = gd._fullLayout, xa = full.xaxis4, ya = full.yaxis4;
            const pts = [...gd.querySelectorAll('g.trace.scatter')]
                .filter(g => String(g.__data__[0].trace.uid).startsWith('landscape point'))
                .flatMap(g => [...g.querySelectorAll('path.point')]);
            return pts.map(p => {{ const r = p.getBoundingClientRect();
                                   return [r.x + r.width / 2, r.y + r.height / 2]; }});
        }}""")
        assert len(inside) == 1, f"frame {k}: {len(inside)} markers for the current point"
        bounds = page.evaluate(f"""() => {{ const full = {MAIN}._fullLayout, r = {MAIN}.getBoundingClientRect();
            return [r.x + full.xaxis4._offset, r.x + full.xaxis4._offset + full.xaxis4._length,
                    r.y + full.yaxis4._offset, r.y + full.yaxis4._offset + full.yaxis4._length]; }}""")
        x, y = inside[0]
        assert bounds[0] - 2 <= x <= bounds[1] + 2 and bounds[2] - 2 <= y <= bounds[3] + 2, (k, inside, bounds)
        for _ in range(7):
            page.keyboard.press("ArrowRight")
        page.wait_for_timeout(80)


def test_sharpness_panel_is_drawn(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    labels = page.evaluate(f"() => [...{MAIN}.querySelectorAll('.textpoint text')].map(t => t.textContent)")
    assert "2/η = 20" in labels, labels
    lr = eta(page)
    lr.focus()
    lr.press("ArrowRight")  # η = 0.2: the level and its label move with it
    page.wait_for_function(f"() => {RATE_JS} === 0.2", timeout=5_000)
    labels = page.evaluate(f"() => [...{MAIN}.querySelectorAll('.textpoint text')].map(t => t.textContent)")
    assert "2/η = 10" in labels, labels
    assert page.evaluate(f"() => {MAIN}._fullLayout.yaxis5.type") == "log"


# ---------------------------------------------------------------- every learning rate at once
RATE_JS = "Number(document.querySelector('.st-key-animation .lr-player').dataset.rate)"


def test_a_key_press_on_eta_switches_runs_in_the_browser(app):
    """η's arrow keys show the next rate's run at once: no rerun, the epoch on screen kept, the words, the
    readout and the share link following."""
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    page.evaluate(f"() => {{ const s = {SCRUB}; s.value = '20'; s.dispatchEvent(new Event('input')); }}")
    page.wait_for_function(f"() => {SHOWN_JS} === 20", timeout=10_000)
    before = page.locator("[data-testid='verdict']").get_attribute("data-verdict")
    watch_reruns(page)
    lr = eta(page)
    lr.focus()
    for expected in ("0.2", "0.5", "1", "2", "5"):
        lr.press("ArrowRight")
        page.wait_for_function(f"() => {RATE_JS} === {float(expected)}", timeout=5_000)
        assert page.evaluate(SHOWN) == 20  # the epoch on screen stays
        assert page.locator(".lr-readout").inner_text().startswith("epoch 20 · ")
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('lr') === '{expected}'")
    assert page.evaluate("() => window.__scriptStates") == []  # no rerun: the browser had every run
    drawn = page.evaluate(DRAWN, "loss curve")  # the new run's curve, drawn up to epoch 20 only
    assert 0 < drawn["dash"] < 0.5 * drawn["total"], drawn
    # the verdict of η = 5's run (its headline may read as η = 0.1's; its exact numbers differ)
    assert page.locator("[data-testid='verdict']").get_attribute("data-verdict") != before
    assert lr.get_attribute("aria-valuetext") == "learning rate η = 5"
    button(page, "Play").click()  # playing goes on from the epoch on screen
    page.wait_for_function(f"() => {SHOWN_JS} > 21", timeout=10_000)
    assert page.page_errors == []


FRAME_SHOWN = """() => { // the chart's moving traces and the run's loss curve hold what the player draws at its frame
    const p = window.__lrPlayer;
    const want = p.frameOf(p.frame);
    const same = (a, b) => JSON.stringify(Array.from(a)) === JSON.stringify(Array.from(b));
    const moving = want.traces.every((i, j) => ['x', 'y'].every((k) => want.data[j][k] === undefined
      || same(p.gd.data[i][k], want.data[j][k])));
    const curve = p.gd.data[p.traceIndex.get(p.data.roles.LOSS_CURVE)];
    return moving && want.traces.length > 3 && same(curve.y, p.family.runs[p.rate].loss);
}"""


def test_after_eta_presses_the_chart_is_what_the_player_draws(app):
    """A rate's run drawn over another's leaves out the traces that already show their values (at epoch 0
    every rate has the same line and the same rings); the chart must still hold the new run everywhere,
    at epoch 0 and at epoch 20, and plotly.js's remembered answers must be its own."""
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    lr = eta(page)
    presses = {
        0: (("ArrowRight", 0.2), ("ArrowRight", 0.5), ("ArrowLeft", 0.2)),
        20: (("ArrowRight", 0.5), ("ArrowRight", 1)),
    }
    for epoch, steps in presses.items():
        if epoch:
            page.evaluate(f"() => {{ const s = {SCRUB}; s.value = '{epoch}'; s.dispatchEvent(new Event('input')); }}")
            page.wait_for_function(f"() => {SHOWN_JS} === {epoch}", timeout=10_000)
        lr.focus()
        for key, expected in steps:
            lr.press(key)
            page.wait_for_function(f"() => {RATE_JS} === {expected}", timeout=5_000)
            page.wait_for_function(FRAME_SHOWN, timeout=5_000)
            assert page.evaluate(SHOWN) == epoch
    remembered = page.evaluate("""() => {
        const find = window.Plotly.PlotSchema.findArrayAttributes;
        const out = {traces: 0, differ: []};
        for (const gd of document.querySelectorAll('.js-plotly-plot')) {
            for (const t of gd._fullData || []) {
                out.traces += 1;
                const own = JSON.stringify(find.original(t));
                if (JSON.stringify(find(t)) !== own || JSON.stringify(find(t)) !== own) out.differ.push(t.uid);
            }
        }
        return out;
    }""")
    assert remembered["traces"] > 20 and remembered["differ"] == [], remembered
    assert page.page_errors == []


def test_dragging_eta_draws_every_rate_it_passes(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    page.evaluate("""() => {
        window.__rates = [];
        const player = document.querySelector('.st-key-animation .lr-player');
        new MutationObserver(() => window.__rates.push(Number(player.dataset.rate)))
            .observe(player, {attributes: true, attributeFilter: ['data-rate']});
    }""")
    watch_reruns(page)
    box = eta(page).bounding_box()
    page.mouse.move(box["x"] + 4, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 41):  # across the whole control, slowly
        page.mouse.move(box["x"] + 4 + (box["width"] - 8) * step / 40, box["y"] + box["height"] / 2)
        page.wait_for_timeout(40)
    page.mouse.up()
    page.wait_for_function(f"() => {RATE_JS} === 100", timeout=5_000)
    seen = page.evaluate("() => window.__rates")
    assert len(set(seen)) >= 12, seen  # most of the 19 rates were drawn on the way
    assert page.evaluate("() => window.__scriptStates") == []
    assert page.page_errors == []


def test_the_browser_writes_the_readout_the_core_writes(app):
    """Every frame's line of numbers, written by the browser from the run's numbers, equals the core's own
    `figures.readout` for that snapshot (same digits, same words for the boundary)."""
    from logreg.app.run import run
    from logreg.app.settings import Settings
    from logreg.figures import readout
    from logreg.plot_parts import data_box, thinning

    page = app.open("?autoplay=off&labels=logistic&lr=20&test=0.3")
    app.assert_ok(charts=1)
    r = run(Settings(labels="logistic", lr=20.0, test=0.3))
    plan = thinning(len(r.history), r.train.n)
    box = data_box(r.train.X if plan.point_index is None else r.train.X[plan.point_index], r.test.X)
    names = ("x1", "x2")
    shown = []
    for k in (0, 1, 2, 10, 50, 99, 100):
        page.evaluate(f"() => {{ const s = {SCRUB}; s.value = '{k}'; s.dispatchEvent(new Event('input')); }}")
        page.wait_for_function(f"() => {SHOWN_JS} === {k}", timeout=5_000)
        shown.append(page.locator(".st-key-animation .lr-readout").inner_text())
    expected = [readout(r.history[i], names, box) for i in (0, 1, 2, 10, 50, 99, 100)]
    assert shown == expected


def test_clicking_a_rate_on_the_chart_of_every_rate_selects_it(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    watch_reruns(page)
    page.locator(".st-key-animation .lr-rates").scroll_into_view_if_needed()
    point = page.evaluate("""() => {
        const gd = document.querySelector('.st-key-animation .lr-rates');
        const trace = gd._fullData.findIndex(t => t.meta && t.meta.rates && t.meta.rates.includes(14));
        const i = gd._fullData[trace].meta.rates.indexOf(14);
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const r = gd.getBoundingClientRect();
        const x = gd._fullData[trace].x[i], y = gd._fullData[trace].y[i];
        return {x: r.left + xa._offset + xa.l2p(Math.log10(x)), y: r.top + ya._offset + ya.l2p(Math.log10(y))};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_function(f"() => {RATE_JS} === 5", timeout=5_000)  # index 14 of the control is η = 5
    assert page.evaluate("() => window.__scriptStates") == []


def test_the_math_tab_and_the_downloads_follow_eta(app):
    """The panels the server draws hear the η on screen: the math tab reruns alone with the new rate's
    numbers, and the opened downloads deliver that rate's history."""
    page = app.open("?autoplay=off&view=Math+at+one+epoch")
    app.assert_ok(charts=1)
    lr = eta(page)
    lr.focus()
    lr.press("ArrowRight")  # 0.1 → 0.2
    page.wait_for_function(f"() => {RATE_JS} === 0.2", timeout=5_000)
    page.wait_for_timeout(800)  # the math tab's listener reports once η rests
    app.wait()
    sources = page.locator(".katex-mathml annotation").all_text_contents()  # each formula's LaTeX
    assert any(r"- 0.2\cdot(" in f for f in sources), sources  # the update w ← w − η·∂L/∂w with η = 0.2
    assert page.evaluate(f"() => {RATE_JS}") == 0.2  # the fragment's rerun left the η on screen alone
    page.get_by_text("Downloads: the run on screen").click()
    app.wait()
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="History (CSV)").click()
    with open(download.value.path()) as fh:
        text = fh.read().splitlines()
    from logreg.app.run import run
    from logreg.app.settings import Settings

    expected = run(Settings(lr=0.2)).history[1]
    assert text[2].split(",")[1].startswith(f"{expected.loss:.6f}"[:7]), text[:3]
    assert app.exceptions() == []


def test_where_the_budget_trains_no_other_rate_eta_asks_the_server(app):
    """Mini-batches of 4 on 1,000 points leave no time for the other rates: moving η then trains that rate's
    run on the server, as a change of any other setting does, and the page says so."""
    page = app.open("?batch=4&autoplay=off")
    app.assert_ok(charts=1)
    alerts(page, "trained only when η moves to them").first.wait_for(state="visible")
    lr = eta(page)
    lr.focus()
    lr.press("ArrowRight")  # 0.1 → 0.2: not in the page, so the server trains it
    page.wait_for_function(f"() => {RATE_JS} === 0.2", timeout=60_000)
    app.wait()
    page.wait_for_function("() => new URLSearchParams(location.search).get('lr') === '0.2'", timeout=15_000)
    assert page.locator(".st-key-animation .lr-readout").inner_text().startswith("epoch 0 · ")
    assert app.exceptions() == [] and page.page_errors == []


def test_the_chart_of_every_rate_is_captured_with_its_u(app):
    """With logistic labels the loss has a minimum: at the last epoch the rates too large for it (above
    2/s(θ*)) end higher than the best rate, a U; the picture is the README's."""
    page = app.open("?labels=logistic&autoplay=off")
    app.assert_ok(charts=1)
    page.evaluate(f"() => {{ const s = {SCRUB}; s.value = s.max; s.dispatchEvent(new Event('input')); }}")
    page.wait_for_function(f"() => {SHOWN_JS} === 100", timeout=10_000)
    chart = page.locator(".st-key-animation .lr-rates")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    losses = page.evaluate("""() => {
        const gd = document.querySelector('.st-key-animation .lr-rates');
        const out = {};
        for (const t of gd._fullData) if (t.meta && t.meta.rates) t.meta.rates.forEach((r, i) => { out[r] = t.y[i]; });
        return out;
    }""")
    values = [losses[str(i)] for i in range(19)]
    best = min(range(19), key=values.__getitem__)
    assert 0 < best < 18 and values[18] > values[best] and values[0] > values[best], values
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SCREENSHOTS / "every-rate.png"))


def test_a_presets_sentence_shows_only_at_its_own_eta(app):
    """The "Learning rate too large" sentence speaks of η = 50: moved to another rate, it is hidden, and
    back at 50 it shows again (no stale sentence at any moment of a sweep)."""
    page = app.open("?labels=logistic&lr=50&autoplay=off")
    app.assert_ok(charts=1)
    note = page.locator(".st-key-preset-note-50")
    note.wait_for(state="visible")
    lr = eta(page)
    lr.focus()
    lr.press("ArrowLeft")  # 50 → 20
    page.wait_for_function(f"() => {RATE_JS} === 20", timeout=5_000)
    assert not note.is_visible()
    lr.press("ArrowRight")
    page.wait_for_function(f"() => {RATE_JS} === 50", timeout=5_000)
    assert note.is_visible()
