"""Is the viewer who asked for this work still there? A check a long loop calls between epochs.

Streamlit ends a script run at its next `st.` call when a new run is requested (StopException or
RerunException, raised by the run's yield check), but a training loop makes no `st.` calls, and a
closed browser tab requests nothing: its session is only marked inactive. The check below asks both.
"""

from __future__ import annotations

from collections.abc import Callable

from streamlit import runtime
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


def _nothing() -> None:
    return None


def still_wanted() -> Callable[[], None]:
    """A function that raises StopException (or RerunException) when this script run's work is no longer
    wanted: its session's websocket has closed, or the viewer asked for a new run. Outside a script run
    (a download executed later, a test calling the code directly) it does nothing."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return _nothing
    yield_check, session_id = ctx.yield_check, ctx.session_id

    def check() -> None:
        yield_check()  # a new run or a stop was requested: Streamlit's own exceptions
        if runtime.exists() and not runtime.get_instance().is_active_session(session_id):
            raise StopException()  # the tab was closed: nobody will see this run

    return check
