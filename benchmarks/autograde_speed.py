"""Benchmark: what the course's grading costs over nbgrader's floor. Prints figures; asserts nothing.

    python benchmarks/autograde_speed.py [--students 4]

In one run, on a scratch copy of the course:
* autograde seconds per submission for each exercise (N students who worked through the
  solutions, graded by one ``nbgrader autograde`` process) and for a one-cell "floor"
  assignment (one trivial test cell, same N), and each exercise's ratio to the floor
  (target: <= 1.3);
* the kernel-side time from a quiz answer (a widget value change) to its recorded
  feedback (store written atomically, receipt refreshed), median of 200 clicks.
Ratios within one run are what to compare; absolute seconds depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def _floor_assignment(course: Path) -> str:
    from qicourse import authoring as a

    test = a._nbg(a.code('"""floor"""\nassert True'), grade_id="floor_test", grade=True, locked=True, points=1)
    a.write(a.notebook([test]), course / "solutions" / "00-floor" / "00-floor.ipynb")
    return "00-floor"


def _autograde_seconds(course: Path, aid: str, students: int) -> float:
    from conftest import nbgrader

    from qicourse import submissions

    for i in range(students):
        submissions.from_solutions(course, f"bench{i:02d}", aid)
    t0 = time.perf_counter()
    nbgrader(course, "autograde", aid, "--force")
    return (time.perf_counter() - t0) / students


def _click_to_feedback_ms(clicks: int = 200) -> float:
    from qicourse import quiz

    quiz._display = lambda *a, **k: None  # no frontend: time the kernel side only
    with tempfile.TemporaryDirectory() as tmp:
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            quiz.single_choice("bench_q1", "Pick", {"a": "A", "b": "B", "c": "C"})
            view = quiz._graded["bench_q1"]
            times = []
            for i in range(clicks):
                t0 = time.perf_counter()
                view.control.value = "abc"[i % 3]
                times.append((time.perf_counter() - t0) * 1000)
        finally:
            os.chdir(cwd)
    return statistics.median(times)


def main() -> None:
    from conftest import ASSIGNMENTS, copy_course, nbgrader

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    with tempfile.TemporaryDirectory(prefix="qicourse-bench-") as tmp:
        course = copy_course(Path(tmp) / "course")
        floor = _floor_assignment(course)
        for aid in [floor, *ASSIGNMENTS]:
            nbgrader(course, "generate_assignment", aid, "--force")
        subprocess.run([sys.executable, "-c", "import matplotlib.pyplot, pandas, ipywidgets"], check=True)  # warm caches
        floor_s = _autograde_seconds(course, floor, args.students)
        print(f"autograde, one-cell floor notebook: {floor_s:6.2f} s per submission ({args.students} students)")
        for aid in ASSIGNMENTS:
            s = _autograde_seconds(course, aid, args.students)
            print(f"autograde, {aid:28s} {s:6.2f} s per submission; ratio to floor {s / floor_s:4.2f} (target <= 1.30)")
    print(f"kernel-side time from a quiz answer to its recorded feedback: {_click_to_feedback_ms():.2f} ms (median of 200)")


if __name__ == "__main__":
    main()
