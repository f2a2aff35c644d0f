"""Remake the README's screenshot (docs/img/job-map.png): the job map's 求职者 view of one village's circle.

    python scripts/screenshot.py                       # a private demo: own cluster, small demo, own server
    python scripts/screenshot.py --base http://127.0.0.1:8000   # a server that is already running

With no --base it runs what a person would: `hongyan db start`, `hongyan demo build --scale small --seed 7`
and `hongyan serve` in a throwaway data directory, takes the picture with the system Chromium (1280×800),
then stops the server and the cluster and deletes the directory.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img" / "job-map.png"
CHROMIUM = "/usr/bin/chromium"  # Debian's package (make setup); never a downloaded build
HONGYAN = Path(sys.executable).parent / "hongyan"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base: str, server: subprocess.Popen[bytes], timeout_s: float = 180) -> None:
    """Poll /healthz until the server says ok (every worker warm)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"hongyan serve stopped with exit code {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base}/healthz did not answer ok within {timeout_s:.0f} s")


@contextmanager
def private_demo() -> Iterator[str]:
    """A throwaway cluster with the small demo, served on a free port; yields the base URL."""
    data_dir = Path(tempfile.mkdtemp(prefix="hongyan-shot-", dir="/tmp"))
    os.chmod(data_dir, 0o755)  # as root the cluster runs as the unprivileged user `hongyan`
    env = {**os.environ, "HONGYAN_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("HONGYAN_DATABASE_URL", None)
    port = _free_port()
    try:
        subprocess.run([HONGYAN, "db", "start"], env=env, check=True)
        subprocess.run([HONGYAN, "demo", "build", "--scale", "small", "--seed", "7"], env=env, check=True)
        server = subprocess.Popen([HONGYAN, "serve", "--port", str(port)], env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_healthy(base, server)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=60)
    finally:
        subprocess.run([HONGYAN, "db", "stop"], env=env, check=False)
        shutil.rmtree(data_dir, ignore_errors=True)


def _wait(page: Page, condition: str, timeout_s: float = 30) -> None:
    """Poll a JS condition with evaluate (the site's CSP refuses the eval behind wait_for_function)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(f"() => Boolean({condition})"):
        if time.monotonic() > deadline:
            raise SystemExit(f"the page did not reach {condition!r} within {timeout_s:.0f} s")
        time.sleep(0.1)


def take(base: str, village: str, out: Path) -> None:
    """Open the map, show the village's walking circle in the 求职者 view, save a 1280×800 PNG."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.goto(base + "/")
            _wait(page, "document.documentElement.dataset.areas === 'ready'")
            if page.get_attribute("#panel", "data-open") != "true":
                page.click("#panel-toggle")
            page.click('.tab[data-tab="seekers"]')
            page.fill("#seeker-q", village)
            page.click("#seeker-search button[type=submit]")
            _wait(page, "document.documentElement.dataset.jobs === 'ready'")
            # the map's tiles settle after the circle is drawn
            _wait(page, "!document.querySelector('.leaflet-tile:not(.leaflet-tile-loaded)')")
            shot = page.screenshot()
        finally:
            browser.close()
    # a 256-colour palette keeps the picture well under 400 kB (the map has few colours); no visible change
    with Image.open(io.BytesIO(shot)) as image:
        out.parent.mkdir(parents=True, exist_ok=True)
        image.convert("RGB").quantize(colors=256).save(out, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--base", help="a running Hongyan server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--village", default="文庙社区", help="the village whose circle is shown")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.base:
        take(args.base.rstrip("/"), args.village, args.out)
    else:
        with private_demo() as base:
            take(base, args.village, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:,.0f} kB)")


if __name__ == "__main__":
    main()
