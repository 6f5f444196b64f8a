"""Benchmark: nbgrader's serial autograde against ``qicourse autograde`` (parallel), same run.

    python benchmarks/parallel_autograde.py [--students 200] [--workers N] [--assignment 01-what-qi-is]

Builds a class of synthetic students (answers drawn as the demo class draws them, no
kernel needed to make them), copies it into two identical courses, grades one with
``nbgrader autograde <assignment>`` (one process, serial) and the other with
``qicourse.parallel.autograde`` (worker processes), then prints both wall times, the
speed-up, and whether every student's score matches. Target on 2 cores: >= 1.8x.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def _make_class(course: Path, aid: str, n: int, seed: int = 7) -> None:
    from qicourse import demo, submissions

    rng = random.Random(seed)
    release_nb = nbformat.read(str(submissions.notebook_path(course / "exercises" / aid)), as_version=4)
    source_nb = nbformat.read(str(submissions.notebook_path(course / "solutions" / aid)), as_version=4)
    difficulties: dict = {}
    for i, student in enumerate(demo.make_class(n, seed)):
        student.student_id = f"s{i:03d}"
        folder = submissions.start(course, student.student_id, aid)
        picks, nb = demo._student_notebook(release_nb, source_nb, student, rng, difficulties)
        nbformat.write(nb, str(submissions.notebook_path(folder)))
        submissions.record_answers(folder, picks)


def _scores(course: Path, aid: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: s.score for s in gb.find_assignment(aid).submissions}


def main() -> None:
    from conftest import copy_course, nbgrader

    from qicourse import parallel

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--workers", type=int, default=None, help="default: CPU cores + 1")
    ap.add_argument("--assignment", default="01-what-qi-is")
    args = ap.parse_args()
    aid = args.assignment
    with tempfile.TemporaryDirectory(prefix="qicourse-pbench-") as tmp:
        serial = copy_course(Path(tmp) / "serial")
        nbgrader(serial, "generate_assignment", aid, "--force")
        _make_class(serial, aid, args.students)
        par = Path(tmp) / "parallel"
        shutil.copytree(serial, par)
        (par / "nbgrader_config.py").write_text((serial / "nbgrader_config.py").read_text())

        t0 = time.perf_counter()
        nbgrader(serial, "autograde", aid, check=False)
        t_serial = time.perf_counter() - t0
        summary = parallel.autograde(par, aid, workers=args.workers, progress=False)
        t_par = summary.seconds

        a, b = _scores(serial, aid), _scores(par, aid)
        mismatched = sorted(s for s in set(a) | set(b) if a.get(s) != b.get(s))
    print(f"{args.students} students, {aid}, {args.workers or parallel.default_workers()} workers")
    print(f"nbgrader autograde (serial):   {t_serial:7.1f} s  ({t_serial / args.students:.2f} s per student)")
    print(f"qicourse autograde (parallel): {t_par:7.1f} s  ({t_par / args.students:.2f} s per student); "
          f"{len(summary.graded)} graded, {len(summary.failed)} failed, {len(summary.retried)} retried")
    print(f"speed-up: {t_serial / t_par:.2f}x (target >= 1.8x on 2 cores)")
    print("scores: every student matches" if not mismatched else f"scores DIFFER for {len(mismatched)}: {mismatched[:10]}")


if __name__ == "__main__":
    main()
