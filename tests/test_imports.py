"""`import logreg` stays light: NumPy only; the app's libraries are never imported by the package."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "logreg"
HEAVY = ("streamlit", "plotly", "pandas")


def test_import_logreg_leaves_heavy_modules_out():
    code = (
        "import json, sys\n"
        "import logreg\n"
        "import logreg.model, logreg.data, logreg.kernel, logreg.train, logreg.analysis\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_tabular_is_the_one_that_brings_pandas():
    code = "import sys, logreg.tabular; print('pandas' in sys.modules, 'streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value.split(".")[0])
    return names


def test_the_import_scanner_sees_every_form():
    src = "import streamlit as st\nfrom plotly import express\nimport importlib\nimportlib.import_module('pandas.io')\n"
    assert {"streamlit", "plotly", "pandas", "importlib"} <= imported_modules(src)
    assert "numpy" in imported_modules("def f():\n    import numpy.linalg\n")


def relative_imports(path: Path) -> set[Path]:
    """The package modules that a module imports at any level (`from .x import`, `from ..x import`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = path.parent
            for _ in range(node.level - 1):
                base = base.parent
            parts = node.module.split(".") if node.module else []
            targets = [base.joinpath(*parts)] if parts else [base / alias.name for alias in node.names]
            if parts:  # `from .x import y` may also name a submodule x.y
                targets += [base.joinpath(*parts, alias.name) for alias in node.names]
            for t in targets:
                for candidate in (t.with_suffix(".py"), t / "__init__.py"):
                    if candidate.is_file():
                        found.add(candidate)
    return found


def core_modules() -> list[Path]:
    """Every file `import logreg` loads, followed statically from logreg/__init__.py."""
    todo, seen = [PACKAGE / "__init__.py"], set()
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(relative_imports(path))
    return sorted(seen)


def test_core_modules_are_the_numpy_ones():
    names = {str(p.relative_to(PACKAGE)) for p in core_modules()}
    assert {"__init__.py", "model.py", "data.py", "kernel.py", "train.py", "analysis.py"} <= names
    assert "tabular.py" not in names


def test_no_module_of_import_logreg_imports_streamlit_plotly_or_pandas():
    # figures, panels and ui/ are the app's presentation layer and may use plotly and streamlit;
    # nothing that `import logreg` loads may, at any level (not even inside a function).
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_modules(f.read_text(encoding="utf-8")) & set(HEAVY))
        for f in core_modules()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


# Layers above the core: each may import only what is named here (besides the standard library and
# the package itself). Figures are pure functions of data: they never draw with Streamlit.
LAYERS = {
    "figures.py": {"numpy"},
    "panels.py": {"numpy"},
    "plot_parts.py": {"numpy"},
    "predictions_figure.py": {"numpy"},
    "formatting.py": set(),
    "metrics.py": {"numpy"},  # the core's too (`import logreg.metrics`): NumPy only
    # app/: the page's logic without Streamlit or Plotly
    "app/__init__.py": set(),
    "app/settings.py": set(),
    "app/run.py": {"numpy", "pandas"},
    "app/cache.py": {"numpy", "pandas"},  # tables are sized by pandas' own memory_usage
    "app/budget.py": set(),
    "app/exports.py": {"numpy", "pandas"},
    "app/cached.py": {"numpy", "pandas"},
    "app/families.py": {"numpy"},
    "app/family_view.py": {"numpy"},
    "app/watch.py": set(),
    "app/drawn.py": set(),  # your points and start: their values and link text
    "app/points.py": {"numpy"},  # the data with your points, and their figures as dicts
    "app/methods.py": set(),  # the optimizers tab's methods: their values and link text
    "app/methods_run.py": set(),  # the methods' runs
    "app/methods_view.py": set(),  # their numbers, as the player races them
}


def test_every_module_of_the_pages_logic_has_its_layer():
    assert {str(p.relative_to(PACKAGE)) for p in (PACKAGE / "app").glob("*.py")} == {
        m for m in LAYERS if m.startswith("app/")
    }


def third_party(path: Path) -> set[str]:
    return {
        m
        for m in imported_modules(path.read_text(encoding="utf-8"))
        if m not in sys.stdlib_module_names and m != "logreg"
    }


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_presentation_modules_import_only_their_layer(module):
    assert third_party(PACKAGE / module) <= LAYERS[module]


def test_only_the_streamlit_layer_imports_streamlit():
    users = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if "streamlit" in third_party(p)}
    assert users and all(u.startswith("ui/") for u in users), users


def test_app_py_is_a_thin_main():
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert len([n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]) == 0
    assert "main()" in source and len(source.splitlines()) <= 10


def test_the_kernel_imports_numpy_and_the_standard_library_only():
    # the fast epoch kernel stands alone: no other module of the package, no library beyond NumPy
    kernel = PACKAGE / "kernel.py"
    outside = imported_modules(kernel.read_text(encoding="utf-8")) - set(sys.stdlib_module_names) - {"__future__"}
    assert outside == {"numpy"}
    assert relative_imports(kernel) == set()


def test_importing_the_page_changes_no_process_setting():
    """malloc's settings and BLAS's threads are set by the page's main(), not as a side effect of an import."""
    code = (
        "from unittest import mock\n"
        "import ctypes\n"
        "calls = []\n"
        "real = ctypes.CDLL\n"
        "class Spy:\n"
        "    def __init__(self, *a, **k): self.lib = real(*a, **k)\n"
        "    def __getattr__(self, name):\n"
        "        f = getattr(self.lib, name)\n"
        "        return (lambda *a: calls.append(name) or f(*a)) if 'mallopt' in name or 'threads' in name else f\n"
        "with mock.patch('ctypes.CDLL', Spy):\n"
        "    import logreg.ui.page\n"
        "print(calls)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_main_tunes_the_process_once(monkeypatch):
    from logreg.ui import page

    calls = []
    monkeypatch.setattr(page, "_TUNED", [])
    monkeypatch.setattr(page, "one_blas_thread", lambda: calls.append("blas") or True)
    monkeypatch.setattr(page, "configure_malloc", lambda: calls.append("malloc") or True)
    monkeypatch.setattr(page, "freeze_long_lived", lambda: calls.append("freeze"))
    monkeypatch.setattr(page, "page", lambda: None)
    page.main()
    assert calls == ["blas", "malloc"]
    page.main()  # after one whole run: what is alive then is frozen out of the collector's sweeps
    page.main()
    assert calls == ["blas", "malloc", "freeze"]


def test_frozen_objects_are_left_out_of_collections():
    """freeze_long_lived: what is alive is moved out of the collector's sight (and still freed by reference
    counting); a cycle made afterwards is still collected."""
    import gc
    import weakref

    from logreg.app.cache import freeze_long_lived

    class Node:
        pass

    try:
        freeze_long_lived()
        assert gc.get_freeze_count() > 1000
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
