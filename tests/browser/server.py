"""The app served on loopback, and Debian's Chromium's flags: shared by the browser tests and
benchmarks/bench_load.py. Only 127.0.0.1 is ever contacted."""

from __future__ import annotations

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


def start_server(log_path: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on 127.0.0.1 and wait until /_stcore/health says ok."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if health(base_url) == "ok":
            return proc, base_url
        time.sleep(0.25)
    stop_server(proc)
    tail = log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"streamlit did not become healthy on {base_url} within {SERVER_START_S} s "
                       f"(exit code {proc.returncode}). Its output:\n{tail}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
