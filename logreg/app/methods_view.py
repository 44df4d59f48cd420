"""What the player needs to race the optimizers tab's methods on the run's chart: their runs' numbers, as the
family's are sent, with each lane's name and the words it says once it has ended. No Streamlit."""

from __future__ import annotations

from ..optimizer_words import lane_sentence
from .families import rate_index
from .family_view import Member, frames_of, member_numbers, race_payload
from .methods_run import Raced, lane_label
from .settings import Settings

TITLE = "Show these methods (up to four):"  # the race's bar, before its buttons (family_view.RATES_TITLE)


def methods_payload(raced: Raced, settings: Settings, best_objective: float | None) -> dict:
    """The race of `raced` (every method chosen, in lanes of the order chosen) at the page's η, settings.lr."""
    members = [Member(r, frames_of(r), None) for r in raced.runs]
    payload = race_payload(members, range(len(members)), [None] * len(members), best_objective)
    payload["runs"] = [
        {**member_numbers(m), "words": lane_sentence(method, m.run.history)}
        for method, m in zip(raced.methods, members)
    ]
    payload["labels"] = [lane_label(method, settings) for method in raced.methods]
    payload["rate"] = rate_index(settings.lr)
    payload["title"] = TITLE
    return payload
