"""Loaders for the course's data (``data/`` in the repository).

Notebooks run in three kinds of place, and the data must be found in each:

1. the repository (lessons/, solutions/, exercises/): ``data/`` is a parent's child;
2. ``autograded/<student>/<assignment>/`` inside the course root: the same walk up finds it;
3. a student's release folder on a hub or laptop with no repository: the copy
   installed with the package (``qicourse.coursedata``) is used.

``QICOURSE_DATA`` overrides all three (a folder holding the same files).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

CASES = "cases.csv"
FACT_PATTERNS = "fact_patterns.json"


def data_dir(start: str | os.PathLike | None = None) -> Path:
    """The folder the course's data is read from (see the module docstring)."""
    env = os.environ.get("QICOURSE_DATA")
    if env:
        return Path(env)
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "data" / CASES
        if candidate.is_file():
            return candidate.parent
    repo_copy = Path(__file__).resolve().parent.parent / "data"
    if (repo_copy / CASES).is_file():
        return repo_copy
    return Path(str(resources.files("qicourse.coursedata")))


def load_cases() -> pd.DataFrame:
    """The course's case table: every case the course cites, one row each.

    Flags (``per_curiam``, ``*_verified``) become booleans, ``year`` an integer and
    ``modules`` a list of module ids.
    """
    df = pd.read_csv(data_dir() / CASES, dtype=str, keep_default_na=False)
    df["year"] = df["year"].astype(int)
    for col in ("per_curiam_verified", "holding_verified", "cite_verified"):
        if col in df:
            df[col] = df[col].str.lower().eq("true")
    if "per_curiam" in df:
        df["per_curiam"] = df["per_curiam"].str.lower().eq("yes")
    df["modules"] = df["modules"].map(lambda s: [m for m in s.split(";") if m])
    return df


def cite(short_name_or_id: str) -> str:
    """The full citation of a case, by short name or case_id (raises KeyError if absent)."""
    df = _cases_indexed()
    key = short_name_or_id.strip()
    if key in df.index:
        return df.loc[key, "citation"]
    by_name = df[df["short_name"] == key]
    if len(by_name) == 1:
        return by_name.iloc[0]["citation"]
    raise KeyError(f"{short_name_or_id!r} is not in the course's case table ({CASES})")


@lru_cache(maxsize=1)
def _cases_indexed() -> pd.DataFrame:
    return load_cases().set_index("case_id", drop=False)


def load_fact_patterns() -> dict:
    """Fact patterns: ``{pattern_id: {"title", "source", "facts", "variants": {id: {...}}}}``."""
    return json.loads((data_dir() / FACT_PATTERNS).read_text(encoding="utf-8"))


def fact_pattern(pattern_id: str, variant: str | None = None) -> str:
    """The text of a fact pattern, or of one variant of it (Markdown)."""
    patterns = load_fact_patterns()
    if pattern_id not in patterns:
        raise KeyError(f"no fact pattern {pattern_id!r}; known: {', '.join(sorted(patterns))}")
    pattern = patterns[pattern_id]
    if variant is None:
        return pattern["facts"]
    variants = pattern.get("variants", {})
    if variant not in variants:
        raise KeyError(f"{pattern_id} has no variant {variant!r}; known: {', '.join(sorted(variants))}")
    return variants[variant]["facts"]


def show_fact_pattern(pattern_id: str, variant: str | None = None) -> None:
    """Display a fact pattern as Markdown (plain text where nothing renders Markdown)."""
    from IPython.display import Markdown, display

    patterns = load_fact_patterns()
    title = patterns[pattern_id]["title"]
    if variant is not None:
        title += f" — variant: {patterns[pattern_id]['variants'][variant]['title']}"
    display(Markdown(f"**{title}**\n\n{fact_pattern(pattern_id, variant)}"))
