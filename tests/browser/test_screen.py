"""One screen for every student: what must be seen without scrolling at the projector's, the laptop's and the
phone's sizes; keys that always reach the player; the reader's "reduce motion"; the words a screen reader
hears; the run's numbers as a table."""

from __future__ import annotations

import pytest

from .conftest import PLAYER_CHART, ROOT
from .test_browser import MAIN, SCREENSHOTS, SHOWN, SHOWN_JS, button, eta

PLAYER = ".st-key-animation .lr-player"
# (name, width, height, query): the presenter's view on a projector and on two smaller rooms' screens, a
# laptop, and a phone opening a share link
SCREENS = [
    ("present-1920x1080", 1920, 1080, "?autoplay=off&present=on"),
    ("present-1280x800", 1280, 800, "?autoplay=off&present=on"),
    ("present-1024x768", 1024, 768, "?autoplay=off&present=on"),
    ("laptop-1280x720", 1280, 720, "?autoplay=off"),
    ("phone-verdict", 390, 844, "?autoplay=off&lr=50&labels=logistic"),
]
# where the things that must be seen are, in the window's pixels (the page scrolled to its top)
SEEN = f"""() => {{
    const rect = (el) => {{ const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }};
    const gd = {MAIN};
    const chart = gd.getBoundingClientRect();
    const full = gd._fullLayout;
    const panel = (k) => [chart.left + full['xaxis' + k]._offset, chart.top + full['yaxis' + k]._offset,
        chart.left + full['xaxis' + k]._offset + full['xaxis' + k]._length,
        chart.top + full['yaxis' + k]._offset + full['yaxis' + k]._length];
    const lossTitle = [...gd.querySelectorAll('.g-y2title text')].find(t => t.textContent === 'loss');
    return {{
        window: [window.innerWidth, window.innerHeight],
        eta: rect(document.querySelector('{PLAYER} .lr-eta')),
        bar: rect(document.querySelector('{PLAYER} .lr-bar')),
        data: panel(''),
        loss: panel('2'),
        lossTitle: lossTitle ? rect(lossTitle) : null,
        verdict: rect(document.querySelector('[data-testid=verdict] .lr-words')),
        dataWidth: full.xaxis._length,
    }};
}}"""


@pytest.mark.parametrize("name, width, height, query", SCREENS, ids=[s[0] for s in SCREENS])
def test_eta_the_bar_the_data_the_loss_and_the_verdict_fit_one_screen(app, name, width, height, query):
    app.page.set_viewport_size({"width": width, "height": height})
    page = app.open(query)
    app.assert_ok(charts=1)
    page.wait_for_timeout(600)  # the sidebar folds and the chart fits the window
    seen = page.evaluate(SEEN)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    assert seen["lossTitle"] is not None, "the loss panel's axis is titled 'loss'"
    for what in ("eta", "bar", "data", "loss", "lossTitle", "verdict"):
        left, top, right, bottom = seen[what]
        assert 0 <= left and right <= width + 1 and 0 <= top and bottom <= height, (what, seen)
    if width < 700:
        assert seen["dataWidth"] >= 300, seen
    assert page.page_errors == []


def test_a_laptop_opens_with_the_sidebar_folded_and_keeps_the_viewers_choice(app):
    app.page.set_viewport_size({"width": 1280, "height": 720})
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    toggle = page.locator("[data-testid='stSidebarCollapseButton'] button, [data-testid='stExpandSidebarButton']")
    page.wait_for_function("() => !document.querySelector('[data-testid=stSidebarCollapseButton] button') || "
                           "document.querySelector('[data-testid=stSidebarCollapseButton] button')"
                           ".getAttribute('aria-expanded') !== 'true'")  # fmt: skip
    page.locator("[data-testid='stExpandSidebarButton']").click()  # the viewer opens it: it stays open
    page.locator("[data-testid='stSidebar'] [aria-label='true w1']").first.wait_for(state="visible")
    page.reload()
    app.wait()
    page.wait_for_timeout(600)
    assert page.locator("[data-testid='stSidebar'] [aria-label='true w1']").first.is_visible()
    assert toggle.count() >= 1
    wide = app.open("?autoplay=off", page=page.context.new_page())  # a projector's window keeps it open
    wide.set_viewport_size({"width": 1920, "height": 1080})
    wide.reload()
    app.wait(wide)
    wide.wait_for_timeout(600)
    assert wide.locator("[data-testid='stSidebar'] [aria-label='true w1']").first.is_visible()


def test_after_a_drag_or_a_click_the_keys_are_the_players(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    box = eta(page).bounding_box()  # drag η one step to the right with the pointer
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.62, box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()
    page.wait_for_timeout(200)
    rate = page.evaluate(f"() => document.querySelector('{PLAYER}').dataset.rate")
    page.keyboard.press("ArrowRight")  # the player's, not η's
    page.wait_for_function(f"() => {SHOWN_JS} === 1", timeout=5_000)
    assert page.evaluate(f"() => document.querySelector('{PLAYER}').dataset.rate") == rate
    button(page, "Step forward").click()
    page.wait_for_function(f"() => {SHOWN_JS} === 2", timeout=5_000)
    page.keyboard.press("Space")  # plays, rather than pressing Step again
    page.wait_for_function(f"() => document.querySelector('{PLAYER}').dataset.playing === 'true'", timeout=5_000)
    page.keyboard.press("Space")
    scrolled = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop")
    assert scrolled == 0  # the page never jumps
    eta(page).focus()  # a slider the keyboard adjusts keeps its arrows until Escape
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{PLAYER}').dataset.rate !== '{rate}'", timeout=5_000)
    page.keyboard.press("Escape")
    frame = page.evaluate(SHOWN)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => {SHOWN_JS} === {frame - 1}", timeout=5_000)


def test_reduced_motion_waits_for_play_and_says_how_to_step(chromium, app_url):
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(f"{app_url}/", wait_until="domcontentloaded")  # auto-play is on in the link
        page.locator(PLAYER_CHART).first.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(1500)
        assert page.evaluate(f"() => document.querySelector('{PLAYER}').dataset.playing") != "true"
        assert page.evaluate(SHOWN) == 0
        note = page.locator(".lr-motion")
        assert note.is_visible() and "→ to step" in note.inner_text()
        page.get_by_role("button", name="Play", exact=True).click()  # Play still plays
        page.wait_for_function(f"() => {SHOWN_JS} > 2", timeout=10_000)
    finally:
        context.close()


def test_a_screen_reader_hears_what_the_run_does_and_can_read_its_numbers(app):
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    chart = page.locator(".lr-chart")
    assert chart.get_attribute("role") == "group" and "decision boundary" in chart.get_attribute("aria-label")
    assert chart.get_attribute("aria-describedby") == "lr-now"
    now = page.locator("#lr-now")
    assert now.get_attribute("aria-live") == "polite"
    page.wait_for_function("() => document.querySelector('#lr-now').textContent.startsWith('Epoch 0 of 100')")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('#lr-now').textContent.startsWith('Epoch 3 of 100')")
    text = now.text_content()
    numbers = page.locator(".lr-readout").inner_text()  # the same numbers as the line under the bar
    assert f"loss {numbers.split('loss ')[1].split(' ')[0]}" in text and "at epoch" in text, (text, numbers)
    # the table, one keyboard step from the fold's summary
    summary = page.locator(".lr-table summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator(".lr-table table")
    table.wait_for(state="visible")
    assert table.locator("tbody tr").count() == page.evaluate(
        "() => Number(document.querySelector('.lr-player').dataset.frames)"
    )
    first = table.locator("tbody tr").first.inner_text().split("\t")
    assert first[0] == "0" and first[4] == "0.6931", first  # epoch 0, the loss at w = 0: log 2


def test_the_classes_lanes_and_kinds_stay_apart_for_colour_blind_eyes():
    """Every colour pair that carries meaning, seen through deuteranopia and protanopia (Viénot, Brettel and
    Mollon's simulation, in linear RGB): still apart by a visible distance."""
    import sys

    sys.path.insert(0, str(ROOT))
    from logreg.plot_parts import CLASS_COLORS, LANE_COLORS, TEST_COLOR, TRAIN_COLOR

    matrices = {
        "protanopia": ((0.11238, 0.88762, 0.0), (0.11238, 0.88762, 0.0), (0.00401, -0.00401, 1.0)),
        "deuteranopia": ((0.29275, 0.70725, 0.0), (0.29275, 0.70725, 0.0), (-0.02234, 0.02234, 1.0)),
    }

    def linear(c: str) -> list[float]:
        v = [int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        return [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in v]

    def seen(c: str, m) -> list[float]:
        rgb = linear(c)
        out = [sum(m[i][j] * rgb[j] for j in range(3)) for i in range(3)]
        return [max(0.0, min(1.0, x)) ** (1 / 2.2) for x in out]  # back to a perceptual scale

    def apart(a: str, b: str, m) -> float:
        return sum((x - y) ** 2 for x, y in zip(seen(a, m), seen(b, m))) ** 0.5

    pairs = [tuple(CLASS_COLORS), (TRAIN_COLOR, TEST_COLOR)]
    pairs += [(a, b) for i, a in enumerate(LANE_COLORS) for b in LANE_COLORS[i + 1 :]]
    for name, m in matrices.items():
        for a, b in pairs:
            assert apart(a, b, m) > 0.15, (name, a, b, apart(a, b, m))
    # and the check can fail: red and green are one colour to these eyes
    assert apart("#D62728", "#2CA02C", matrices["deuteranopia"]) < 0.15


def test_listen_plays_the_loss_up_to_the_epoch_on_screen_as_pitch(app):
    """A rate that is too large, heard: the pitch follows the run's loss up and down, within two octaves."""
    page = app.open("?autoplay=off&lr=50&labels=logistic")
    app.assert_ok(charts=1)
    page.evaluate(
        "() => { const s = document.querySelector('.st-key-animation .lr-scrub'); s.value = '20';"
        " s.dispatchEvent(new Event('input')); }"
    )
    page.wait_for_function(f"() => {SHOWN_JS} === 20", timeout=10_000)
    page.get_by_role("button", name="Listen to the loss", exact=True).click()
    heard = page.evaluate("() => window.__lrPlayer.heard")
    losses = page.evaluate("() => Array.from(window.__lrPlayer.family.runs[window.__lrPlayer.rate].loss)")[:21]
    assert len(heard["hz"]) == 21 and heard["seconds"] <= 3
    assert all(220 - 1e-9 <= hz <= 880 + 1e-9 for hz in heard["hz"])
    for (a, b), (p, q) in zip(zip(losses, losses[1:]), zip(heard["hz"], heard["hz"][1:])):
        assert (b > a) == (q > p) or a == b  # the pitch rises exactly where the loss rises
    assert any(q > p for p, q in zip(heard["hz"], heard["hz"][1:]))  # η = 50 swings: the tone goes up too
    assert "Listening" in page.locator("#lr-now").text_content()


TAB_BAR_TOP = "() => Math.round(document.querySelector('[data-testid=stTabs]').getBoundingClientRect().top)"


def on_the_math_tab(app):
    """The laptop's page with the math tab opened by a click, once settled, and the tab bar's top there."""
    app.page.set_viewport_size({"width": 1280, "height": 720})
    page = app.open("?autoplay=off")
    app.assert_ok(charts=1)
    page.get_by_role("tab", name="Math at one epoch", exact=True).click()
    app.wait(timeout=60_000)
    page.wait_for_timeout(2500)
    return page, page.evaluate(TAB_BAR_TOP)


def test_the_tab_bar_stays_where_it_was_clicked(app):
    """Opening a tab changes what is above the tab bar (the race's bar and words, the captions): the page
    scrolls by as much, so the bar does not move under the pointer."""
    page, where = on_the_math_tab(app)
    for tab in ("Learning rates side by side", "Ground truth", "Optimizers side by side", "Summary"):
        page.get_by_role("tab", name=tab, exact=True).click()
        app.wait(timeout=60_000)
        page.wait_for_timeout(2500)
        assert abs(page.evaluate(TAB_BAR_TOP) - where) <= 2, tab


def test_the_verdict_waits_for_the_end_of_the_run(app):
    """Nothing from the future: while the run is short of its end the verdict box says where the verdict will
    appear; at the last epoch it gives the run's badge and headline."""
    page = app.open("?autoplay=off&lr=50&labels=logistic")
    app.assert_ok(charts=1)
    words = page.locator("[data-testid=verdict] .lr-words")
    assert words.inner_text().startswith("Watch: the verdict on this run appears at epoch 100")
    assert not page.locator(".lr-more").is_visible()
    page.evaluate(
        "() => { const s = document.querySelector('.st-key-animation .lr-scrub'); s.value = s.max;"
        " s.dispatchEvent(new Event('input')); }"
    )
    page.wait_for_function("() => document.querySelector('[data-testid=verdict] .lr-words').textContent"
                           ".startsWith('Oscillating:')")  # fmt: skip
    assert page.locator(".lr-more").is_visible()
    page.keyboard.press("ArrowLeft")  # one frame back: the end is not on screen any more
    page.wait_for_function("() => document.querySelector('[data-testid=verdict] .lr-words').textContent"
                           ".startsWith('Watch:')")  # fmt: skip


TICKS_MEET = """(gd) => {
    // every tick label against every tick label of another axis (corner ticks: the loss panel's 0 and its
    // epoch 0), more than a pixel of overlap
    const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const ticks = [...gd.querySelectorAll('g[class$="tick"] text')].filter(t => t.textContent.trim())
        .map(t => [t.closest('g[class$="tick"]').getAttribute('class') + ' ' + t.textContent, t.getBoundingClientRect(),
                   t.closest('.xaxislayer-above, .yaxislayer-above')]);
    const out = [];
    ticks.forEach(([a, ra, la], i) => ticks.slice(i + 1).forEach(([b, rb, lb]) => {
        if (meet(ra, rb)) out.push(a + ' / ' + b);
    }));
    return out;
}"""


@pytest.mark.parametrize("name, width, height, query", SCREENS[:3] + [SCREENS[3]], ids=[s[0] for s in SCREENS[:4]])
def test_no_title_legend_or_tick_lies_on_another_in_a_presenters_room(app, name, width, height, query):
    from .test_browser import settled_overlaps

    app.page.set_viewport_size({"width": width, "height": height})
    page = app.open(query.replace("autoplay=off", "autoplay=off&epochs=300&test=0.3"))
    app.assert_ok(charts=1)
    page.wait_for_timeout(600)
    gd = page.query_selector(PLAYER_CHART)
    assert settled_overlaps(gd) == []
    assert gd.evaluate(TICKS_MEET) == []


def test_every_chart_has_a_name_that_says_what_it_shows(app):
    page = app.open("?autoplay=off&view=Math+at+one+epoch")
    app.assert_ok(charts=1)
    page.wait_for_function("() => document.querySelector('.st-key-math_plot')?.getAttribute('aria-label')")
    assert "in detail" in page.locator(".st-key-math_plot").get_attribute("aria-label")
    assert page.locator(".lr-chart").get_attribute("aria-label")
    assert page.locator(".lr-rates").get_attribute("aria-label")
    page.get_by_role("tab", name="Ground truth", exact=True).click()
    app.wait(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.st-key-truth_plot')?.getAttribute('aria-label')")
    page.get_by_role("tab", name="Predictions", exact=True).click()
    app.wait(timeout=60_000)
    page.wait_for_function(
        "() => (document.querySelector('.st-key-roc_plot')?.getAttribute('aria-label') || '').startsWith('The ROC')"
    )


def test_a_reader_who_scrolls_takes_the_page_back(app):
    """The tab bar is held in place only until the reader scrolls: a wheel turned while the tab opens moves
    the page, and nothing pulls it back."""
    page, where = on_the_math_tab(app)
    page.get_by_role("tab", name="Summary", exact=True).click()
    page.wait_for_timeout(300)
    page.mouse.move(640, 400)
    page.mouse.wheel(0, -400)  # up: the page is near its end
    app.wait(timeout=60_000)
    page.wait_for_timeout(2500)
    assert page.evaluate(TAB_BAR_TOP) >= where + 300
