"""`python -m logreg`: the per-epoch table, the CSV export, and clean errors."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from logreg import make_synthetic, model, train
from logreg.tabular import from_frame

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
    assert rows[100] == [
        f"{last.loss:.4f}",
        f"{last.accuracy:.3f}",
        f"{last.w[0]:.5f}",
        f"{last.w[1]:.5f}",
        f"{last.b:.5f}",
    ]


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
    result = cli(
        "--data",
        str(path),
        "--features",
        "a",
        "b",
        "--label",
        "label",
        "--scaling",
        "standardize",
        "--epochs",
        "5",
        "--every",
        "1",
    )
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
        (["--threshold", "1"], "--threshold"),
        (["--threshold", "nan"], "--threshold"),
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


# --- a tutorial notebook, reproduced ------------------------------------------------------------


def insurance_like(path: Path, n: int = 28, seed: int = 11) -> None:
    """A small file in the shape of the tutorial's: age in years, a 0/1 column, a 0/1 label."""
    rng = np.random.RandomState(seed)
    age = rng.randint(18, 66, size=n)
    afford = rng.randint(0, 2, size=n)
    bought = (rng.random_sample(n) < 1 / (1 + np.exp(-(0.12 * (age - 40) + 1.5 * afford - 0.5)))).astype(int)
    lines = ["age,affordibility,bought_insurance"] + [f"{a},{f},{b}" for a, f, b in zip(age, afford, bought)]
    path.write_text("\n".join(lines) + "\n")


def notebook_run(x1, x2, y, epochs: int, loss_threshold: float | None, rate: float = 0.5):
    """The notebook's loop, one sample at a time with the math module: w1 = w2 = 1, b = 0; each epoch
    computes the loss, then updates, then stops if that loss was at or below the threshold.

    Returns (losses, parameters before each update, parameters returned)."""
    w1 = w2 = 1.0
    bias = 0.0
    n = len(y)
    losses, params = [], []
    for _ in range(epochs):
        z = [w1 * a + w2 * f + bias for a, f in zip(x1, x2)]
        p = [1 / (1 + math.exp(-v)) for v in z]
        loss = -sum(t * math.log(q) + (1 - t) * math.log(1 - q) for t, q in zip(y, p)) / n
        losses.append(loss)
        params.append((w1, w2, bias))
        w1d = sum(a * (q - t) for a, q, t in zip(x1, p, y)) / n
        w2d = sum(f * (q - t) for f, q, t in zip(x2, p, y)) / n
        bias_d = sum(q - t for q, t in zip(p, y)) / n
        w1, w2, bias = w1 - rate * w1d, w2 - rate * w2d, bias - rate * bias_d
        if loss_threshold is not None and loss <= loss_threshold:
            break
    return losses, params, (w1, w2, bias)


def test_a_tutorial_notebook_is_reproduced_from_the_cli_and_from_frame(tmp_path):
    ms = pytest.importorskip("sklearn.model_selection")
    path = tmp_path / "insurance.csv"
    insurance_like(path)
    df = pd.read_csv(path)
    # the notebook: split, divide age by 100, start at w = 1 and b = 0, rate 0.5, a loss threshold
    X_train, X_test, y_train, y_test = ms.train_test_split(
        df[["age", "affordibility"]], df["bought_insurance"], test_size=0.2, random_state=42
    )
    x1 = [a / 100 for a in X_train["age"]]
    x2 = [float(f) for f in X_train["affordibility"]]
    y = [float(t) for t in y_train]
    free_losses, _, _ = notebook_run(x1, x2, y, 400, None)
    # a threshold written with four decimals, like the notebook's 0.4631, that the run crosses at epoch ~150
    threshold = math.ceil(free_losses[150] * 1e4) / 1e4
    assert all(abs(v - threshold) > 1e-9 for v in free_losses)  # no float-rounding coin toss at the stop
    losses, params, returned = notebook_run(x1, x2, y, 1000, threshold)
    stop = len(losses) - 1  # the epoch whose loss was the first at or below the threshold
    # a threshold rounded to two decimals would stop elsewhere: the value must be used exactly
    assert next(i for i, v in enumerate(free_losses) if v <= round(threshold, 2)) != stop

    # from the library
    tab = from_frame(
        df,
        ("age", "affordibility"),
        "bought_insurance",
        scaling="none",
        test_fraction=0.2,
        seed=42,
        divide={"age": 100},
    )
    assert tab.train.X[:, 0].tolist() == x1 and tab.train.X[:, 1].tolist() == x2 and tab.train.y.tolist() == y
    assert tab.test.X[:, 0].tolist() == [a / 100 for a in X_test["age"]]
    history = list(
        train(tab.train.X, tab.train.y, learning_rate=0.5, epochs=1000, init="ones", loss_threshold=threshold)
    )
    assert history[-1].epoch == stop  # the library stops at the first snapshot at or below the threshold
    for s in history:
        assert s.loss == pytest.approx(losses[s.epoch], rel=1e-12)
        np.testing.assert_allclose([*s.w, s.b], params[s.epoch], rtol=1e-12, atol=1e-15)
    # the notebook returns one update more: the parameters of snapshot stop + 1
    one_more = list(train(tab.train.X, tab.train.y, learning_rate=0.5, epochs=stop + 1, init="ones"))[-1]
    np.testing.assert_allclose([*one_more.w, one_more.b], returned, rtol=1e-12)

    # from the command line, the same run and the same numbers
    cli_reproduces(tmp_path, path, threshold, stop, losses, params, X_test, y_test)


def cli_reproduces(tmp_path, path, threshold: float, stop: int, losses, params, X_test, y_test) -> None:
    """The command line's run of the notebook: its table, its history file and its held-out loss."""
    out = tmp_path / "history.csv"
    result = cli(
        "--data",
        str(path),
        "--features",
        "age",
        "affordibility",
        "--label",
        "bought_insurance",
        "--divide",
        "age=100",
        "--test",
        "0.2",
        "--split-seed",
        "42",
        "--init",
        "ones",
        "--lr",
        "0.5",
        "--epochs",
        "1000",
        "--loss-threshold",
        repr(threshold),
        "--csv",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert f"stopped at epoch {stop}:" in result.stdout
    assert "age / 100" in result.stdout
    rows = pd.read_csv(out)
    assert rows["epoch"].tolist() == list(range(stop + 1))
    np.testing.assert_allclose(rows["loss"], losses, rtol=1e-12)
    np.testing.assert_allclose(rows[["w1", "w2", "b"]].to_numpy(), params, rtol=1e-12, atol=1e-15)
    # the file-units columns: w_age per year is w1 / 100, the rest unchanged
    np.testing.assert_allclose(rows["w1_original"], rows["w1"] / 100, rtol=1e-15)
    np.testing.assert_array_equal(rows["w2_original"], rows["w2"])
    np.testing.assert_array_equal(rows["b_original"], rows["b"])
    # and the held-out rows are sklearn's: the test loss at the last epoch is theirs
    w1, w2, b = params[stop]
    z = [w1 * a / 100 + w2 * f + b for a, f in zip(X_test["age"], X_test["affordibility"])]
    test_loss = sum(math.log1p(math.exp(-v)) if t else math.log1p(math.exp(v)) for v, t in zip(z, y_test)) / len(z)
    assert rows["test_loss"].iloc[-1] == pytest.approx(test_loss, rel=1e-12)


def test_standardized_weights_are_printed_and_exported_in_file_units_too(tmp_path):
    path = tmp_path / "insurance.csv"
    insurance_like(path, n=60, seed=3)
    out = tmp_path / "h.csv"
    result = cli(
        "--data",
        str(path),
        "--features",
        "age",
        "affordibility",
        "--label",
        "bought_insurance",
        "--scaling",
        "standardize",
        "--lr",
        "1",
        "--epochs",
        "30",
        "--csv",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "trained on scaled features: age (standardized), affordibility (standardized)" in result.stdout
    final = next(line for line in result.stdout.splitlines() if "in the file's units" in line)
    numbers = dict(part.split(" = ") for part in final.split(": ", 1)[1].split(", "))
    w_age, w_aff, b = float(numbers["w_age"]), float(numbers["w_affordibility"]), float(numbers["b"])
    rows = pd.read_csv(out)
    last = rows.iloc[-1]
    assert (last["w1_original"], last["w2_original"], last["b_original"]) == (w_age, w_aff, b)
    # the same line: on the file's own numbers the logits are those of the scaled weights on standardized ones
    raw = pd.read_csv(path)
    X = raw[["age", "affordibility"]].to_numpy(float)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    np.testing.assert_allclose(X @ [w_age, w_aff] + b, Z @ [last["w1"], last["w2"]] + last["b"], rtol=1e-10, atol=1e-12)
    # every epoch has its file-units row
    W = rows[["w1", "w2"]].to_numpy() / X.std(axis=0)
    np.testing.assert_allclose(rows[["w1_original", "w2_original"]].to_numpy(), W, rtol=1e-13)
    np.testing.assert_allclose(rows["b_original"], rows["b"] - W @ X.mean(axis=0), rtol=1e-12, atol=1e-12)


def test_unscaled_csv_history_has_no_original_columns(tmp_path):
    path = tmp_path / "insurance.csv"
    insurance_like(path)
    out = tmp_path / "h.csv"
    result = cli(
        "--data",
        str(path),
        "--features",
        "age",
        "affordibility",
        "--label",
        "bought_insurance",
        "--epochs",
        "3",
        "--csv",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "file's units" not in result.stdout and "scaled" not in result.stdout
    assert list(pd.read_csv(out).columns)[-1] == "grad_b"


def test_synthetic_split_is_sklearns(tmp_path):
    ms = pytest.importorskip("sklearn.model_selection")
    out = tmp_path / "h.csv"
    result = cli("--n", "200", "--test", "0.3", "--split-seed", "7", "--epochs", "5", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    data = make_synthetic(n=200)
    X_train, X_test, y_train, y_test = ms.train_test_split(data.X, data.y, test_size=0.3, random_state=7)
    history = list(train(X_train, y_train, learning_rate=0.1, epochs=5, X_test=X_test, y_test=y_test))
    rows = pd.read_csv(out)
    assert rows["loss"].tolist() == [s.loss for s in history]
    assert rows["test_loss"].tolist() == [s.test_loss for s in history]


def test_an_epoch_of_mini_batches_is_one_shuffled_pass_of_ceil_n_over_b_updates():
    # what --epochs says: with --batch-size B an epoch is ⌈n/B⌉ updates over one shuffled pass
    help_text = cli("--help").stdout
    assert "⌈n/B⌉ updates" in " ".join(help_text.split())
    data = make_synthetic(n=50, seed=2)
    B = 16  # ⌈50/16⌉ = 4 updates, the last on 2 samples
    after = list(train(data.X, data.y, learning_rate=0.3, epochs=2, batch_size=B, seed=5))
    rng = np.random.RandomState(5)
    w, b = np.zeros(2), 0.0
    for epoch in (1, 2):
        order = rng.permutation(50)
        batches = [order[i : i + B] for i in range(0, 50, B)]
        assert len(batches) == math.ceil(50 / B)
        for idx in batches:
            gw, gb = model.gradients(data.X[idx], data.y[idx], w, b)
            w, b = w - 0.3 * gw, b - 0.3 * gb
        np.testing.assert_allclose([*after[epoch].w, after[epoch].b], [*w, b], rtol=1e-13)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--divide", "age"], "--divide must be COLUMN=NUMBER"),
        (["--divide", "age=abc"], "'age=abc'"),
        (["--divide", "x1=2"], "--data"),
        (["--test", "1"], "test_fraction"),
        (["--test", "-0.1"], "test_fraction"),
    ],
)
def test_bad_divide_and_test_values(args, needle):
    result = cli(*args)
    assert result.returncode == 2 and needle in result.stderr and "Traceback" not in result.stderr


def test_divide_naming_a_column_that_is_not_a_feature(tmp_path):
    path = tmp_path / "insurance.csv"
    insurance_like(path)
    result = cli(
        "--data",
        str(path),
        "--features",
        "age",
        "affordibility",
        "--label",
        "bought_insurance",
        "--divide",
        "income=100",
    )
    assert result.returncode == 2 and "'income'" in result.stderr and "not a feature" in result.stderr


def test_the_last_line_is_the_runs_verdict_as_the_page_gives_it():
    from logreg.app.run import run
    from logreg.app.settings import Settings

    result = cli()
    assert result.returncode == 0, result.stderr
    v = run(Settings()).verdict  # the page's default run is the command line's default run
    assert result.stdout.splitlines()[-1] == f"verdict: {v.badge}: {v.headline}"
    assert (
        result.stdout.splitlines()[-1]
        == "verdict: Still improving: The loss is still going down at the end of the run."
    )


def test_a_diverging_run_prints_large_numbers_in_e_notation_and_says_diverging():
    result = cli("--lr", "100", "--l2", "1", "--epochs", "20", "--every", "5")
    assert result.returncode == 0, result.stderr
    rows = table(result.stdout)
    assert rows[20][0].endswith("e+39") and rows[20][2].endswith("e+39")  # loss and w_x1
    for row in rows.values():  # no number wider than its column, as a 40-digit integer would be
        assert all(len(cell) <= 12 for cell in row), row
    assert result.stdout.splitlines()[-1].startswith("verdict: Diverging: Too big")


def test_a_mini_batch_run_gets_a_verdict_without_rates():
    result = cli("--batch-size", "1", "--lr", "2", "--epochs", "20", "--labels", "logistic")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("verdict: Noisy: ")


@pytest.mark.parametrize("threshold", ["0.5", "0.7", "0.05"])
def test_the_last_epochs_confusion_matrix_and_auc_equal_scikit_learns(threshold):
    metrics = pytest.importorskip("sklearn.metrics")
    from logreg import split

    result = cli("--test", "0.3", "--flip", "0.1", "--epochs", "30", "--threshold", threshold)
    assert result.returncode == 0, result.stderr
    data = make_synthetic(1000, (2.0, -3.0), 0.5, 0, flip=0.1)
    parts = dict(zip(("training", "test"), split(data, 0.3, 0)))
    last = list(train(parts["training"].X, parts["training"].y, learning_rate=0.1, epochs=30))[-1]
    for name, part in parts.items():
        p = model.sigmoid(part.X @ last.w + last.b)
        (tn, fp), (fn, tp) = metrics.confusion_matrix(part.y, p >= float(threshold), labels=[0, 1])
        auc = metrics.roc_auc_score(part.y, p)
        line = next(x for x in result.stdout.splitlines() if x.startswith("predictions") and f"{name} rows" in x)
        assert f"τ = {float(threshold):g}, {name} rows: tn {tn}, fp {fp}, fn {fn}, tp {tp};" in line, line
        assert f"AUC {auc:.4f}" in line, line
