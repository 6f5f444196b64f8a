"""A learner in a real JupyterLab (headless Debian Chromium, driven by Playwright).

Clicks an answer, restarts and runs all, saves; the answer must be in the store, be
restored after the restart, travel inside the saved notebook, and be graded by a real
autograde of the notebook alone (an LMS upload).
"""

from __future__ import annotations

import json
import os
import shutil
import time

import nbformat
import pytest
from conftest import ASSIGNMENTS, REPO, nbgrader
from nbgrader.api import Gradebook

from qicourse import answers, submissions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

browser_driver = pytest.importorskip("browser_driver")
if browser_driver.find_chromium() is None:
    if os.environ.get("CI") or os.environ.get("QICOURSE_REQUIRE_BROWSER"):
        raise RuntimeError("Chromium is required for the browser test (apt-get install chromium)")
    pytest.skip("Chromium is not installed (bash scripts/test.sh installs it where it can)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _wait_for_store(folder, qid, choice, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if answers.read_store(folder).get(qid, {}).get("choice") == choice:
                return True
        except answers.StoreError:
            pass
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not ASSIGNMENTS, reason="no assignments")
def test_click_restart_save_and_autograde_the_notebook_alone(course, tmp_path):
    aid = ASSIGNMENTS[0]
    key = submissions.key_of(REPO, aid)
    qid, spec = next((q, s) for q, s in key.items() if s["kind"] == "grade_choice")
    right = spec["key"] if isinstance(spec["key"], str) else spec["key"][0]
    wrong = next(c for c in spec["choices"] if c != right and c not in spec["key"])
    workspace = tmp_path / "student"
    shutil.copytree(REPO / "exercises" / aid, workspace / aid)
    folder = workspace / aid
    nb_name = submissions.notebook_path(folder).name

    with browser_driver.jupyterlab(workspace) as (base, token), sync_api.sync_playwright() as p:
        ctx, lab = browser_driver.open_notebook(p, base, token, f"{aid}/{nb_name}")
        try:
            lab.run_all()
            labels = lab.radio_group(qid)
            labels.nth(spec["choices"].index(wrong)).click()
            assert _wait_for_store(folder, qid, wrong), "the click was not recorded"
            labels.nth(spec["choices"].index(right)).click()
            assert _wait_for_store(folder, qid, right), "changing the answer was not recorded"

            lab.restart_run_all()
            # the widget is rebuilt from the store with the answer selected
            inputs = lab.radio_group(qid).locator("input[type=radio]")
            inputs.first.wait_for(timeout=30_000)
            assert inputs.nth(spec["choices"].index(right)).is_checked()
            assert inputs.nth(spec["choices"].index(wrong)).is_checked() is False
            lab.save()
            lab.page.screenshot(path=str(tmp_path / "lab.png"))
        except Exception:
            shot = tmp_path / "failure.png"
            lab.page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failure: {shot}")
            raise
        finally:
            ctx.close()

    saved = nbformat.read(str(folder / nb_name), as_version=4)
    receipts = dict(answers.receipts_in(saved))
    assert receipts.get(qid, {}).get("choice") == right, "the saved notebook carries no receipt of the answer"

    # LMS upload: the notebook alone, graded by the real autograde
    dest = submissions.start(course, "browser_nb_only", aid)
    shutil.copy(folder / nb_name, dest / nb_name)
    assert not (dest / answers.STORE_NAME).exists()
    nbgrader(course, "autograde", aid, "--student", "browser_nb_only", "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade(qid, nb_name[:-6], aid, "browser_nb_only")
        assert grade.auto_score == pytest.approx(spec["points"])
    record = json.loads((course / "autograded" / "browser_nb_only" / aid / "qicourse-graded.json").read_text())
    assert record[nb_name[:-6]][qid]["answer"] == right
