"""What the class got wrong, and why: gradebook + recorded answers → pandas → matplotlib.

Sources, all produced by a normal nbgrader run of this course:
* the gradebook (scores per test cell, including hand-graded written answers);
* ``autograded/<student>/<assignment>/qicourse-graded.json`` (each quiz answer as the
  grader verified it);
* the question definitions in ``solutions/<assignment>/*.ipynb`` (choices, key,
  misconception tags, objective ids).

Item statistics follow classical test theory: *difficulty* is the mean fraction of the
points earned (higher = easier); *discrimination* is the corrected item-total correlation
(the item's score against the rest of the assignment, so a weak item cannot inflate its
own figure). Items with discrimination below 0.2 deserve a second look.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

from .misconceptions import describe
from .specs import read_notebook

SOURCE_LINE = "Source: this course's gradebook and recorded answers"


@dataclass
class Results:
    responses: pd.DataFrame  # one row per student × graded cell
    questions: pd.DataFrame  # one row per graded cell: assignment, qid, kind, objective, key, choices, tags


def _question_table(root: Path) -> pd.DataFrame:
    rows = []
    for nb_path in sorted((root / "solutions").glob("*/*.ipynb")):
        specs = read_notebook(nbformat.read(str(nb_path), as_version=4))
        for qid, call in specs.grades.items():
            q = specs.questions.get(qid)
            rows.append({"assignment": nb_path.parent.name, "notebook": nb_path.stem, "qid": qid, "kind": call.func,
                         "objective": call.args.get("objective"), "key": call.args.get("key"),
                         "choices": dict(q.args["choices"]) if q else {},
                         "tags": dict(call.args.get("misconceptions") or {})})
        nb = nbformat.read(str(nb_path), as_version=4)
        for cell in nb.cells:  # hand-graded written answers have no call to parse
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and meta.get("grade"):
                rows.append({"assignment": nb_path.parent.name, "notebook": nb_path.stem, "qid": meta["grade_id"],
                             "kind": "written", "objective": None, "key": None, "choices": {}, "tags": {}})
    return pd.DataFrame(rows, columns=["assignment", "notebook", "qid", "kind", "objective", "key", "choices", "tags"])


def load_results(root: str | Path, db_url: str | None = None) -> Results:
    """Every student's score and answer on every graded cell the gradebook knows."""
    from nbgrader.api import Gradebook

    root = Path(root)
    db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"
    questions = _question_table(root)
    qinfo = questions.set_index(["assignment", "qid"]).to_dict("index")
    rows = []
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                student = submission.student.id
                record_path = root / "autograded" / student / assignment.name / "qicourse-graded.json"
                try:
                    record = json.loads(record_path.read_text())
                except (OSError, ValueError):
                    record = {}
                for nb in submission.notebooks:
                    graded = record.get(nb.name, {})
                    for grade in nb.grades:
                        info = qinfo.get((assignment.name, grade.name), {})
                        score = grade.score
                        answer = graded.get(grade.name, {}).get("answer")
                        tags = info.get("tags") or {}
                        rows.append({
                            "student": student, "assignment": assignment.name, "notebook": nb.name,
                            "qid": grade.name, "kind": info.get("kind", "unknown"),
                            "objective": info.get("objective") or graded.get(grade.name, {}).get("objective"),
                            "score": float(score) if score is not None else float("nan"),
                            "points": float(grade.max_score),
                            "answer": answer,
                            "misconception": tags.get(answer) if isinstance(answer, str) else None,
                            "needs_hand_grading": bool(grade.needs_manual_grade),
                            "late": bool(submission.total_seconds_late and submission.total_seconds_late > 0),
                        })
    responses = pd.DataFrame(rows)
    if not responses.empty:
        responses["fraction"] = responses["score"] / responses["points"]
    return Results(responses, questions)


def student_totals(results: Results) -> pd.DataFrame:
    r = results.responses
    return (r.groupby(["assignment", "student"])[["score", "points"]].sum(min_count=1)
            .assign(percent=lambda d: 100 * d["score"] / d["points"]).reset_index())


def item_analysis(results: Results) -> pd.DataFrame:
    """Difficulty and corrected item-total discrimination for every auto-graded item."""
    r = results.responses[results.responses["kind"] != "written"].dropna(subset=["fraction"])
    out = []
    for assignment, group in r.groupby("assignment"):
        wide = group.pivot_table(index="student", columns="qid", values="fraction")
        points = group.groupby("qid")["points"].first()
        total = (wide * points).sum(axis=1)
        for qid in wide.columns:
            rest = total - wide[qid] * points[qid]
            disc = wide[qid].corr(rest) if wide[qid].std() > 0 and rest.std() > 0 else float("nan")
            out.append({"assignment": assignment, "qid": qid, "n": int(wide[qid].count()),
                        "difficulty": round(float(wide[qid].mean()), 3),
                        "discrimination": round(float(disc), 3) if pd.notna(disc) else float("nan"),
                        "objective": group.loc[group["qid"] == qid, "objective"].iloc[0]})
    return pd.DataFrame(out).sort_values(["assignment", "qid"]).reset_index(drop=True) if out else pd.DataFrame(
        columns=["assignment", "qid", "n", "difficulty", "discrimination", "objective"])


def choice_distribution(results: Results, qid: str) -> pd.DataFrame:
    """How often each choice of a single-choice question was picked, and what it signals."""
    q = results.questions[results.questions["qid"] == qid]
    if q.empty:
        raise KeyError(f"no question {qid!r}")
    q = q.iloc[0]
    answers = results.responses.loc[results.responses["qid"] == qid, "answer"]
    answers = answers[answers.map(lambda a: isinstance(a, str))]
    counts = answers.value_counts()
    keys = q["key"] if isinstance(q["key"], list) else [q["key"]]
    rows = [{"choice": c, "text": text, "picked": int(counts.get(c, 0)),
             "share": round(float(counts.get(c, 0)) / max(len(answers), 1), 3),
             "correct": c in keys, "misconception": q["tags"].get(c)} for c, text in q["choices"].items()]
    return pd.DataFrame(rows)


def misconception_summary(results: Results) -> pd.DataFrame:
    """Each misconception: how many answers and how many students showed it."""
    r = results.responses.dropna(subset=["misconception"])
    students = results.responses["student"].nunique()
    if r.empty:
        return pd.DataFrame(columns=["misconception", "answers", "students", "share_of_students", "description"])
    out = (r.groupby("misconception").agg(answers=("qid", "size"), students=("student", "nunique")).reset_index())
    out["share_of_students"] = (out["students"] / max(students, 1)).round(3)
    out["description"] = out["misconception"].map(describe)
    return out.sort_values(["students", "answers"], ascending=False).reset_index(drop=True)


def mastery_by_objective(results: Results, threshold: float = 0.7) -> pd.DataFrame:
    """Per objective: the class's mean fraction of points, and the share of students at or above ``threshold``."""
    r = results.responses.dropna(subset=["objective", "fraction"])
    per_student = r.groupby(["objective", "student"]).apply(
        lambda g: g["score"].sum() / g["points"].sum(), include_groups=False).rename("mastery").reset_index()
    out = per_student.groupby("objective").agg(mean=("mastery", "mean"),
                                               mastered=("mastery", lambda s: (s >= threshold).mean()),
                                               students=("student", "nunique")).reset_index()
    return out.round(3)


# ----------------------------------------------------------------------- figures
def _finish(ax, title, xlabel, ylabel):
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.figure.text(0.01, 0.005, SOURCE_LINE, fontsize=7, color="#555")
    ax.figure.tight_layout(rect=(0, 0.03, 1, 1))
    return ax.figure


def plot_score_distribution(results: Results, assignment: str):
    import matplotlib.pyplot as plt

    totals = student_totals(results)
    t = totals[totals["assignment"] == assignment]["percent"].dropna()
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.hist(t, bins=range(0, 105, 5), color="#3a6ea5", edgecolor="white")
    median = t.median() if len(t) else float("nan")
    ax.axvline(median, color="#c0392b", linestyle="--", label=f"median {median:.0f}%")
    ax.legend(frameon=False)
    return _finish(ax, f"{assignment}: median auto-graded score {median:.0f}% of points ({len(t)} students)",
                   "Score (% of points; written answers count once hand-graded)", "Students")


def plot_items(results: Results, assignment: str):
    import matplotlib.pyplot as plt

    items = item_analysis(results)
    items = items[items["assignment"] == assignment]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.scatter(items["difficulty"], items["discrimination"], color="#3a6ea5")
    for _, row in items.iterrows():
        ax.annotate(row["qid"].split("_")[-1], (row["difficulty"], row["discrimination"]), fontsize=8,
                    xytext=(3, 3), textcoords="offset points")
    ax.axhline(0.2, color="#999", linestyle=":")
    weak = int((items["discrimination"] < 0.2).sum())
    return _finish(ax, f"{assignment}: {weak} of {len(items)} items discriminate weakly (below 0.2)",
                   "Difficulty (mean share of points earned; higher is easier)", "Discrimination (item-rest correlation)")


def plot_misconceptions(results: Results, top: int = 10):
    import matplotlib.pyplot as plt

    m = misconception_summary(results).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(m), 2) + 1.5))
    ax.barh(m["misconception"], 100 * m["share_of_students"], color="#c0392b")
    lead = m.iloc[-1] if len(m) else None
    title = (f"Most common misconception: {lead['misconception']} ({100 * lead['share_of_students']:.0f}% of students)"
             if lead is not None else "No misconception-tagged answers yet")
    return _finish(ax, title, "Students who chose an answer showing it (%)", "Misconception")


def plot_mastery(results: Results):
    import matplotlib.pyplot as plt

    m = mastery_by_objective(results).sort_values("objective", ascending=False)
    fig, ax = plt.subplots(figsize=(7, 0.4 * max(len(m), 2) + 1.5))
    ax.barh(m["objective"], 100 * m["mean"], color="#2e8b57")
    ax.set_xlim(0, 100)
    weakest = m.sort_values("mean").iloc[0] if len(m) else None
    title = (f"Weakest objective: {weakest['objective']} ({100 * weakest['mean']:.0f}% of points earned)"
             if weakest is not None else "No graded objectives yet")
    return _finish(ax, title, "Mean share of points earned (%)", "Learning objective")


def write_report(root: str | Path, out_dir: str | Path, db_url: str | None = None) -> Path:
    """Write the analytics report (HTML with its figures) and return the HTML path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = load_results(root, db_url)
    parts = ["<html><head><meta charset='utf-8'><title>Class analytics</title></head><body>",
             "<h1>Class analytics</h1>", f"<p>{html.escape(SOURCE_LINE)}.</p>"]
    figures = []
    for assignment in sorted(results.responses["assignment"].unique()) if not results.responses.empty else []:
        for name, fig in ((f"{assignment}-scores.png", plot_score_distribution(results, assignment)),
                          (f"{assignment}-items.png", plot_items(results, assignment))):
            fig.savefig(out / name, dpi=110)
            plt.close(fig)
            figures.append((name, fig))
            parts.append(f"<img src='{name}' alt='{html.escape(fig.axes[0].get_title())}'>")
        items = item_analysis(results)
        parts.append(f"<h2>{html.escape(assignment)}: items</h2>" + items[items["assignment"] == assignment].to_html(index=False))
        hardest = items[items["assignment"] == assignment].sort_values("difficulty").head(1)
        for qid in hardest["qid"]:
            kind = results.questions.set_index("qid").get("kind", pd.Series()).get(qid)
            if kind == "grade_choice":
                parts.append(f"<h3>Hardest item, {html.escape(qid)}: what was chosen</h3>"
                             + choice_distribution(results, qid).to_html(index=False))
    for name, fig in (("misconceptions.png", plot_misconceptions(results)), ("mastery.png", plot_mastery(results))):
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
        parts.append(f"<img src='{name}' alt='{html.escape(fig.axes[0].get_title())}'>")
    parts.append("<h2>Misconceptions</h2>" + misconception_summary(results).to_html(index=False))
    parts.append("<h2>Mastery by objective</h2>" + mastery_by_objective(results).to_html(index=False))
    parts.append("</body></html>")
    report = out / "analytics.html"
    report.write_text("\n".join(parts), encoding="utf-8")
    return report
