"""Helpers that nbgrader test cells call, and the scoring they share with the grader.

A graded test cell has a visible part, which the student sees and runs, and a hidden
part (key, explanations, misconception tags), which only the instructor's copy has::

    \"\"\"m01_q1 · 1 point · objective M01.1\"\"\"
    from qicourse.grading import show_recorded
    show_recorded("m01_q1")
    ### BEGIN HIDDEN TESTS
    from qicourse.grading import grade_choice
    grade_choice("m01_q1", key="b", points=1, explanations={...}, misconceptions={...})
    ### END HIDDEN TESTS

Rules every helper keeps (nbgrader's scoring depends on them):

* it returns a float between 0 and the cell's points and never raises, so a missing,
  malformed or tampered record scores 0 instead of crashing the cell;
* it prints only to stdout (a single stderr line would zero the cell);
* it prints the recorded answer and the explanations as text, because widgets render
  as nothing in feedback HTML and formgrader.

Scores computed here inside the student's kernel are only a preview: at autograde,
:class:`qicourse.nbgrader_ext.VerifyGrades` recomputes every quiz and value score in
the grader's own process from the answers captured *before* any student code ran,
and rewrites the cell's output. A student cell that monkeypatches these functions or
redefines names therefore gains nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from . import answers as _answers

VALUE_MIME = "application/vnd.qicourse.value+json"


@dataclass
class Outcome:
    qid: str
    score: float
    points: float
    lines: list[str] = field(default_factory=list)
    choice: Any = None  # the recorded choice, for analytics (None: no valid answer)

    def text(self) -> str:
        return "\n".join(self.lines)


def _sentence(text: str) -> str:
    """End ``text`` with one full stop (choice texts may already end with one)."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", ".)", ".\"")) else text + "."


def _fmt(x: float) -> str:
    return f"{x:g}"


# ----------------------------------------------------------------------- scoring
def score_choice(spec: Mapping[str, Any], entry: Any, choices: Mapping[str, str] | None = None,
                 linked_entry: Any = None) -> Outcome:
    """Score one recorded quiz entry against the hidden ``spec``.

    ``spec`` holds the keyword arguments of ``grade_choice``/``grade_multi``: qid, key,
    points, explanations, and optionally misconceptions, objective, multiple, pair.
    ``choices`` gives the choice texts (from the question cell) for readable feedback.
    """
    qid = spec["qid"]
    points = float(spec["points"])
    multiple = bool(spec.get("multiple"))
    explanations: Mapping[str, str] = spec.get("explanations") or {}
    tags: Mapping[str, str] = spec.get("misconceptions") or {}
    choices = dict(choices or {})
    letters = list(choices or explanations)

    def label(c):
        if isinstance(c, list):
            return "; ".join(label(x) for x in c) if c else "none of the choices"
        return f"({c}) {choices[c]}" if c in choices else f"({c})"

    head = f"{qid}" + (f" (objective {spec['objective']})" if spec.get("objective") else "")
    out = Outcome(qid, 0.0, points)

    problem = _answers.entry_problem(qid, entry) if entry is not None else "not answered"
    choice = None if problem else entry["choice"]
    if choice is not None:
        bad = [c for c in (choice if isinstance(choice, list) else [choice]) if c not in letters]
        if bad or isinstance(choice, list) != multiple:
            problem = "the recorded answer is not one of this question's choices"
            choice = None
    if problem:
        out.lines = [f"{head}: 0 of {_fmt(points)} point(s). No valid recorded answer ({problem})."]
        out.lines += _reveal(spec, label, explanations)
        return out

    out.choice = choice
    if multiple:
        key = sorted(spec["key"])
        right = len(set(choice) & set(key))
        wrong = len(set(choice) - set(key))
        fraction = max(0.0, (right - wrong) / len(key)) if key else 0.0
        out.score = round(points * fraction, 4)
        out.lines = [f"{head}: {_fmt(out.score)} of {_fmt(points)} point(s).",
                     _sentence(f"You selected: {label(choice)}"), _sentence(f"The answer: {label(key)}")]
        for c in letters:
            mark = ("selected" if c in choice else "not selected") + (", correct" if (c in choice) == (c in key) else ", incorrect")
            tag = f" [misconception: {tags[c]}]" if c in tags and (c in choice) != (c in key) else ""
            out.lines.append(f"  ({c}) {mark}: {explanations.get(c, '')}{tag}")
    else:
        accepted = [spec["key"]] if isinstance(spec["key"], str) else list(spec["key"])
        ok = choice in accepted
        out.score = points if ok else 0.0
        out.lines = [f"{head}: {_fmt(out.score)} of {_fmt(points)} point(s).",
                     f"Your answer: {label(choice)}" + (" — correct." if ok else " — not the best answer.")]
        if choice in explanations:
            out.lines.append(f"Why: {explanations[choice]}")
        if choice in tags and not ok:
            out.lines.append(f"This choice reflects a common misconception: {tags[choice]}.")
        if not ok:
            best = accepted[0]
            out.lines.append(f"{_sentence(f'The answer: {label(best)}')} {explanations.get(best, '')}".rstrip())
        if len(accepted) > 1:
            note = spec.get("alternatives_note") or "the law here is unsettled"
            out.lines.append(_sentence(f"Note: {note.rstrip('.')}, so more than one answer earns full credit: "
                                       + ", ".join(label(a) for a in accepted)))
    out.lines += _pair_note(spec, choice, linked_entry)
    return out


def _reveal(spec, label, explanations) -> list[str]:
    key = spec["key"]
    best = sorted(key) if spec.get("multiple") else (key if isinstance(key, str) else key[0])
    text = _sentence(f"The answer: {label(best)}")
    if not spec.get("multiple") and best in explanations:
        text += f" {explanations[best]}"
    return [text]


def _pair_note(spec, choice, linked_entry) -> list[str]:
    pair = spec.get("pair")
    if not pair:
        return []
    other = None
    if linked_entry is not None and _answers.entry_problem(pair["with"], linked_entry) is None:
        other = linked_entry["choice"]
    notes = pair.get("notes", {})
    key = f"{other}+{choice}"
    note = notes.get(key) or notes.get("*")
    lines = [f"How this answer relates to {pair['with']} (you answered {other or 'nothing'} there, {choice} here):"]
    if note:
        lines.append(f"  {note}")
    return lines


def score_value(spec: Mapping[str, Any], reported: Any, have_report: bool) -> Outcome:
    """Score a value the student computed (reported as JSON) against ``spec['expected']``."""
    qid, points = spec["qid"], float(spec["points"])
    expected = spec["expected"]
    tol = float(spec.get("tolerance", 0) or 0)
    out = Outcome(qid, 0.0, points)
    head = f"{qid}" + (f" (objective {spec['objective']})" if spec.get("objective") else "")
    hint = spec.get("hint", "")
    if not have_report:
        out.lines = [f"{head}: 0 of {_fmt(points)} point(s). No answer was computed (the variable is missing "
                     "or its value could not be read)."]
    elif _same(reported, expected, tol):
        out.score = points
        out.lines = [f"{head}: {_fmt(points)} of {_fmt(points)} point(s). Your value {reported!r} is correct."]
        if spec.get("explanation"):
            out.lines.append(spec["explanation"])
    else:
        out.lines = [f"{head}: 0 of {_fmt(points)} point(s). Your value {reported!r} is not the expected value."]
        if hint:
            out.lines.append(f"Hint: {hint}")
        if spec.get("explanation"):
            out.lines.append(spec["explanation"])
    out.choice = reported
    return out


def _same(a, b, tol) -> bool:
    if isinstance(b, bool) or isinstance(a, bool):
        return type(a) is type(b) and a == b
    if isinstance(b, (int, float)) and isinstance(a, (int, float)):
        return math.isclose(a, b, abs_tol=tol) if tol else a == b
    if isinstance(b, list) and isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    if isinstance(b, str) and isinstance(a, str):
        return a.strip() == b.strip()
    return False


def to_plain(value: Any) -> tuple[bool, Any]:
    """Convert a student's value to plain JSON data, strictly: (ok, data).

    Only built-in scalars, lists/tuples of them, and numpy/pandas scalars, Series and
    Index objects are accepted; anything else (including objects that override
    ``__eq__``) is refused, so nothing can pretend to equal the key.
    """
    t = type(value)
    if value is None or t in (bool, int, float, str):
        return True, value
    if t in (list, tuple):
        items = [to_plain(v) for v in value]
        return (all(ok for ok, _ in items), [v for _, v in items])
    module = t.__module__.split(".")[0]
    if module == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return to_plain(value.item())
    if module in ("numpy", "pandas") and hasattr(value, "tolist") and t.__name__ in ("ndarray", "Series", "Index"):
        return to_plain(value.tolist())
    return False, None


# ------------------------------------------------------------- kernel-side helpers
def _safe(fn):
    """Never raise, never write to stderr: any failure scores 0 with a message."""

    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a crash would be worse than a zero
            print(f"Could not grade this question: {exc.__class__.__name__}: {exc}. Scored 0.")
            return 0.0

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _load_store():
    try:
        return _answers.read_store(), None
    except _answers.StoreError as exc:
        return {}, str(exc)


def _choices_shown(qid):
    from .quiz import _graded

    view = _graded.get(qid)
    return dict(view.question.choices) if view else None


@_safe
def show_recorded(qid: str):
    """Visible part of a quiz test cell: print the answer on file for ``qid``.

    Returns 0.0 when there is no usable answer, so nbgrader's Validate button lists the
    unanswered questions; returns None (nothing to grade here) once one is on file.
    """
    store, problem = _load_store()
    if problem:
        print(f"{qid}: your answer file is damaged ({problem}). Re-run the question cell and answer again.")
        return 0.0
    entry = store.get(qid)
    issue = _answers.entry_problem(qid, entry) if entry is not None else None
    if entry is None:
        print(f"{qid}: no answer recorded yet.")
        return 0.0
    if issue:
        print(f"{qid}: the recorded answer cannot be used ({issue}). Answer the question again.")
        return 0.0
    choices = _choices_shown(qid) or {}
    c = entry["choice"]
    shown = "; ".join(f"({x}) {choices.get(x, '')}".strip() for x in (c if isinstance(c, list) else [c]))
    print(_sentence(f"{qid}: your recorded answer is {shown or 'none of the choices'}") + " It is graded after you submit.")
    return None


@_safe
def grade_choice(qid: str, *, key, points: float, explanations: Mapping[str, str],
                 misconceptions: Mapping[str, str] | None = None, objective: str | None = None,
                 pair: Mapping[str, Any] | None = None, alternatives_note: str | None = None) -> float:
    """Hidden part of a single-choice test cell. ``key`` is a letter, or a list of
    letters where more than one answer is defensible; ``alternatives_note`` then says
    why (default: "the law here is unsettled")."""
    return _grade(dict(qid=qid, key=key, points=points, explanations=explanations,
                       misconceptions=misconceptions, objective=objective, pair=pair, multiple=False,
                       alternatives_note=alternatives_note))


@_safe
def grade_multi(qid: str, *, key: Sequence[str], points: float, explanations: Mapping[str, str],
                misconceptions: Mapping[str, str] | None = None, objective: str | None = None) -> float:
    """Hidden part of a select-all-that-apply test cell (partial credit: right minus wrong)."""
    return _grade(dict(qid=qid, key=list(key), points=points, explanations=explanations,
                       misconceptions=misconceptions, objective=objective, multiple=True))


def _grade(spec) -> float:
    store, problem = _load_store()
    entry = None if problem else store.get(spec["qid"])
    linked = store.get(spec["pair"]["with"]) if spec.get("pair") else None
    outcome = score_choice(spec, entry, _choices_shown(spec["qid"]), linked)
    if problem:
        outcome.lines.insert(0, f"Your answer file could not be read ({problem}).")
    print(outcome.text())
    return float(outcome.score)


_MISSING = object()


def _lookup(name: str):
    """The value of ``name`` in the notebook's namespace (``_MISSING`` if undefined)."""
    from IPython import get_ipython

    shell = get_ipython()
    return _MISSING if shell is None else shell.user_ns.get(name, _MISSING)


@_safe
def report_value(qid: str, name: str):
    """Visible part of a value test cell: show (and emit, for the grader) ``name``'s value.

    Looking the variable up by name means an unanswered question prints a message
    instead of raising NameError, which would stop "Run All" at this cell. Returns 0.0
    when there is nothing gradable yet (so Validate lists it), None otherwise.
    """
    from IPython.display import display

    value = _lookup(name)
    if value is _MISSING or value is None:
        print(f"{qid}: `{name}` has no answer yet.")
        return 0.0
    ok, plain = to_plain(value)
    if not ok:
        print(f"{qid}: `{name}` has type {type(value).__name__}, which cannot be graded. "
              "Give a number, a string, or a list.")
        return 0.0
    display({"text/plain": f"{qid}: your answer `{name}` = {plain!r}", VALUE_MIME: {"qid": qid, "value": plain}},
            raw=True)
    return None


@_safe
def check_value(qid: str, name: str, *, expected, points: float, tolerance: float = 0,
                explanation: str = "", hint: str = "", objective: str | None = None) -> float:
    """Hidden part of a value test cell: compare ``name``'s value with ``expected``."""
    value = _lookup(name)
    ok, plain = (False, None) if value is _MISSING or value is None else to_plain(value)
    outcome = score_value(dict(qid=qid, expected=expected, points=points, tolerance=tolerance,
                               explanation=explanation, hint=hint, objective=objective), plain, ok)
    print(outcome.text())
    return float(outcome.score)


