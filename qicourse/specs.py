"""Read question definitions and grading specs from notebook cells, without running them.

Question cells call ``single_choice``/``multiple_select`` and test cells call
``grade_choice``/``grade_multi``/``check_value`` with literal arguments. Parsing those
calls with :mod:`ast` lets the grader (in its own process), the analytics and the
course's tests all read the same definitions the notebook shows, with no copy of them
anywhere else.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

QUESTION_FUNCS = {"single_choice": False, "multiple_select": True}
GRADE_FUNCS = {"grade_choice", "grade_multi", "check_value"}
POSITIONAL = {
    "single_choice": ("qid", "prompt", "choices"),
    "multiple_select": ("qid", "prompt", "choices"),
    "practice": ("qid", "prompt", "choices"),
    "grade_choice": ("qid",),
    "grade_multi": ("qid",),
    "check_value": ("qid", "name"),
    "report_value": ("qid", "name"),
    "show_recorded": ("qid",),
}


@dataclass
class Call:
    func: str
    args: dict[str, Any]
    cell_index: int
    grade_id: str | None = None
    points: float | None = None


@dataclass
class NotebookSpecs:
    questions: dict[str, Call] = field(default_factory=dict)  # qid -> single_choice/multiple_select call
    grades: dict[str, Call] = field(default_factory=dict)  # qid -> grade_choice/grade_multi/check_value call
    practice: dict[str, Call] = field(default_factory=dict)


def _func_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def calls_in(source: str, funcs: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    """Every call to one of ``funcs`` in ``source`` whose arguments are all literals."""
    wanted = set(funcs)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _func_name(node)
        if name not in wanted:
            continue
        args: dict[str, Any] = {}
        try:
            for pname, arg in zip(POSITIONAL.get(name, ()), node.args):
                args[pname] = ast.literal_eval(arg)
            for kw in node.keywords:
                if kw.arg is not None:
                    args[kw.arg] = ast.literal_eval(kw.value)
        except (ValueError, TypeError, SyntaxError):
            continue  # not literal: not a spec we can trust
        found.append((name, args))
    return found


def read_notebook(nb: Mapping[str, Any]) -> NotebookSpecs:
    specs = NotebookSpecs()
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        for name, args in calls_in(source, [*QUESTION_FUNCS, *GRADE_FUNCS, "practice"]):
            call = Call(name, args, i, meta.get("grade_id"), meta.get("points"))
            qid = args.get("qid")
            if not isinstance(qid, str):
                continue
            if name in QUESTION_FUNCS:
                args["multiple"] = QUESTION_FUNCS[name]
                specs.questions[qid] = call
            elif name == "practice":
                specs.practice[qid] = call
            else:
                if name == "grade_multi":
                    args["multiple"] = True
                specs.grades[qid] = call
    return specs


def grade_spec(call: Call) -> dict[str, Any]:
    """The spec dict :func:`qicourse.grading.score_choice`/``score_value`` take."""
    spec = dict(call.args)
    spec.setdefault("multiple", call.func == "grade_multi")
    return spec
