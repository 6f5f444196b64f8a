"""Shared fixtures: a scratch copy of the course, so tests never write into the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from qicourse.course import nbgrader as run_nbgrader

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())
LESSONS = sorted((REPO / "lessons").glob("*.ipynb"))


@pytest.fixture(autouse=True, scope="session")
def _private_jupyter_dirs(tmp_path_factory):
    """Keep Jupyter, IPython and matplotlib from writing into the real home folder."""
    home = tmp_path_factory.mktemp("jupyter-home")
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        (home / var).mkdir()
        os.environ[var] = str(home / var)
    os.environ.pop("NBGRADER_EXECUTION", None)
    os.environ.pop("QICOURSE_DB_URL", None)
    os.environ["MPLBACKEND"] = "Agg"
    yield


def copy_course(dest: Path) -> Path:
    """A copy of the course (config, solutions, exercises, data), minus learner artefacts."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", dest / "nbgrader_config.py")
    ignore = shutil.ignore_patterns("qicourse-answers.json", "qicourse-graded.json", ".ipynb_checkpoints",
                                    "feedback", "__pycache__")
    for folder in ("solutions", "exercises", "data"):
        shutil.copytree(REPO / folder, dest / folder, ignore=ignore)
    return dest


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = run_nbgrader(list(args), course)
    if check and proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    """A scratch course with every assignment generated into its gradebook."""
    root = copy_course(tmp_path_factory.mktemp("course"))
    for aid in ASSIGNMENTS:
        nbgrader(root, "generate_assignment", aid, "--force")
    return root
