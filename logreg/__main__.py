"""Command line: `python -m logreg` prints the per-epoch table; its defaults reproduce seed 004."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import TYPE_CHECKING

import numpy as np

from .analysis import max_stable_learning_rate, optimum
from .curvature import sharpness_along, sharpness_at_minimum
from .data import LABEL_MODES, Dataset, make_synthetic, split
from .formatting import number
from .metrics import both_classes, confusion, roc_auc
from .model import logits, sigmoid
from .optimizer_words import ending_sentence, halving_sentence, settings_words
from .optimizers import Optimizer
from .train import INITS, Snapshot, train
from .verdict import Verdict, last_quarter_start, verdict

if TYPE_CHECKING:  # pandas is imported only when a CSV is read
    from .tabular import Scaler


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m logreg", description="Logistic regression by gradient descent.")
    add_data_arguments(p.add_argument_group("data (synthetic unless --data is given)"))
    run = p.add_argument_group("training")
    add_optimizer_arguments(run)
    run.add_argument(
        "--epochs",
        type=int,
        default=100,
        help="number of epochs (default 100): one update each with the full batch; with --batch-size B "
        "one shuffled pass over the data, ⌈n/B⌉ updates",
    )
    run.add_argument(
        "--init",
        choices=INITS,
        default="zeros",
        help="starting weights: zeros (w = 0, b = 0), ones (w = 1, b = 0) or random (default zeros)",
    )
    run.add_argument("--l2", type=float, default=0.0, help="L2 penalty λ (default 0)")
    run.add_argument("--batch-size", type=int, default=None, help="mini-batch size (default: full batch)")
    run.add_argument(
        "--loss-threshold",
        type=float,
        default=None,
        metavar="STOP",
        help="stop at the first epoch whose training loss is at or below STOP, used exactly as given "
        "(a loop that updates before it checks the loss ends one update later)",
    )
    out = p.add_argument_group("output")
    out.add_argument("--every", type=int, default=10, help="print every k-th epoch (default 10)")
    out.add_argument("--csv", metavar="PATH", help="write every epoch to this CSV file")
    out.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        metavar="TAU",
        help="a point is predicted 1 where p ≥ TAU: the confusion matrix printed for the last epoch (default 0.5)",
    )
    args = p.parse_args(argv)
    args.optimizer = Optimizer(args.optimizer)
    if args.lr is None:
        args.lr = 1.0 if args.optimizer is Optimizer.NEWTON else 0.1
    return args


def add_data_arguments(data: argparse._ArgumentGroup) -> None:
    """Synthetic data (n, true weights, labels, noise, scale) or a CSV file, and the held-out fraction."""
    data.add_argument("--n", type=int, default=1000, help="number of samples (default 1000)")
    data.add_argument("--w1", type=float, default=2.0, help="true weight of x1 (default 2)")
    data.add_argument("--w2", type=float, default=-3.0, help="true weight of x2 (default -3)")
    data.add_argument("--bias", type=float, default=0.5, help="true bias (default 0.5)")
    data.add_argument("--seed", type=int, default=0, help="random seed for data, split and shuffles")
    data.add_argument(
        "--labels",
        choices=LABEL_MODES,
        default="threshold",
        help="threshold: set by the true line, y = [σ(z) > 0.5] (no overlap); "
        "logistic: drawn from the model, y ~ Bernoulli(σ(z)) (overlap)",
    )
    data.add_argument("--flip", type=float, default=0.0, help="fraction of labels flipped (0 to 0.5)")
    data.add_argument(
        "--scale", type=float, nargs=2, default=(1.0, 1.0), metavar=("S1", "S2"), help="multiply x1, x2 by these"
    )
    data.add_argument("--shift", type=float, nargs=2, default=(0.0, 0.0), metavar=("M1", "M2"), help="then add these")
    data.add_argument("--data", help="a CSV file to train on instead")
    data.add_argument("--features", nargs=2, metavar=("COL1", "COL2"), help="feature columns of --data")
    data.add_argument("--label", help="label column of --data")
    data.add_argument(
        "--scaling",
        choices=("none", "standardize", "minmax"),
        default="none",
        help="feature scaling for --data, fitted on the training rows (default none)",
    )
    data.add_argument(
        "--divide",
        action="append",
        default=[],
        metavar="COLUMN=NUMBER",
        help="use COLUMN / NUMBER as the feature, like a notebook's df['age'] / 100 (repeatable; before --scaling)",
    )
    data.add_argument(
        "--test",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="hold out this fraction of the rows: the rows scikit-learn's train_test_split(X, y, "
        "test_size=FRACTION, random_state=SEED) holds out (default 0)",
    )
    data.add_argument(
        "--split-seed", type=int, default=None, metavar="SEED", help="random_state of that split (default: --seed)"
    )


def add_optimizer_arguments(run: argparse._ArgumentGroup) -> None:
    """--lr, --optimizer and --momentum. --lr is None when not given: 0.1, or 1 for Newton's method (parse_args)."""
    run.add_argument(
        "--lr",
        type=float,
        default=None,
        help="learning rate η (default 0.1; 1 with --optimizer newton, the classical method)",
    )
    run.add_argument(
        "--optimizer",
        choices=[o.value for o in Optimizer],
        default=Optimizer.GD.value,
        help="gd (gradient descent, the default), momentum, nesterov, adam (optax's defaults) or newton "
        "(Newton's method, full batch only)",
    )
    run.add_argument(
        "--momentum", type=float, default=0.9, metavar="BETA", help="β of momentum and nesterov (default 0.9)"
    )


def parse_divide(items: list[str]) -> dict[str, float]:
    """["age=100", …] → {"age": 100.0}; the last "=" splits, so a column name may contain one."""
    out = {}
    for item in items:
        column, sep, number = item.rpartition("=")
        try:
            value = float(number)
        except ValueError:
            value = None
        if not (sep and column) or value is None:
            raise ValueError(f"--divide must be COLUMN=NUMBER, for example age=100; got {item!r}")
        out[column] = value
    return out


def load(args: argparse.Namespace) -> tuple[Dataset, Dataset | None, Scaler | None]:
    """The training and test parts the arguments describe, and the scaler of a CSV (None for synthetic data)."""
    split_seed = args.seed if args.split_seed is None else args.split_seed
    divide = parse_divide(args.divide)
    if args.data:
        from .tabular import from_frame, read_csv

        if not (args.features and args.label):
            raise ValueError("--data needs --features COL1 COL2 and --label COL")
        tab = from_frame(
            read_csv(args.data),
            tuple(args.features),
            args.label,
            scaling=args.scaling,
            test_fraction=args.test,
            seed=split_seed,
            divide=divide,
        )
        return tab.train, tab.test, tab.scaler
    if divide:
        raise ValueError("--divide applies to the columns of a --data file")
    data = make_synthetic(
        args.n,
        (args.w1, args.w2),
        args.bias,
        args.seed,
        labels=args.labels,
        flip=args.flip,
        scale=tuple(args.scale),
        shift=tuple(args.shift),
    )
    train_part, test_part = split(data, args.test, split_seed)
    return train_part, test_part, None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.every < 1:
            raise ValueError(f"--every must be at least 1; got {args.every}")
        if not 0 < args.threshold < 1:
            raise ValueError(f"--threshold must be between 0 and 1 (exclusive); got {args.threshold}")
        data, test, scaler = load(args)
        history = trained(args, data, test)
        scaled = scaler if scaler is not None and not scaler.is_identity else None
        print_table(history, data.feature_names, args.every, scaled)
        print_ending(history, args, data.feature_names, scaled)
        if args.csv:
            write_history(args.csv, history, scaled)
        print_predictions(data, test, history[-1], args.threshold)
        print_closing(data, history, args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def trained(args: argparse.Namespace, data: Dataset, test: Dataset | None) -> list[Snapshot]:
    """Every snapshot of the run the arguments ask for."""
    return list(
        train(
            data.X,
            data.y,
            learning_rate=args.lr,
            epochs=args.epochs,
            init=args.init,
            loss_threshold=args.loss_threshold,
            l2=args.l2,
            batch_size=args.batch_size,
            seed=args.seed,
            X_test=None if test is None else test.X,
            y_test=None if test is None else test.y,
            optimizer=args.optimizer,
            momentum=args.momentum,
        )
    )


def print_table(history: list[Snapshot], names: tuple[str, str], every: int, scaled: Scaler | None) -> None:
    """Every `every`-th epoch (and a diverged one, and the last): loss, accuracy, w and b, and the test numbers."""
    if scaled is not None:
        print(
            "trained on scaled features: "
            + ", ".join(scaled.scaled_names(names))
            + "; the w and b columns are in those units"
        )
    with_test = history[0].test_loss is not None
    test_head = f"  {'test_loss':>9}  {'test_acc':>8}" if with_test else ""
    print(
        f"{'epoch':>6}  {'loss':>8}  {'accuracy':>8}  {'w_' + names[0]:>12}  {'w_' + names[1]:>12}  {'b':>10}"
        + test_head
    )
    for s in history:
        if s.epoch % every == 0 or s.diverged:
            print(table_line(s))
    if history[-1].epoch % every:
        print(table_line(history[-1]))


def table_line(s: Snapshot) -> str:
    """One epoch's row; numbers from 10⁶ on in e-notation (formatting.number)."""
    tail = f"  {number(s.test_loss, '.4f'):>9}  {s.test_accuracy:>8.3f}" if s.test_loss is not None else ""
    return (
        f"{s.epoch:>6}  {number(s.loss, '.4f'):>8}  {s.accuracy:>8.3f}  {number(s.w[0], '.5f'):>12}  "
        f"{number(s.w[1], '.5f'):>12}  {number(s.b, '.5f'):>10}{tail}"
    )


def print_ending(history: list[Snapshot], args: argparse.Namespace, names: tuple[str, str], scaled) -> None:
    """Why the run stopped before its last epoch, if it did, and its last line in the file's own units."""
    last = history[-1]
    if last.diverged:
        print("stopped: the next update would leave the finite numbers (diverged)")
    elif last.no_minimum:
        print(f"stopped: {ending_sentence(args.optimizer, history)}")
    elif args.loss_threshold is not None and last.loss <= args.loss_threshold:
        print(
            f"stopped at epoch {last.epoch}: the first whose loss {last.loss!r} is at or below {args.loss_threshold!r}"
        )
    if scaled is not None:
        w_o, b_o = scaled.to_original(last.w, last.b)
        print(
            f"epoch {last.epoch} in the file's units: "
            + ", ".join(f"w_{n} = {float(v)!r}" for n, v in zip(names, w_o))
            + f", b = {float(b_o)!r}"
        )


def print_predictions(data: Dataset, test: Dataset | None, last: Snapshot, threshold: float) -> None:
    """The confusion matrix at τ and the AUC of the last epoch, on the training rows and on the test rows."""
    for name, part in (("training", data), ("test", test)):
        if part is None or part.n == 0:
            continue
        p = sigmoid(logits(part.X, last.w, last.b))  # the page ranks these too: its AUC is the same number
        c = confusion(part.y, p, threshold)
        auc = f"AUC {roc_auc(part.y, p):.4f}" if both_classes(part.y) else "AUC undefined: one class only"
        print(
            f"predictions at epoch {last.epoch}, τ = {threshold:g}, {name} rows: tn {c.tn}, fp {c.fp}, fn {c.fn}, "
            f"tp {c.tp}; precision {c.precision:.3f}, recall {c.recall:.3f}, F1 {c.f1:.3f}; {auc}"
        )


def print_closing(data: Dataset, history: list[Snapshot], args: argparse.Namespace) -> None:
    """The optimizer that ran, where Newton's method halved its step, and a gradient-descent run's verdict (the
    verdicts judge gradient descent's step against 2/L and 2/s(θ*), which bound no other optimizer's)."""
    print(f"optimizer: {settings_words(args.optimizer, args.lr, args.momentum)}")
    halved = halving_sentence(history)
    if halved:
        print(halved)
    if args.optimizer is Optimizer.GD:
        judged = judge(data, history, args)
        print(f"verdict: {judged.badge}: {judged.headline}")


def judge(data: Dataset, history: list[Snapshot], args: argparse.Namespace) -> Verdict:
    """The run's verdict, judged as the page judges it: the optimum, 2/L, s(θ*) and the sharpness over the
    last quarter of the epochs (full batch only: mini-batch runs are judged by their curve)."""
    best = optimum(data.X, data.y, args.l2)
    tail = history[last_quarter_start(history[-1].epoch) :]
    with np.errstate(all="ignore"):  # a diverged run's last weights may be huge: its sharpness is then 0 or NaN
        curvature = sharpness_along(data.X, np.array([x.w for x in tail]), np.array([x.b for x in tail]), args.l2)
    finite = curvature[np.isfinite(curvature)]
    return verdict(
        history,
        args.lr,
        max_stable_learning_rate(data.X, args.l2),
        best,
        l2=args.l2,
        mini_batch=args.batch_size is not None and args.batch_size < data.n,
        loss_threshold=args.loss_threshold,
        sharpness_at_min=sharpness_at_minimum(data.X, best, args.l2),
        sharpness_now=float(curvature[-1]) if np.isfinite(curvature[-1]) else None,
        sharpness_peak=float(finite.max()) if finite.size else None,
    )


def write_history(path: str, history: list[Snapshot], scaler: Scaler | None) -> None:
    """One row per snapshot: epoch, loss, objective, accuracy, w1, w2, b, grad_w1, grad_w2, grad_b, then
    test_loss, test_accuracy with a test part, then w1_original, w2_original, b_original (the same line in
    the file's units) when the features were scaled. Numbers are written with repr, so they read back exactly."""
    header = ["epoch", "loss", "objective", "accuracy", "w1", "w2", "b", "grad_w1", "grad_w2", "grad_b"]
    with_test = history[0].test_loss is not None
    header += ["test_loss", "test_accuracy"] if with_test else []
    original = None
    if scaler is not None:
        header += ["w1_original", "w2_original", "b_original"]
        original = scaler.history_to_original(np.array([s.w for s in history]), np.array([s.b for s in history]))
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for t, s in enumerate(history):
            row = [s.epoch, s.loss, s.objective, s.accuracy, *s.w, s.b, *s.gradient_w, s.gradient_b]
            row += [s.test_loss, s.test_accuracy] if with_test else []
            row += [*original[0][t], original[1][t]] if original is not None else []
            writer.writerow(row)


if __name__ == "__main__":
    sys.exit(main())
