"""`python -m logreg`: the per-epoch table, the CSV export, and clean errors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from logreg import make_synthetic, train

ROOT = Path(__file__).resolve().parents[1]
SEED_004 = [0.6931, 0.5710, 0.4932, 0.4403, 0.4019, 0.3726, 0.3495, 0.3305, 0.3147, 0.3013]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "logreg", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def table(stdout: str) -> dict[int, list[str]]:
    rows = {}
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0].isdigit():
            rows[int(parts[0])] = parts[1:]
    return rows


def test_default_output_is_the_seed_004_table():
    result = cli()
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = table(result.stdout)
    assert sorted(rows) == list(range(0, 101, 10))
    assert [rows[e][0] for e in range(0, 100, 10)] == [f"{v:.4f}" for v in SEED_004]
    assert result.stdout.splitlines()[0].split() == ["epoch", "loss", "accuracy", "w_x1", "w_x2", "b"]
    # the other columns are the library's numbers
    data = make_synthetic()
    last = list(train(data.X, data.y, learning_rate=0.1, epochs=100))[-1]
    assert rows[100] == [f"{last.loss:.4f}", f"{last.accuracy:.3f}", f"{last.w[0]:.5f}", f"{last.w[1]:.5f}",
                         f"{last.b:.5f}"]


def test_every_and_a_last_epoch_off_the_grid():
    result = cli("--epochs", "23", "--every", "5")
    assert result.returncode == 0, result.stderr
    assert sorted(table(result.stdout)) == [0, 5, 10, 15, 20, 23]


def test_csv_has_one_row_per_snapshot(tmp_path):
    out = tmp_path / "run.csv"
    result = cli("--epochs", "25", "--lr", "0.5", "--l2", "0.01", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    with out.open(newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    assert header == ["epoch", "loss", "objective", "accuracy", "w1", "w2", "b", "grad_w1", "grad_w2", "grad_b"]
    assert len(body) == 26
    assert [int(r[0]) for r in body] == list(range(26))
    data = make_synthetic()
    history = list(train(data.X, data.y, learning_rate=0.5, epochs=25, l2=0.01))
    for r, s in zip(body, history):
        assert float(r[1]) == s.loss and float(r[2]) == s.objective  # repr round-trips exactly
        assert [float(v) for v in r[4:7]] == [*s.w, s.b]
        assert [float(v) for v in r[7:]] == [*s.gradient_w, s.gradient_b]


def test_csv_with_loss_threshold_stops_early(tmp_path):
    out = tmp_path / "run.csv"
    result = cli("--loss-threshold", "0.5", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    with out.open(newline="") as fh:
        body = list(csv.reader(fh))[1:]
    assert float(body[-1][1]) <= 0.5 < float(body[-2][1])


def test_trains_on_a_csv_file(tmp_path):
    path = tmp_path / "d.csv"
    lines = ["a;b;label"] + [f"{i};{(i * 7) % 11};{'yes' if (i * 7) % 11 > i % 9 else 'no'}" for i in range(30)]
    path.write_bytes("\r".join(lines).encode("latin-1"))  # CR-only line ends, semicolons
    result = cli("--data", str(path), "--features", "a", "b", "--label", "label", "--scaling", "standardize",
                 "--epochs", "5", "--every", "1")
    assert result.returncode == 0, result.stderr
    assert sorted(table(result.stdout)) == [0, 1, 2, 3, 4, 5]
    assert "w_a" in result.stdout and "w_b" in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--lr", "abc"], "--lr"),  # argparse
        (["--epochs", "1.5"], "--epochs"),
        (["--init", "xavier"], "--init"),
        (["--no-such-flag"], "unrecognized"),
        (["--lr", "-1"], "learning_rate"),  # the library's ValueError
        (["--lr", "nan"], "learning_rate"),
        (["--epochs", "-3"], "epochs"),
        (["--n", "0"], "n must"),
        (["--flip", "0.9"], "flip"),
        (["--scale", "0", "1"], "scale"),
        (["--scale", "1e308", "1e308"], "scale"),
        (["--seed", "-1"], "eed"),
        (["--batch-size", "0"], "batch_size"),
        (["--every", "0"], "--every"),
        (["--data", "/nonexistent/file.csv", "--features", "a", "b", "--label", "c"], "No such file"),
        (["--data", "x.csv"], "--features"),
    ],
)
def test_bad_values_exit_2_with_error_and_no_traceback(args, needle):
    result = cli(*args)
    assert result.returncode == 2
    assert "error:" in result.stderr
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert "Warning" not in result.stderr


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary", b"a,b,c\n1,2,0\n", b"x1,x2," + b"y" * 200_000 + b"\n1,2,3\n"],
    ids=["empty", "binary", "too-short", "huge-header-field"],
)
def test_bad_csv_files_exit_2_without_traceback(tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = cli("--data", str(path), "--features", "a", "b", "--label", "c")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
