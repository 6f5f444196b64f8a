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
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CourseError as exc:
        print(f"qicourse: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
