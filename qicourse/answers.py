"""The answer record: where a learner's quiz answers live and how they travel.

An answer is kept in two places, each covering a gap in the other:

* the **store**, ``qicourse-answers.json`` beside the notebook (the kernel's working
  directory). It is written atomically on every click or ``answer()`` call, so an
  answer survives a kernel restart and "Restart & Run All";
* a **receipt**, a display output of the quiz cell carrying the same entry under the
  MIME type :data:`RECEIPT_MIME`. It is saved inside the ``.ipynb``, so a notebook
  uploaded alone (an LMS upload) still carries its answers. At autograde a
  preprocessor harvests the receipts before nbgrader clears the outputs.

Each entry carries a digest of its own fields. The digest is not a secret (this code
is public); it only tells a hand-edited or damaged entry from one this package wrote,
so that grading can treat it as missing instead of guessing.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

STORE_NAME = "qicourse-answers.json"
RECEIPT_MIME = "application/vnd.qicourse.answer+json"
STORE_FORMAT = 1


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def digest(qid: str, choice: Any, at: str) -> str:
    payload = "\x1f".join([qid, json.dumps(choice, sort_keys=True), at])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def make_entry(qid: str, choice: str | list[str], via: str) -> dict:
    """A new, signed entry for ``qid``. Multiple-select choices are stored sorted."""
    if isinstance(choice, (list, tuple, set, frozenset)):
        choice = sorted(str(c) for c in choice)
    at = _now()
    return {"choice": choice, "at": at, "via": via, "digest": digest(qid, choice, at)}


def entry_problem(qid: str, entry: Any) -> str | None:
    """Why ``entry`` cannot be trusted as the answer to ``qid``, or None if it can.

    Checks shape only (a string or a list of strings, a timestamp, a matching digest);
    whether the choice exists in the question is the grader's business.
    """
    if not isinstance(entry, Mapping):
        return "the entry is not a JSON object"
    choice, at, dig = entry.get("choice"), entry.get("at"), entry.get("digest")
    if isinstance(choice, str):
        pass
    elif isinstance(choice, list) and all(isinstance(c, str) for c in choice):
        if choice != sorted(choice):
            return "the entry's choices are out of order (edited by hand?)"
    else:
        return "the entry's choice is neither a letter nor a list of letters"
    if not isinstance(at, str) or not isinstance(dig, str):
        return "the entry has no timestamp or digest"
    if digest(qid, choice, at) != dig:
        return "the entry does not match its digest (edited by hand or damaged)"
    return None


def newest(entries: Iterable[tuple[str, Any]]) -> dict[str, dict]:
    """Merge ``(qid, entry)`` pairs from several sources: the newest valid entry wins."""
    merged: dict[str, dict] = {}
    for qid, entry in entries:
        if not isinstance(qid, str) or entry_problem(qid, entry) is not None:
            continue
        if qid not in merged or entry["at"] > merged[qid]["at"]:
            merged[qid] = dict(entry)
    return merged


class StoreError(Exception):
    """The store exists but cannot be read as an answer store."""


def read_store(folder: str | os.PathLike = ".") -> dict[str, Any]:
    """All raw entries in the store of ``folder`` ({} if there is none).

    Raises StoreError when the file exists but is not a readable store; callers decide
    whether that is a message to the learner or a zero at grading time.
    """
    path = Path(folder) / STORE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path.name} could not be read ({exc.__class__.__name__})") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise StoreError(f"{path.name} is not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise StoreError(f"{path.name} does not hold an 'answers' object")
    return data["answers"]


def write_store(answers: Mapping[str, Any], folder: str | os.PathLike = ".") -> Path:
    """Replace the store atomically: a crash never leaves half-written JSON."""
    path = Path(folder) / STORE_NAME
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = {"format": STORE_FORMAT, "answers": dict(sorted(answers.items()))}
    tmp.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def record(qid: str, choice: str | list[str], via: str, folder: str | os.PathLike = ".") -> dict:
    """Record ``choice`` for ``qid`` in the store and return the new entry.

    A store that cannot be read is replaced (its unreadable content was lost already);
    the entry just made is what matters now.
    """
    try:
        answers = dict(read_store(folder))
    except StoreError:
        answers = {}
    entry = make_entry(qid, choice, via)
    answers[qid] = entry
    write_store(answers, folder)
    return entry


def receipt_bundle(qid: str, entry: Mapping[str, Any] | None, label: str) -> dict:
    """The display bundle of a receipt: text for people, JSON for the harvester.

    ``label`` is the human-readable form of the choice (e.g. "(b) Probable cause").
    """
    if entry is None:
        text = f"{qid}: not answered yet."
        html = f'<div class="qicourse-receipt" role="status">{_esc(text)}</div>'
        return {"text/plain": text, "text/html": html}
    when = entry["at"][:19].replace("T", " ")
    text = f"{qid}: your recorded answer is {label} (recorded {when} UTC)."
    html = f'<div class="qicourse-receipt" role="status"><b>Recorded:</b> {_esc(text)}</div>'
    return {"text/plain": text, "text/html": html, RECEIPT_MIME: {"qid": qid, **entry}}


def receipts_in(notebook: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Every ``(qid, entry)`` receipt saved in a notebook's outputs."""
    found = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            payload = data.get(RECEIPT_MIME)
            if isinstance(payload, str):  # some writers store JSON mimetypes as text
                try:
                    payload = json.loads(payload)
                except ValueError:
                    continue
            if isinstance(payload, Mapping) and isinstance(payload.get("qid"), str):
                entry = {k: v for k, v in payload.items() if k != "qid"}
                found.append((payload["qid"], entry))
    return found


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
