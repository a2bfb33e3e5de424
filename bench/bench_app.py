#!/usr/bin/env python3
"""Interface benchmark: how fast the Streamlit app is for a person, in headless Chromium.

Usage (from the repository root, with the knowledge base built and Debian's chromium):

    .venv/bin/python bench/bench_app.py [--rounds 3]

Starts ``streamlit run app.py`` on 127.0.0.1 and measures, with Playwright driving
``/usr/bin/chromium``: the time from starting the server to the first page being
interactive (search box editable); the same for a second browser session on the running
server (a warm start); then, once the model has loaded, the time from pressing Enter to
a visible answer for questions and for searches (``--rounds`` each). Prints the figures.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("KENNIS_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
QUESTIONS = [
    ("Wie draagt het gezag over persoonsbeveiliging in het decentraal domein?", "HOvJ"),
    ("Wie zit het Afstemmingsoverleg Bewaken en Beveiligen voor?", "DB3"),
    ("Wat is een dreigingsmelding?", "3.2.1"),
]
SEARCHES = [("limitatieve lijst categorie II", "5.1"), ("bewapeningsvoorschrift buitenlandse delegatie", "5.3.2")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    t_start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                    break
            except OSError:
                if time.perf_counter() - t_start > 60 or server.poll() is not None:
                    raise SystemExit("streamlit did not start")
                time.sleep(0.1)
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), headless=True, args=ARGS)
            page = ctx.pages[0] if ctx.pages else ctx.new_page()

            def first_page(t0: float) -> float:
                page.goto(url, wait_until="domcontentloaded")
                expect(page.get_by_label("Zoekvraag")).to_be_editable(timeout=60_000)
                return time.perf_counter() - t0

            cold = first_page(t_start)
            warm = first_page(time.perf_counter())
            main = page.locator("[data-testid='stMain']").first

            def timed(page_name: str, label: str, text: str, expected: str) -> float:
                page.goto(url, wait_until="domcontentloaded")
                page.get_by_text(page_name, exact=True).first.click()
                box = page.get_by_label(label)
                expect(box).to_be_editable(timeout=60_000)
                box.fill(text)
                t = time.perf_counter()
                box.press("Enter")
                expect(main.get_by_text(expected).first).to_be_visible(timeout=120_000)
                return time.perf_counter() - t

            timed("Vraag het", "Uw vraag", QUESTIONS[0][0], QUESTIONS[0][1])  # loads the model once
            ask = [timed("Vraag het", "Uw vraag", q, e) for _ in range(args.rounds) for q, e in QUESTIONS]
            search = [timed("Zoeken", "Zoekvraag", q, e) for _ in range(args.rounds) for q, e in SEARCHES]
            ctx.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"first page interactive, server start to search box: {cold:.1f} s")
    print(f"first page interactive, new session on a running server: {warm:.1f} s")
    print(f"question answered (Enter to answer visible): median {statistics.median(ask):.2f} s, max {max(ask):.2f} s")
    print(f"search answered (Enter to results visible): median {statistics.median(search):.2f} s, max {max(search):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
