"""Drive a real JupyterLab in headless Chromium (Debian's chromium, via Playwright).

Kept apart from the test so a developer can run it by hand against a folder:
``python tests/browser_driver.py <folder> <notebook>``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_jupyter_env(home: Path) -> dict:
    """Keep Jupyter, IPython and matplotlib from writing into the real home folder."""
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
                     ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl"),
                     ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"), ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces")]:
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    # Render every cell: JupyterLab 4 leaves off-screen cells out of the page by default.
    tracker = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env.pop("NBGRADER_EXECUTION", None)
    env.pop("QICOURSE_STATIC", None)
    return env


@contextlib.contextmanager
def jupyterlab(root: Path):
    """A JupyterLab server on loopback serving ``root``; yields (base_url, token)."""
    home = Path(tempfile.mkdtemp(prefix="qicourse-lab-"))
    port, token = free_port(), secrets.token_hex(16)
    env = private_jupyter_env(home)
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("JupyterLab exited:\n" + (home / "lab.log").read_text())
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("JupyterLab did not answer within 90 s:\n" + (home / "lab.log").read_text())
        yield base, token
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


class Lab:
    """A page of JupyterLab with the few actions the tests need."""

    def __init__(self, page):
        self.page = page

    def wait_idle(self, timeout=90_000):
        self.page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout)

    def dismiss_dialogs(self):
        dialog = self.page.locator(".jp-Dialog button.jp-mod-accept")
        if dialog.count():
            dialog.first.click()

    def menu(self, top: str, item: str):
        self.dismiss_dialogs()
        self.page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
        self.page.locator(".lm-Menu-item:visible", has_text=item).first.click()

    def accept(self):
        self.page.locator(".jp-Dialog button.jp-mod-accept").first.wait_for(timeout=15_000)
        self.page.locator(".jp-Dialog button.jp-mod-accept").first.click()

    def wait_all_ran(self, timeout=180):
        """Until no cell is queued or running ("[*]") and the kernel is idle."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            prompts = self.page.locator(".jp-InputArea-prompt").all_inner_texts()
            if prompts and not any("*" in p for p in prompts):
                break
            time.sleep(0.5)
        self.wait_idle(timeout=int(max(1, deadline - time.time()) * 1000))

    def run_all(self):
        self.menu("Run", "Run All Cells")
        time.sleep(1)
        self.wait_all_ran()

    def restart_run_all(self):
        self.menu("Kernel", "Restart Kernel and Run All Cells")
        self.accept()
        time.sleep(2)
        self.wait_all_ran()

    def save(self):
        self.page.keyboard.press("Control+s")
        time.sleep(1.5)

    def radio_group(self, qid: str):
        """The radio buttons of graded question ``qid`` (scrolled into view)."""
        box = self.page.locator(".qicourse-quiz", has=self.page.locator(f"text={qid}.")).last
        box.wait_for(timeout=120_000)
        box.scroll_into_view_if_needed()
        return box.locator(".widget-radio-box label")


def open_notebook(playwright, base: str, token: str, rel_path: str):
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    ctx = playwright.chromium.launch_persistent_context(
        profile, executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{base}/lab/tree/{rel_path}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    lab = Lab(page)
    lab.wait_idle()
    return ctx, lab


if __name__ == "__main__":  # manual use: open a notebook and leave a screenshot
    from playwright.sync_api import sync_playwright

    folder, nb = Path(sys.argv[1]).resolve(), sys.argv[2]
    with jupyterlab(folder) as (base, token), sync_playwright() as p:
        ctx, lab = open_notebook(p, base, token, nb)
        lab.run_all()
        lab.page.screenshot(path=str(folder / "screenshot.png"), full_page=True)
        ctx.close()
