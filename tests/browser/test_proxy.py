"""Two server processes behind nginx with session affinity (deploy/proxy.conf, the file compose.yaml uses):
20 browser sessions through the proxy each render the app and stay on one process. And the proxy's bound on
uploads: a burst of uploads into one session is cut off, while another session still uploads.

The proxy's access log (one JSON object per request, see deploy/proxy.conf) names the upstream that served
each request and the affinity key it was routed by. A websocket is logged when it closes, so the log is read
after the browser contexts are closed. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import PLAYER_CHART, TIMEOUT_MS, VIEWPORT, App, require_nginx
from .server import AFFINITY_COOKIE, start_proxy, start_server, stop_server

SESSIONS = 20
AT_ONCE = 4  # browser contexts opened together: the machine may have 2 cores
FIRST_LOAD_MS = 60_000  # a page's first load while three others load beside it
TEST_LIMIT_S = 240  # conftest's hard limit for this module: 20 page loads took 2–3 min on a busy 2-core machine
CSV = b"x1,x2,label\n" + b"".join(f"{i % 7},{(i * 3) % 11},{'ab'[i % 2]}\n".encode() for i in range(40))


UPLOAD_BURST = 20  # PUTs with made-up file ids, one after another, into one session
UPLOADS_PASSED = 5  # deploy/proxy.conf: a session may upload 5 files at once (1 + burst), the first of them its own


class Proxy:
    def __init__(self, url: str, log: Path, backends: list[str]):
        self.url, self.log, self.backends = url, log, backends

    def entries(self) -> list[dict]:
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def proxy(chromium, tmp_path: Path) -> Iterator[Proxy]:
    """Two `streamlit run app.py` processes on free loopback ports, and nginx in front of them."""
    require_nginx()
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(start_server(tmp_path / f"server-{name}.log"))
        backends = [url.removeprefix("http://") for _, url in servers]
        nginx, url = start_proxy(tmp_path / "nginx", backends)
        try:
            yield Proxy(url, tmp_path / "nginx" / "access.log", backends)
        finally:
            stop_server(nginx)
    finally:
        for proc, _ in servers:
            stop_server(proc)


def open_session(chromium, url: str) -> dict:
    context = chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    session = {"context": context, "page": page, "errors": []}
    page.on("pageerror", lambda err: session["errors"].append(str(err)))
    page.goto(f"{url}/?autoplay=off", wait_until="commit")  # no animation: 20 pages share 2 cores
    return session


def check_session(session: dict, url: str) -> None:
    """The app rendered; the history download (a /media request of this session) works."""
    page, app = session["page"], App(session["page"], url)
    app.wait(timeout=FIRST_LOAD_MS)
    app.assert_ok(charts=1)
    page.get_by_text("Downloads: the run on screen").click()  # the files are under a fold
    app.wait(timeout=FIRST_LOAD_MS)
    button = page.locator("[data-testid='stDownloadButton'] button", has_text="History (CSV)")
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.click()
    path = download.value.path()
    assert path.read_text().startswith("epoch,loss"), "the history download did not come from this session"
    assert session["errors"] == [], f"JavaScript errors: {session['errors']}"
    [cookie] = [c["value"] for c in session["context"].cookies() if c["name"] == AFFINITY_COOKIE]
    session["cookie"] = cookie


def upload_csv(session: dict, url: str) -> None:
    """Switch this session to CSV data and upload a file: the upload must reach the session's process."""
    page, app = session["page"], App(session["page"], url)
    page.locator("[data-testid='stSidebar']").get_by_text("CSV file", exact=True).click()
    app.wait()
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
    uploader.set_input_files(files=[{"name": "small.csv", "mimeType": "text/csv", "buffer": CSV}])
    app.wait()
    page.locator(PLAYER_CHART).first.wait_for(state="visible")
    app.wait()
    app.assert_ok(charts=1)


def wait_for_websockets(proxy: Proxy, cookies: set[str], timeout_s: float = 15) -> list[dict]:
    """The access log once every session's websocket has been logged (nginx logs it when it closes)."""
    deadline = time.monotonic() + timeout_s
    while True:
        entries = proxy.entries()
        closed = {e["affinity"] for e in entries if e["uri"].startswith("/_stcore/stream") and e["status"] == "101"}
        if cookies <= closed or time.monotonic() > deadline:
            return entries
        time.sleep(0.2)


def test_twenty_sessions_render_and_each_stays_on_one_process(chromium, proxy):
    sessions: list[dict] = []
    try:
        for start in range(0, SESSIONS, AT_ONCE):
            batch = [open_session(chromium, proxy.url) for _ in range(min(AT_ONCE, SESSIONS - start))]
            sessions += batch
            for session in batch:
                check_session(session, proxy.url)
        cookies = {s["cookie"] for s in sessions}
        assert len(cookies) == SESSIONS, "two browser contexts were given the same affinity cookie"

        # Where each session's page came from, so far: upload a CSV in one session per process.
        served = {
            e["affinity"]: e["upstream"] for e in proxy.entries() if e["uri"].split("?")[0] == "/" and e["cookie"] == ""
        }
        per_backend = {served[s["cookie"]]: s for s in sessions}
        assert sorted(per_backend) == sorted(proxy.backends), f"the sessions were not spread: {served}"
        for session in per_backend.values():
            upload_csv(session, proxy.url)
    finally:
        for session in sessions:
            session["context"].close()

    entries = wait_for_websockets(proxy, cookies)
    by_cookie: dict[str, list[dict]] = defaultdict(list)
    for e in entries:
        by_cookie[e["affinity"]].append(e)
    mine = {c: by_cookie[c] for c in cookies}
    for cookie, requests in mine.items():
        upstreams = {e["upstream"] for e in requests}
        assert len(upstreams) == 1 and upstreams <= set(proxy.backends), (
            f"session {cookie} was served by {upstreams}: {[(e['uri'], e['upstream']) for e in requests]}"
        )
        first, *later = requests
        assert first["uri"].split("?")[0] == "/" and first["cookie"] == "", (
            f"session {cookie} did not start with its page"
        )
        assert later and all(e["cookie"] == cookie for e in later), (
            f"session {cookie}: a request after the page came without the affinity cookie"
        )
        kinds = {e["uri"].split("?")[0] for e in later}
        assert "/_stcore/stream" in kinds, f"session {cookie}: no websocket in the log"
        assert any(k.startswith("/media/") for k in kinds), f"session {cookie}: no download in the log"
        assert all(e["status"] in ("101", "200", "204", "304") for e in requests), (
            f"session {cookie}: {[(e['uri'], e['status']) for e in requests if int(e['status']) >= 400]}"
        )
    websockets = [e for requests in mine.values() for e in requests if e["uri"].startswith("/_stcore/stream")]
    assert all(e["status"] == "101" and e["upgrade"] == "websocket" for e in websockets)
    uploads = [e for requests in mine.values() for e in requests if e["uri"].startswith("/_stcore/upload_file")]
    assert {e["upstream"] for e in uploads} == set(proxy.backends), "an upload did not go through on each process"
    counts = {b: sum(1 for r in mine.values() if r[0]["upstream"] == b) for b in proxy.backends}
    assert all(counts.values()), f"a process served no session: {counts}"


def put_made_up_uploads(session: dict, url: str, session_id: str, count: int) -> list[int]:
    """PUT `count` small files under made-up file ids into the session, as a script could: the statuses."""
    context = session["context"]
    [xsrf] = [c["value"] for c in context.cookies() if c["name"] == "_streamlit_xsrf"]
    statuses = []
    for i in range(count):
        response = context.request.put(
            f"{url}/_stcore/upload_file/{session_id}/made-up-{i}",
            headers={"X-Xsrftoken": xsrf},
            multipart={"file": {"name": f"f{i}.csv", "mimeType": "text/csv", "buffer": CSV}},
        )
        statuses.append(response.status)
    return statuses


@pytest.fixture
def one_app_proxy(chromium, tmp_path: Path) -> Iterator[Proxy]:
    """One `streamlit run app.py` process and nginx in front of it."""
    require_nginx()
    proc, backend = start_server(tmp_path / "server.log")
    try:
        nginx, url = start_proxy(tmp_path / "nginx", [backend.removeprefix("http://")])
        try:
            yield Proxy(url, tmp_path / "nginx" / "access.log", [backend.removeprefix("http://")])
        finally:
            stop_server(nginx)
    finally:
        stop_server(proc)


def test_a_burst_of_uploads_into_one_session_is_cut_off(chromium, one_app_proxy):
    proxy, sessions = one_app_proxy, []
    try:
        for _ in range(2):
            sessions.append(open_session(chromium, proxy.url))
            App(sessions[-1]["page"], proxy.url).wait(timeout=FIRST_LOAD_MS)
        first, second = sessions
        with first["page"].expect_request(lambda r: r.method == "PUT") as put:
            upload_csv(first, proxy.url)
        session_id = put.value.url.split("/_stcore/upload_file/")[1].split("/")[0]
        statuses = put_made_up_uploads(first, proxy.url, session_id, UPLOAD_BURST)
        assert statuses == [204] * (UPLOADS_PASSED - 1) + [429] * (UPLOAD_BURST - UPLOADS_PASSED + 1), statuses
        App(first["page"], proxy.url).assert_ok(charts=1)  # the session itself goes on
        upload_csv(second, proxy.url)  # another session's uploads are not held back by it
    finally:
        for session in sessions:
            session["context"].close()
    refused = [e for e in proxy.entries() if e["uri"].startswith("/_stcore/upload_file/") and e["status"] == "429"]
    assert len(refused) == UPLOAD_BURST - UPLOADS_PASSED + 1
    assert all(e["upstream"] == "" for e in refused), "a refused upload reached the app"
