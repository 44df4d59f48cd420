"""The optimizers tab's logic without Streamlit: the methods' link text, the words a race says, the runs
(equal to `train` with each optimizer), what the player gets, and the budget that plans them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from logreg.app import budget, cached, families
from logreg.app.methods import DEFAULT_METHODS, Methods, parse_methods
from logreg.app.methods_run import NEWTON_RATE, lane_label, raced, rate_of
from logreg.app.methods_view import TITLE, methods_payload
from logreg.app.run import Synthetic, train_options
from logreg.app.settings import DEFAULTS, Settings, page_runs, parse_query
from logreg.optimizer_words import lane_sentence
from logreg.optimizers import Optimizer as O
from logreg.plot_parts import to_browser
from logreg.train import train

ALL = Methods((O.GD, O.MOMENTUM, O.ADAM, O.NEWTON))


# ---------------------------------------------------------------- the link: opt= and beta=
def test_the_methods_link_text_round_trips_and_keeps_the_order_chosen():
    assert str(DEFAULT_METHODS) == "gd,momentum,adam" and Settings().opt == DEFAULT_METHODS
    for methods in (ALL, Methods((O.NEWTON,)), Methods((O.NESTEROV, O.GD))):
        assert parse_methods(str(methods)) == (methods, None)
    assert parse_methods(" Adam , GD ") == (Methods((O.ADAM, O.GD)), None)


def test_a_bad_methods_link_keeps_what_it_can_and_says_what_it_left_out():
    values, notices = parse_query({"opt": "gd,sgd,gd,adam,momentum,nesterov,newton"})
    assert values["opt"] == Methods((O.GD, O.ADAM, O.MOMENTUM, O.NESTEROV))
    [notice] = notices
    assert notice.startswith("The link's opt=") and "'sgd' (not a method)" in notice and "'gd' (named twice)" in notice
    assert "'newton' (at most 4 race at once)" in notice
    values, notices = parse_query({"opt": "<b>x</b>"})
    assert values == {} and notices[0].endswith("Using the default, gd,momentum,adam.") and "<b>" not in notices[0]
    with pytest.raises(ValueError):
        parse_methods(",,")
    # thousands of names: the first methods apply, and the notice stays short
    methods, left = parse_methods("gd,adam," + ",".join(["x"] * 20_000))
    assert methods == Methods((O.GD, O.ADAM)) and len(left) < 200 and left.endswith("the 19995 names after those")


def test_beta_is_a_number_from_0_to_0_99():
    assert parse_query({"beta": "0.95"}) == ({"beta": 0.95}, [])
    values, notices = parse_query({"beta": "1"})
    assert values == {} and "momentum β must be a number from 0 to 0.99 in steps of 0.01" in notices[0]
    assert parse_query({"beta": "0.904"})[0] == {"beta": 0.9}


def test_the_tabs_choices_never_train_the_pages_runs_again():
    s = Settings(opt=ALL, beta=0.5, threshold=0.3, lr=2.0)
    assert page_runs(s) == Settings(lr=2.0) and page_runs(s, lr=0.1) == Settings()
    data = cached.synthetic(Synthetic.of(Settings()))
    plan = cached.page_plan(data, Settings(), race=False)
    assert families.family(data, s, plan) is families.family(data, Settings(lr=2.0), plan)  # one cache entry


# ---------------------------------------------------------------- the runs
def plan_for(data, s):
    return cached.page_plan(data, s, race=False, methods=True)


def test_each_method_is_trains_own_run_bit_for_bit_and_newton_takes_full_steps():
    s = Settings(labels="logistic", opt=ALL, beta=0.8, lr=0.5, epochs=40)
    data = cached.synthetic(Synthetic.of(s))
    out = raced(data, s, plan_for(data, s))
    assert out.methods == tuple(ALL) and out.left_out == ()
    for method, r in zip(out.methods, out.runs):
        alone = list(
            train(
                data.train.X, data.train.y, learning_rate=rate_of(method, 0.5), epochs=40, optimizer=method,
                momentum=0.8, **train_options(s, data.test),
            )
        )  # fmt: skip
        assert [x.loss for x in r.history] == [x.loss for x in alone]
        assert [x.w.tolist() for x in r.history] == [x.w.tolist() for x in alone]
        assert r.settings.lr == (NEWTON_RATE if method is O.NEWTON else 0.5)
    newton = out.runs[3].history
    assert newton[-1].loss == pytest.approx(out.runs[3].best.objective, abs=1e-12)  # at the minimum
    assert out.headline().startswith("Newton's method reached loss")
    assert raced(data, s, plan_for(data, s)) is out  # cached


def test_what_cannot_race_is_said_and_the_others_still_race():
    s = Settings(batch="16", opt=Methods((O.NEWTON, O.ADAM)))
    data = cached.synthetic(Synthetic.of(s))
    out = raced(data, s, plan_for(data, s))
    assert out.methods == (O.ADAM,) and "does not race with batch size 16" in out.left_out[0]
    s = Settings(labels="logistic", xscale=100.0, xshift=100.0, init="chosen", start=(-100.0, 100.0, 100.0))
    s = replace(s, opt=Methods((O.GD, O.NEWTON)))
    data = cached.synthetic(Synthetic.of(s))
    out = raced(data, s, plan_for(data, s))
    assert out.methods == (O.GD,) and out.left_out[0].startswith("Newton's method could not start")
    # on separable data Newton's method stops, and says why
    s = Settings(opt=ALL)
    data = cached.synthetic(Synthetic.of(s))
    out = raced(data, s, plan_for(data, s))
    assert any("no finite minimum to reach" in e for e in out.endings())


def test_the_player_gets_every_methods_numbers_and_words():
    s = Settings(labels="logistic", opt=ALL, beta=0.5)
    data = cached.synthetic(Synthetic.of(s))
    out = raced(data, s, plan_for(data, s))
    payload = methods_payload(out, s, float(out.runs[0].best.objective))
    assert payload["labels"] == ["gradient descent", "momentum (β = 0.5)", "Adam", "Newton's method (η = 1)"]
    assert payload["labels"] == [lane_label(m, s) for m in ALL]
    assert payload["chosen"] == [0, 1, 2, 3] and payload["rate"] == families.rate_index(s.lr)
    assert payload["title"] == TITLE and len(payload["runs"]) == 4 and payload["gap"] is not None
    for method, numbers, r in zip(ALL, payload["runs"], out.runs):
        assert numbers["words"] == lane_sentence(method, r.history)
        assert "sharpness" not in numbers  # the race's chart has no sharpness panel
        assert numbers["loss"][-1] == r.history[-1].loss
    json.dumps(to_browser(payload), allow_nan=False)


# ---------------------------------------------------------------- the budget
def test_the_methods_share_the_pages_budget():
    alone = budget.plan(5000, 20000, 0, None)
    three = budget.plan(5000, 20000, 0, None, methods=3)
    newton = budget.plan(5000, 20000, 0, None, methods=4, newton=True)
    assert newton.epochs < three.epochs < alone.epochs
    for p in (three, newton):
        assert p.seconds <= budget.PAGE_BUDGET_S + 1e-9 and p.methods
        assert "this run and the optimizers' runs make" in p.note()
    assert budget.methods_us(100, 1000, 0, None, 2, newton=True) > budget.methods_us(100, 1000, 0, None, 2, False)
    # the default page fits whole, with every method
    assert budget.plan(DEFAULTS["epochs"], 1000, 0, None, methods=4, newton=True).epochs == DEFAULTS["epochs"]
