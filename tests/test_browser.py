"""The app in a real browser: Debian's headless Chromium driven by Playwright.

Serves ``app.py`` with ``streamlit run`` on loopback against the built knowledge base
(the default data folder, or ``KENNIS_DATA_DIR``), asks the question new staff ask first,
checks the answer names the HOvJ with a citation of § 4.2, opens the actor page, and
saves a screenshot of every step in ``screenshots/`` (git-ignored).

Needs ``apt-get install -y chromium`` (never a browser downloaded by Playwright).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from kennis.config import REPO_ROOT, Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("KENNIS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO_ROOT / "screenshots"
QUESTION = "Wie draagt het gezag over persoonsbeveiliging in het decentraal domein?"
#: Generous: the first question of a fresh server loads the embedding model.
ANSWER_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from kennis.service import Kennis

    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    pytest.importorskip("playwright.sync_api")
    settings = Settings.from_env()
    if not Kennis(settings).is_built:
        pytest.skip(f"the knowledge base is not built in {settings.kb_dir}: run `kennis build` (or ./setup.sh)")
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--global.developmentMode", "false",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy())
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc)
            yield url
        except Exception:
            print(log.read_text(errors="replace")[-4000:])
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def page(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    profile = tmp_path / "chromium-profile"  # a fresh user-data dir for every test
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000}, locale="nl-NL",
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_ask_question_then_open_actor(server: str, page) -> None:
    from playwright.sync_api import expect

    t0 = time.perf_counter()
    page.goto(server, wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Zoeken")).to_be_visible(timeout=30_000)
    expect(page.get_by_label("Zoekvraag")).to_be_editable(timeout=30_000)
    first_page_s = time.perf_counter() - t0
    _shot(page, "01-start")

    # to the question page through the sidebar, as a user would
    page.get_by_text("Vraag het", exact=True).first.click()
    expect(page.get_by_role("heading", name="Vraag het")).to_be_visible(timeout=15_000)
    box = page.get_by_label("Uw vraag")
    box.fill(QUESTION)
    box.press("Enter")
    main = page.locator("section.stMain, [data-testid='stMain']").first
    expect(main.get_by_text("HOvJ").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(main.get_by_text("§ 4.2").first).to_be_visible(timeout=15_000)
    page.wait_for_timeout(500)  # let the graph finish drawing before the picture
    _shot(page, "02-antwoord")

    # the actor card of the answer opens the actor page
    main.get_by_role("button", name="Open actorpagina").first.click()
    expect(page.get_by_role("heading", name="Actoren")).to_be_visible(timeout=15_000)
    expect(main.get_by_text("HOvJ").first).to_be_visible(timeout=30_000)
    expect(main.get_by_text("Bevoegdheden").first).to_be_visible(timeout=15_000)
    page.wait_for_timeout(1500)  # the network view settles
    _shot(page, "03-actor")
    assert "/actoren" in page.url  # each page has its own URL path (st.navigation)
    assert first_page_s < 30, f"first page took {first_page_s:.1f} s"


def test_deep_link_opens_section(server: str, page) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/?page=documenten&doc=BWBR0036811&ref=4.2", wait_until="domcontentloaded")
    main = page.locator("section.stMain, [data-testid='stMain']").first
    expect(main.get_by_role("heading", name="Documenten")).to_be_visible(timeout=30_000)
    expect(main.get_by_text("Taken en bevoegdheden").first).to_be_visible(timeout=30_000)
    # the section's own words, not a loading placeholder, are on the page
    expect(main.get_by_text("draagt hierover het gezag").first).to_be_visible(timeout=30_000)
    _shot(page, "04-document")
