"""The code is formatted and linted as the project's settings say (pyproject.toml, [tool.ruff])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_players_script_parses():
    """The player's two scripts, as the page joins them (player.py), are valid JavaScript: a syntax error would
    leave every chart blank, and only the browser tests would see it."""
    import shutil
    import subprocess

    from logreg.ui import player

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the browser tests load the script instead")
    result = subprocess.run(
        [node, "--input-type=module", "--check"], input=player.SCRIPT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_no_template_literal_of_the_players_spans_lines():
    """The page gets the player's script with each line's indent taken off (player._script); that leaves
    its meaning alone only while no template literal (`...`) runs over a line's end."""
    for path in sorted((ROOT / "logreg" / "ui").glob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//", 1)[0] if line.lstrip().startswith("//") else line
            assert code.count("`") % 2 == 0, f"{path.name}:{number}: a template literal runs over the line's end"
