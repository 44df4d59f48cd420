"""The downloads are made from the settings alone: the same settings give the same bytes, so Streamlit's media
storage, which keys a file by its content, keeps one copy however often the buttons are clicked."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from logreg.app import cached
from logreg.ui.chart import HTML_DIV_ID, html_page

APP = Path(__file__).resolve().parents[1] / "app.py"
QUERY = {"epochs": "37", "test": "0.2", "seed": "5"}
CLICKS = 3
TAIL = 65_536  # Streamlit 1.67 tells files over 1 MiB apart by their length and head, middle and tail samples


class _RecordingManager(MediaFileManager):
    made: list[MediaFileManager] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _RecordingManager.made.append(self)


def clicked(query: dict, clicks: int) -> tuple[dict[str, list[bytes]], MediaFileManager]:
    """A fresh session on `query` whose download buttons are each clicked `clicks` times: the bytes each
    click delivered, by file name, and the server's media manager."""
    _RecordingManager.made.clear()
    with mock.patch.object(app_test_module, "MediaFileManager", _RecordingManager):
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.session_state["downloads"] = True  # the buttons' fold, open
        at.run()
    assert len(at.exception) == 0, [e.value for e in at.exception]
    manager = _RecordingManager.made[-1]
    files: dict[str, list[bytes]] = {}
    for button in at.download_button:
        for _ in range(clicks):
            url = manager.execute_deferred(button.proto.deferred_file_id)  # what a click asks the server
            stored = manager._storage.get_file(url.rsplit("/", 1)[-1])
            files.setdefault(stored.filename, []).append(stored.content)
    return files, manager


@pytest.fixture(scope="module")
def sessions():
    """Two sessions on the same settings, the shared cache emptied before each (so the second trains again)."""
    cached.CACHE.clear()
    first = clicked(QUERY, CLICKS)
    cached.CACHE.clear()
    second = clicked(QUERY, 1)
    return first, second


def test_every_click_delivers_the_same_bytes(sessions):
    (files, _), _ = sessions
    assert set(files) == {"history.csv", "dataset.csv", "logistic-regression.html"}
    for name, contents in files.items():
        assert len(contents) == CLICKS and len(set(contents)) == 1, f"{name}: the clicks made different files"


def test_the_media_storage_keeps_one_copy_of_each_file(sessions):
    (_, manager), _ = sessions
    assert len(manager._storage._files_by_id) == 3  # three buttons clicked three times each


def test_another_session_with_the_same_settings_gets_the_same_bytes(sessions):
    (files, _), (again, _) = sessions
    for name in files:
        assert again[name][0] == files[name][0], f"{name} differs between two sessions with the same settings"


def test_the_animation_page_names_its_div_and_ends_with_its_digest(sessions):
    (files, _), _ = sessions
    page = files["logistic-regression.html"][0]
    assert len(page) > 2**20 and f'<div id="{HTML_DIV_ID}"'.encode() in page
    assert not re.search(rb"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", page)  # no uuid4 left
    other = clicked({**QUERY, "lr": "0.5"}, 1)[0]["logistic-regression.html"][0]
    assert other[-TAIL:] != page[-TAIL:]  # a different figure shows in the sample Streamlit reads last


def test_html_page_is_deterministic():
    figure = {"data": [{"type": "scatter", "x": [0, 1], "y": [1, 0]}], "layout": {}, "frames": []}
    assert html_page(figure) == html_page(figure)
    assert html_page(figure) != html_page({**figure, "layout": {"title": {"text": "t"}}})
