"""The ``qicourse`` command: check my work (learners), generate every release (instructors),
and clean notebooks before committing (authors).

Instructors otherwise use nbgrader's own commands (collect, autograde, formgrader,
generate_feedback, export) from the course root.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import CourseError, assignments, clean_notebook, find_root, nbgrader


def _cmd_check(args) -> int:
    from .checkwork import check

    print(f"Grading {args.target} in a private scratch course (about 20 seconds)…", flush=True)
    for report in check(args.target, keep=args.keep):
        print(report.text())
    return 0


def _cmd_generate(args) -> int:
    root = find_root()
    wanted = args.assignments or assignments(root)
    unknown = sorted(set(wanted) - set(assignments(root)))
    if unknown:
        raise CourseError(f"no such assignment in solutions/: {', '.join(unknown)}")
    failed = []
    for aid in wanted:
        proc = nbgrader(["generate_assignment", aid, "--force"], root)
        ok = proc.returncode == 0 and (root / "exercises" / aid).is_dir()
        print(f"{'generated' if ok else 'FAILED   '} exercises/{aid}")
        if not ok:
            failed.append(aid)
            print("\n".join((proc.stdout + proc.stderr).strip().splitlines()[-10:]), file=sys.stderr)
    for path in sorted((root / "exercises").rglob("*.ipynb")):
        clean_notebook(path)
    return 1 if failed else 0


def _cmd_clean(args) -> int:
    root = find_root()
    paths = [Path(p) for p in args.paths] or [
        *root.glob("lessons/*.ipynb"), *root.glob("solutions/*/*.ipynb"), *root.glob("exercises/*/*.ipynb")]
    changed = [p for p in paths if clean_notebook(p)]
    for p in changed:
        print(f"cleaned {p}")
    print(f"{len(changed)} of {len(paths)} notebooks changed")
    return 0


def _cmd_autograde(args) -> int:
    from .parallel import autograde

    root = find_root()
    summary = autograde(root, args.assignment, students=args.student or None, workers=args.workers,
                        force=not args.no_force)
    print(summary.text())
    if not summary.results:
        print(f"no submissions in submitted/*/{args.assignment}/")
    return 1 if summary.failed else 0


def _cmd_demo(args) -> int:
    from .demo import build

    build(args.dest, students=args.students, assignments=args.assignments or None, workers=args.workers,
          force=args.force)
    return 0


def _cmd_export_lms(args) -> int:
    from traitlets.config.loader import PyFileConfigLoader

    from .lms import export_lms_csv

    root = find_root()
    db_url = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config().CourseDirectory.db_url
    path = export_lms_csv(db_url, args.out, roster=args.roster)
    print(f"wrote {path}")
    return 0


def _cmd_report(args) -> int:
    from .analytics import write_report

    root = find_root()
    print(f"wrote {write_report(root, args.out)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qicourse", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="grade your copy of an exercise, as the instructor's autograde would")
    p.add_argument("target", help="an exercise folder, its notebook, or an assignment id (e.g. 01-what-qi-is)")
    p.add_argument("--keep", action="store_true", help="keep the scratch course (for debugging)")
    p.set_defaults(func=_cmd_check)
    p = sub.add_parser("generate", help="regenerate exercises/ from solutions/ (every assignment by default)")
    p.add_argument("assignments", nargs="*")
    p.set_defaults(func=_cmd_generate)
    p = sub.add_parser("clean", help="strip outputs and widget state from notebooks, keeping nbgrader metadata")
    p.add_argument("paths", nargs="*")
    p.set_defaults(func=_cmd_clean)
    p = sub.add_parser("autograde", help="autograde a class in parallel worker processes, with retries and a summary")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--workers", type=int, default=None, help="default: CPU cores + 1")
    p.add_argument("--no-force", action="store_true", help="skip students already graded")
    p.set_defaults(func=_cmd_autograde)
    p = sub.add_parser("demo", help="build a demo class and run the whole instructor workflow on it")
    p.add_argument("dest", nargs="?", default="demo-class")
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--assignments", nargs="*")
    p.add_argument("--workers", type=int, default=None, help="default: CPU cores + 1")
    p.add_argument("--force", action="store_true", help="replace DEST if it exists")
    p.set_defaults(func=_cmd_demo)
    p = sub.add_parser("export-lms", help="write a gradebook CSV an LMS (Canvas) imports")
    p.add_argument("--out", default="grades-lms.csv")
    p.add_argument("--roster", help="CSV: student_id,name,lms_id,sis_user_id,sis_login_id,section")
    p.set_defaults(func=_cmd_export_lms)
    p = sub.add_parser("report", help="write the class analytics report (HTML and figures)")
    p.add_argument("--out", default="reports")
    p.set_defaults(func=_cmd_report)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CourseError as exc:
        print(f"qicourse: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
