"""Where things are in a course folder, and running nbgrader on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat


class CourseError(Exception):
    """Something about the course folder that the user must fix (the message says what)."""


def find_root(start: str | os.PathLike | None = None) -> Path:
    """The course root: the nearest folder at or above ``start`` with nbgrader_config.py and solutions/."""
    here = Path(start or os.getcwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "solutions").is_dir():
            return folder
    raise CourseError(
        f"no course folder (with nbgrader_config.py and solutions/) at or above {here}. "
        "Run this from inside the course repository."
    )


def assignments(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "solutions").iterdir() if p.is_dir() and not p.name.startswith("."))


def nbgrader(args: list[str], cwd: Path, env: dict | None = None, capture: bool = True) -> subprocess.CompletedProcess:
    """Run an nbgrader command in ``cwd`` (which holds the nbgrader_config.py to use).

    nbgrader runs ``alembic`` (gradebook migrations) as a command, so this Python's
    scripts folder goes first on PATH even when the virtual environment is not activated.
    """
    env = dict(os.environ if env is None else env)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=capture, text=True)


def clean_notebook(path: str | os.PathLike) -> bool:
    """Strip outputs, execution counts and widget state, keeping nbgrader metadata.

    Returns True if the file changed. Notebooks are committed this way; CI executes them.
    """
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("qicourse", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def is_clean(path: str | os.PathLike) -> list[str]:
    """Reasons a committed notebook is not clean (empty list if it is)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    problems = []
    if "widgets" in nb.get("metadata", {}):
        problems.append("widget state in metadata")
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("outputs"):
            problems.append(f"cell {i} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {i} has an execution count")
    return problems
