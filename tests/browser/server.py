"""The app served on loopback, and Debian's Chromium's flags: shared by the browser tests and
benchmarks/bench_load.py. Only 127.0.0.1 is ever contacted."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # without these Chromium floods the closed network with requests
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",
]
SERVER_START_S = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def health(base_url: str) -> str:
    try:
        with _NO_PROXY.open(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.read().decode(errors="replace").strip()
    except OSError:
        return ""


def start_server(
    log_path: Path, port: int | None = None, script: str = "app.py", cwd: Path = ROOT
) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run <script>` (a path from `cwd`, the project's root unless another checkout is
    given: `python -m streamlit` then imports that checkout's logreg and reads its .streamlit/config.toml)
    on 127.0.0.1 and wait until /_stcore/health says ok."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if health(base_url) == "ok":
            return proc, base_url
        time.sleep(0.25)
    stop_server(proc)
    tail = log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(
        f"streamlit did not become healthy on {base_url} within {SERVER_START_S} s "
        f"(exit code {proc.returncode}). Its output:\n{tail}"
    )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# ---------------------------------------------------------------- several servers behind nginx
NGINX = "/usr/sbin/nginx"
PROXY_CONF = ROOT / "deploy" / "proxy.conf"  # the same file compose.yaml gives nginx
AFFINITY_COOKIE = "logreg_affinity"


def render_proxy_conf(upstreams: list[str], port: int) -> str:
    """deploy/proxy.conf with its `server appN:8501;` upstream lines replaced by `upstreams`
    (host:port) and its `listen` on 127.0.0.1:port; the rest of the file is used unchanged."""
    text = PROXY_CONF.read_text()
    servers = re.findall(r"^[ \t]*server[ \t]+app\d+:8501;[ \t]*\n", text, flags=re.M)
    listens = re.findall(r"^[ \t]*listen[ \t]+8080;[ \t]*$", text, flags=re.M)
    if not servers or len(listens) != 1:
        raise ValueError(
            f"{PROXY_CONF.name} no longer has the `server appN:8501;` and `listen 8080;` lines the test replaces"
        )
    lines = "".join(f"    server {u};\n" for u in upstreams)
    text = text.replace(servers[0], lines, 1)
    for line in servers[1:]:
        text = text.replace(line, "", 1)
    return text.replace(listens[0], f"    listen 127.0.0.1:{port};", 1)


def start_proxy(workdir: Path, upstreams: list[str], port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Debian's nginx as a standalone unprivileged-style process: its config, pid file, temporary
    files and logs all in `workdir`; the access log (JSON lines, see deploy/proxy.conf) goes to
    workdir/access.log, its error log to workdir/error.log. Waits until the proxy answers
    /_stcore/health."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / "temp" / sub).mkdir(parents=True, exist_ok=True)
    (workdir / "proxy.conf").write_text(render_proxy_conf(upstreams, port))
    (workdir / "nginx.conf").write_text(
        "worker_processes 1;\n"
        "pid nginx.pid;\n"
        "error_log error.log notice;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    client_body_temp_path temp/client_body;\n"
        "    proxy_temp_path temp/proxy;\n"
        "    fastcgi_temp_path temp/fastcgi;\n"
        "    uwsgi_temp_path temp/uwsgi;\n"
        "    scgi_temp_path temp/scgi;\n"
        "    include proxy.conf;\n"
        "}\n"
    )
    command = [NGINX, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", "error.log", "-g", "daemon off;"]
    with open(workdir / "access.log", "wb") as out, open(workdir / "stderr.log", "wb") as err:
        proc = subprocess.Popen(command, cwd=workdir, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if health(base_url) == "ok":
            return proc, base_url
        time.sleep(0.1)
    stop_server(proc)
    logs = "".join(
        p.read_text(errors="replace")[-2000:] for p in (workdir / "stderr.log", workdir / "error.log") if p.exists()
    )
    raise RuntimeError(f"nginx did not answer on {base_url} (exit code {proc.returncode}). Its output:\n{logs}")
