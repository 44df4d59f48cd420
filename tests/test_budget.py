"""logreg.app.budget: every page's predicted cost fits the time budget, and the page says when a run was cut.

No timing here: the cost model is checked against itself (its prediction for the worst links) and the page
against the model (the run it shows is the run the plan allowed). benchmarks/bench_budget.py measures it.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from logreg.app import budget
from logreg.app.budget import PAGE_BUDGET_S, page_us, plan
from logreg.app.settings import BATCH_OPTIONS
from logreg.tabular import MAX_ROWS

ROOT = Path(__file__).resolve().parents[1]

BATCHES = [None if b == "full" else int(b) for b in BATCH_OPTIONS]
# (training rows, test rows): the synthetic extremes (n from 10 to 20,000, test fraction 0 to 0.5) and the
# shapes of the largest file an upload may hold, split as the app splits it
SHAPES = [
    (10, 0),
    (5, 5),
    (1000, 0),
    (20000, 0),
    (10000, 10000),
    (MAX_ROWS, 0),
    (MAX_ROWS * 4 // 5, MAX_ROWS // 5),
    (MAX_ROWS // 2, MAX_ROWS // 2),
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("upload", [False, True])
def test_no_link_or_file_is_predicted_over_the_budget(shape, upload):
    n_train, n_test = shape
    file_rows = n_train + n_test if upload else 0
    for batch, race, land, asked in itertools.product(BATCHES, (False, True), (False, True), (1, 100, 5000)):
        p = plan(asked, n_train, n_test, batch, race=race, landscape=land, file_rows=file_rows)
        assert p.seconds <= PAGE_BUDGET_S, (shape, batch, race, land, asked, p)
        assert 1 <= p.epochs <= asked and 1 <= p.n_train <= n_train and 0 <= p.n_test <= n_test
        # the race chooses its rates from the family's runs; only without them does it train runs of its own
        assert p.runs == (1 + budget.RACE_RUNS if race and p.family_epochs < p.epochs else 1)
        # the cost grows with epochs and points: the plan is the most that fits, never a guess
        if p.epochs < asked:
            more = page_us(p.epochs + 1, p.n_train, p.n_test, batch, p.runs, land, file_rows=file_rows, race=race)
            if race and p.family_epochs == p.epochs:  # the race's lanes make the page's epochs
                more += budget.family_us(p.epochs + 1, p.n_train, p.n_test, batch)
            assert more > PAGE_BUDGET_S * 1e6
        if p.sampled:
            assert p.epochs == min(asked, budget.MIN_EPOCHS) or p.n_train == min(n_train, budget.MIN_ROWS)


def test_epochs_are_cut_before_points():
    p = plan(5000, 20000, 0, None)  # full batch on the largest synthetic data: fewer epochs, every point
    assert p.cut and not p.sampled and budget.MIN_EPOCHS < p.epochs < 5000
    p = plan(5000, 20000, 0, 1, race=True)  # one epoch of batch 1 on 20,000 points, five runs: points too
    assert p.sampled and p.epochs == budget.MIN_EPOCHS and p.n_train < 20000


def test_the_race_shares_the_page_budget():
    alone, race = plan(5000, 20000, 0, None), plan(5000, 20000, 0, None, race=True)
    assert race.epochs < alone.epochs
    assert page_us(race.epochs, 20000, 0, None, runs=5) <= PAGE_BUDGET_S * 1e6


def test_the_default_page_is_not_cut():
    p = plan(100, 1000, 0, None)
    # every rate's run is trained too (FAMILY_RUNS), each snapshot at its cost in the cache: still a third left
    assert not p.cut and p.note() is None and p.seconds < PAGE_BUDGET_S * 2 / 3


def test_training_cost_counts_rows_times_passes():
    # full batch: every epoch passes over the training and test rows; mini-batches add their updates
    full = budget.run_us(100, 10000, 5000, None)
    assert full == pytest.approx(
        101 * (budget.EPOCH_US + budget.ROW_PASS_US * 15000)
        + 26 * (budget.SNAPSHOT_US + budget.SHARPNESS_ROW_US * 10000)
    )
    assert budget.run_us(100, 10000, 5000, 16) - full == pytest.approx(
        100 * (budget.UPDATE_US * 625 + budget.BATCH_ROW_US * 10000)
    )
    assert budget.run_us(100, 10000, 5000, 10000) == full  # a batch of all the rows is full batch


def test_the_data_costs_its_analysis_its_landscape_and_reading_the_file():
    # the minimum and the η control's words on every training row; the landscape on at most 2,000 of them
    assert budget.data_us(50000, landscape=False) == pytest.approx(50000 * budget.OPTIMUM_ROW_US)
    assert budget.data_us(50000) - budget.data_us(50000, landscape=False) == pytest.approx(
        budget.LANDSCAPE_ROWS * budget.LANDSCAPE_ROW_US
    )
    # an uploaded file is read, checked, split and scaled in full, whatever part of it the page trains on
    assert budget.data_us(50000, file_rows=200000) - budget.data_us(50000) == pytest.approx(200000 * budget.CSV_ROW_US)
    assert page_us(100, 1000, 0, None, file_rows=5000) - page_us(100, 1000, 0, None) == pytest.approx(
        5000 * budget.CSV_ROW_US
    )
    # so the largest file leaves less for training than the same points made by the sidebar
    synthetic = plan(5000, MAX_ROWS * 4 // 5, MAX_ROWS // 5, None, race=True)
    upload = plan(5000, MAX_ROWS * 4 // 5, MAX_ROWS // 5, None, race=True, file_rows=MAX_ROWS)
    assert upload.n_train < synthetic.n_train and upload.seconds <= PAGE_BUDGET_S


def test_the_note_is_one_plain_sentence_true_of_the_plan():
    p = plan(5000, 20000, 0, None, race=True)
    note = p.note()
    assert note.count(". ") == 0 and note.endswith(".")
    assert f"{p.epochs:,} of the 5,000 epochs" in note and "the race's runs" in note and "20,000" in note
    p = plan(5000, 160000, 40000, 1)
    assert f"a random {p.n_train:,} of the 160,000 training points" in p.note()
    assert f"{p.n_test:,} of the 40,000 test points" in p.note()


def test_blas_runs_on_one_thread_once_the_page_has_tuned_the_process():
    # OpenBLAS's helper threads spin while they wait: on a shared machine they multiplied the CPU time
    # of a product over 100,000 rows several times, outside any prediction. threadpoolctl, a test-only
    # package, reads the counts independently of the page's own setter. The page's first run sets it
    # (page.tune_process), never an import.
    read = (
        "from threadpoolctl import threadpool_info as i; "
        "print([b['num_threads'] for b in i() if b['user_api'] == 'blas'])"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", "import logreg.ui.page as p; p.tune_process(); " + read],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert fresh.stdout.strip() == "[1]", fresh.stdout + fresh.stderr
    # and in a process with more than one OpenBLAS (NumPy's and SciPy's), each is set
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_info, threadpool_limits

    def counts():
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

    threadpool_limits(2, user_api="blas")
    assert len(counts()) >= 2 and set(counts()) == {2}
    assert budget.one_blas_thread()
    assert set(counts()) == {1}


def test_a_wide_file_costs_its_cells():
    """Every column of an upload is read and checked: the plan counts its cells, and a file of 1,000 columns
    filling the 5 MB upload still fits with the run it trains."""
    narrow = plan(100, 1000, 0, None, file_rows=1250, file_cells=1250 * 3)
    wide = plan(100, 1000, 0, None, file_rows=1250, file_cells=1250 * 1000)
    assert wide.seconds - narrow.seconds == pytest.approx(1250 * 997 * budget.CSV_CELL_US / 1e6)
    assert wide.seconds <= PAGE_BUDGET_S and wide.epochs >= 10
