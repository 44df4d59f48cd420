"""Command line: `python -m logreg` prints the per-epoch table; its defaults reproduce seed 004."""

from __future__ import annotations

import argparse
import csv
import sys

from .data import LABEL_MODES, make_synthetic
from .train import INITS, train


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m logreg", description="Logistic regression by gradient descent.")
    data = p.add_argument_group("data (synthetic unless --data is given)")
    data.add_argument("--n", type=int, default=1000, help="number of samples (default 1000)")
    data.add_argument("--w1", type=float, default=2.0, help="true weight of x1 (default 2)")
    data.add_argument("--w2", type=float, default=-3.0, help="true weight of x2 (default -3)")
    data.add_argument("--bias", type=float, default=0.5, help="true bias (default 0.5)")
    data.add_argument("--seed", type=int, default=0, help="random seed for data, split and shuffles")
    data.add_argument("--labels", choices=LABEL_MODES, default="threshold",
                      help="threshold: y = [σ(z) > 0.5]; logistic: y ~ Bernoulli(σ(z))")
    data.add_argument("--flip", type=float, default=0.0, help="fraction of labels flipped (0 to 0.5)")
    data.add_argument("--scale", type=float, nargs=2, default=(1.0, 1.0), metavar=("S1", "S2"),
                      help="multiply x1, x2 by these")
    data.add_argument("--shift", type=float, nargs=2, default=(0.0, 0.0), metavar=("M1", "M2"),
                      help="then add these")
    data.add_argument("--data", help="a CSV file to train on instead")
    data.add_argument("--features", nargs=2, metavar=("COL1", "COL2"), help="feature columns of --data")
    data.add_argument("--label", help="label column of --data")
    data.add_argument("--scaling", choices=("none", "standardize", "minmax"), default="none",
                      help="feature scaling for --data (default none)")
    run = p.add_argument_group("training")
    run.add_argument("--lr", type=float, default=0.1, help="learning rate η (default 0.1)")
    run.add_argument("--epochs", type=int, default=100, help="number of updates (default 100)")
    run.add_argument("--init", choices=INITS, default="zeros", help="starting weights (default zeros)")
    run.add_argument("--l2", type=float, default=0.0, help="L2 penalty λ (default 0)")
    run.add_argument("--batch-size", type=int, default=None, help="mini-batch size (default: full batch)")
    run.add_argument("--loss-threshold", type=float, default=None, help="stop once the loss is at or below this")
    out = p.add_argument_group("output")
    out.add_argument("--every", type=int, default=10, help="print every k-th epoch (default 10)")
    out.add_argument("--csv", metavar="PATH", help="write every epoch to this CSV file")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.data:
            from .tabular import from_frame, read_csv

            if not (args.features and args.label):
                raise ValueError("--data needs --features COL1 COL2 and --label COL")
            data = from_frame(read_csv(args.data), tuple(args.features), args.label, scaling=args.scaling).train
        else:
            data = make_synthetic(args.n, (args.w1, args.w2), args.bias, args.seed, labels=args.labels,
                                  flip=args.flip, scale=tuple(args.scale), shift=tuple(args.shift))
        if args.every < 1:
            raise ValueError(f"--every must be at least 1; got {args.every}")
        history = train(data.X, data.y, learning_rate=args.lr, epochs=args.epochs, init=args.init,
                        loss_threshold=args.loss_threshold, l2=args.l2, batch_size=args.batch_size, seed=args.seed)
        rows = []
        names = data.feature_names
        print(f"{'epoch':>6}  {'loss':>8}  {'accuracy':>8}  {'w_' + names[0]:>12}  {'w_' + names[1]:>12}  {'b':>10}")

        def line(s) -> str:
            return f"{s.epoch:>6}  {s.loss:>8.4f}  {s.accuracy:>8.3f}  {s.w[0]:>12.5f}  {s.w[1]:>12.5f}  {s.b:>10.5f}"

        for s in history:
            rows.append(s)
            if s.epoch % args.every == 0 or s.diverged:
                print(line(s))
        last = rows[-1]
        if last.epoch % args.every:
            print(line(last))
        if last.diverged:
            print("stopped: the next update would leave the finite numbers (diverged)")
        if args.csv:
            with open(args.csv, "w", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(
                    ["epoch", "loss", "objective", "accuracy", "w1", "w2", "b", "grad_w1", "grad_w2", "grad_b"]
                )
                for s in rows:
                    writer.writerow([s.epoch, s.loss, s.objective, s.accuracy, *s.w, s.b, *s.gradient_w, s.gradient_b])
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
