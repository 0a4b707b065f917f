"""Shared pieces of the browser tests: the page table, the Streamlit server, "rendered", console checks, images.

Nothing here imports the app: the tests see the dashboard only through the browser (and the bundled data, for
the expected CSV header).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Error, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# --disable-background-networking and friends: without them Chromium keeps calling home on a closed network.
# The three backgrounding flags keep timers and rendering at full speed in tabs that are not in front (several
# tabs or contexts load at once in the concurrency and load tests; a throttled tab can leave Streamlit's status
# widget on screen long after its run has ended).
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}
RENDER_TIMEOUT_MS = 90_000
"""How long a page may take to render: generous, as the suite must hold on a busy 2-core machine."""
ACTION_TIMEOUT_MS = 90_000
"""Default for every other Playwright wait (clicks, downloads, locators); set on each test's context."""


@dataclass(frozen=True)
class PageSpec:
    """One page of the dashboard as a user sees it: URL path, h1 text, the keys of its Plotly charts, and
    whether the sidebar filters apply to it."""

    name: str
    path: str
    heading: str | None
    charts: tuple[str, ...] = ()
    filtered: bool = True
    """True when the page follows the sidebar filters and says so ("Filters: …" caption)."""


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "overview",
        "/",
        "Outreach coverage: COVID-19 online series 2020",
        ("overview_format", "overview_audience", "overview_org_type"),
    ),
    PageSpec("timeline", "/timeline", "Timeline", ("timeline_chart",)),
    PageSpec(
        "breakdowns",
        "/breakdowns",
        "Breakdowns",
        ("bd_format", "bd_audience", "bd_matrix", "bd_wg", "bd_org_type", "bd_theme", "bd_gcm"),
    ),
    PageSpec("network", "/network", "Co-lead network", ("net_chart",)),
    PageSpec("gaps", "/gaps", "Gaps", ("gaps_matrix",)),
    # A test server starts with a store of its own holding only the bundled capture: nothing to compare yet.
    PageSpec("captures", "/captures", "Captures", filtered=False),
    PageSpec("changes", "/changes", "Changes", filtered=False),
    PageSpec("data", "/data", "Data & export"),
    PageSpec(
        "report",
        "/report",
        "Outreach coverage: UN Network on Migration, COVID-19 online series 2020",
        ("report_timeline", "report_matrix", "report_network"),
    ),
)
PAGE_BY_NAME = {p.name: p for p in PAGES}

# "Rendered": the script run has finished (state "notRunning": before the first run the attribute is "initial",
# so "not running" alone would pass an empty page), the status widget is gone, the websocket is connected, and at
# least `n` Plotly chart elements have each drawn their SVG at the width of their element. Charts are counted by
# their `stPlotlyChart` element, never by SVGs: one Plotly chart draws several `.main-svg` layers, so a count of
# SVGs says nothing about how many charts are done. The width check matters for a chart that scrolls sideways in
# a box of its own: it can be drawn first at the column's width and redrawn once its minimum width applies, and
# its labels are only where they belong after the redraw.
_CONDITIONS_JS = """
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const drawn = charts.filter((c) => {
    const svg = c.querySelector('.js-plotly-plot .main-svg');
    return svg && Math.abs(svg.getBoundingClientRect().width - c.getBoundingClientRect().width) <= 1;
  }).length;
  const script = app && app.getAttribute('data-test-script-state');
  const connection = app && app.getAttribute('data-test-connection-state');
  const statusWidget = !!document.querySelector('[data-testid="stStatusWidget"]');
"""
RENDERED_JS = (
    "(n) => {"
    + _CONDITIONS_JS
    + """  return script === 'notRunning' && connection === 'CONNECTED' && !statusWidget && drawn >= n;
}"""
)

# Settled: rendered, or the run has ended with a Streamlit exception on the page (no point waiting any longer).
_SETTLED_JS = (
    "(n) => {"
    + _CONDITIONS_JS
    + """  const ended = script === 'notRunning' && connection === 'CONNECTED' && !statusWidget;
  return ended && (drawn >= n || !!document.querySelector('[data-testid="stException"]'));
}"""
)

STATE_JS = (
    "() => {"
    + _CONDITIONS_JS
    + """  return {
    url: location.href, script, connection, statusWidget, visibility: document.visibilityState,
    charts: charts.length, drawn,
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText.slice(0, 500)),
  };
}"""
)
"""What a test reports about a page: each condition of "rendered", the number of chart elements (``charts``) and
of those drawn (``drawn``), and the text of any Streamlit exception."""

# Everything a test compares about a chart: its traces' data as Plotly drew them, and the title/subtitle.
CHART_JS = """(key) => {
  const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  const arr = (a) => (a == null ? null : Array.from(a, (v) => (typeof v === 'number' ? v : String(v))));
  return {
    traces: gd._fullData.map((t) => ({
      type: t.type, name: t.name, x: arr(t.x), y: arr(t.y), z: t.z ? t.z.length : null,
    })),
    title: gd.layout.title && gd.layout.title.text,
    subtitle: gd.layout.title && gd.layout.title.subtitle && gd.layout.title.subtitle.text,
    bars: gd.querySelectorAll('.barlayer .point').length,
    width: gd._fullLayout.width,
    height: gd._fullLayout.height,
  };
}"""


def wait_rendered(page: Page, charts: int = 0, timeout: float = RENDER_TIMEOUT_MS) -> None:
    """Wait until ``page`` is fully rendered with at least ``charts`` Plotly charts drawn.

    Fails at once when the run ends with a Streamlit exception on the page, and on timeout; either way with
    what the page showed (each condition of "rendered", the charts, the exceptions).
    """
    try:
        page.wait_for_function(_SETTLED_JS, arg=charts, timeout=timeout, polling=50)
    except Error as exc:
        try:
            state = page.evaluate(STATE_JS)
        except Error as inner:
            state = f"(page state unavailable: {inner})"
        raise AssertionError(f"page not rendered within {timeout / 1000:.0f}s (want {charts} charts): {state}") from exc
    state = page.evaluate(STATE_JS)
    if state["drawn"] < charts:
        raise AssertionError(f"page shows an exception instead of {charts} charts: {state}")


def page_state(page: Page) -> dict:
    """Script state, chart counts and the text of any Streamlit exception shown on ``page``."""
    return page.evaluate(STATE_JS)


def chart_data(page: Page, key: str) -> dict | None:
    """The drawn data of the Plotly chart whose Streamlit key is ``key`` (None when absent)."""
    return page.evaluate(CHART_JS, key)


def headings(page: Page, tag: str = "h1") -> list[str]:
    """Text of the ``tag`` headings in the main area (the sidebar's "Filters" header is not counted)."""
    return [t.strip() for t in page.locator(f'[data-testid="stMain"] {tag}').all_inner_texts()]


def open_options(page: Page, key: str, timeout: float = ACTION_TIMEOUT_MS) -> None:
    """Open the option list of the multiselect or selectbox with widget key ``key``.

    Streamlit 1.67 draws them as comboboxes whose list opens from their "Open" button or from the keyboard (a
    click in the text box only focuses it). Tries the button, then the text box with ArrowDown, until the
    combobox says it is expanded.
    """
    expanded = page.locator(f'.st-key-{key} [aria-expanded="true"]').first
    button = page.locator(f'.st-key-{key} button[aria-haspopup="listbox"]')
    box = page.locator(f".st-key-{key} input")
    deadline = time.monotonic() + timeout / 1000
    attempt = 0
    while True:
        if attempt % 2 == 0 and button.count():
            button.click()
        else:
            box.click()
            box.press("ArrowDown")
        try:
            expanded.wait_for(timeout=5_000)
            return
        except Error:
            if time.monotonic() > deadline:
                raise
        attempt += 1


def choose_option(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the multiselect or selectbox with widget key ``key``, then close its list."""
    open_options(page, key)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


# ------------------------------------------------------------------------------------------ console

# Streamlit's frontend, opened at /<page>, first probes <page>/_stcore/health and <page>/_stcore/host-config
# (in case the app itself is served under that path prefix), gets 404 from this server, then connects at /.
# Chromium logs each 404 as "Failed to load resource". Known upstream: streamlit/streamlit#7074 ("404 health
# check when navigating directly to a subpage"); see getPossibleBaseUris() in the frontend bundle. Only those
# two URLs, with a 404, under the app's own origin, are allowed; anything else fails the test.
_PROBE = r"/[^/?#]+/_stcore/(?:health|host-config)"


def is_known_harmless(text: str, url: str, base_url: str) -> bool:
    """True for the console errors of Streamlit's base-path probe (see the comment above)."""
    return "status of 404" in text and re.fullmatch(re.escape(base_url.rstrip("/")) + _PROBE, url) is not None


@dataclass
class ConsoleLog:
    """Collects a page's console errors and uncaught exceptions; :meth:`unexpected` drops the known 404 probe."""

    base_url: str
    errors: list[tuple[str, str]] = field(default_factory=list)
    allowed: list[tuple[str, str]] = field(default_factory=list)

    def attach(self, page: Page) -> ConsoleLog:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append((f"uncaught: {exc}", page.url)))
        return self

    def _on_console(self, msg: ConsoleMessage) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        entry = (msg.text, url)
        (self.allowed if is_known_harmless(msg.text, url, self.base_url) else self.errors).append(entry)

    def unexpected(self) -> list[str]:
        return [f"{text} (at {url})" for text, url in self.errors]


# ------------------------------------------------------------------------------------------ images


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


NEXT_FRAMES_JS = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
"""Resolves after two animation frames: whatever the page changed before has been laid out and painted."""
NO_SKELETON_JS = "() => !document.querySelector('[data-testid^=\"stSkeleton\"]')"
"""True once no element is drawn as a grey placeholder (Streamlit shows one while an element's code loads)."""


def wait_drawn(page: Page, charts: int = 0) -> None:
    """:func:`wait_rendered`, then until no placeholder is left: what a test measures or shoots next is the
    elements themselves, not the grey boxes Streamlit draws while their code loads."""
    wait_rendered(page, charts)
    page.wait_for_function(NO_SKELETON_JS, timeout=RENDER_TIMEOUT_MS, polling=50)


def settle(page: Page, condition_js: str, timeout_ms: float = 15_000) -> bool:
    """Wait until ``condition_js`` (a JS function of no arguments) holds, for at most ``timeout_ms``; True if it did.

    For layout checks: on a busy machine a page can be measured mid-reflow (a scrollbar appearing, a grid
    taking its final width), one pixel wider for a moment. Waiting for the condition lets that pass; a
    problem that lasts is still there when the test measures afterwards.
    """
    try:
        page.wait_for_function(condition_js, timeout=timeout_ms)
    except PlaywrightTimeoutError:
        return False
    return True


def screenshot(page: Page, name: str, charts: int) -> tuple[Path, Path]:
    """Write ``<name>.png`` (1400×900) and ``<name>-full.png`` (viewport grown to the main area's height).

    Each is taken once the page is rendered and no element is still a placeholder. The main scroll container
    is ``stMain``, not the document, so Playwright's ``full_page`` would stop at the viewport; the viewport is
    grown instead, and put back afterwards.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot, full = SCREENSHOTS / f"{name}.png", SCREENSHOTS / f"{name}-full.png"
    page.set_viewport_size(VIEWPORT)
    wait_drawn(page, charts)
    page.screenshot(path=shot)
    height = 0
    for _ in range(5):  # growing the viewport can reflow the page; stop once the height is stable
        new = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        if new == height:
            break
        height = new
        page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
        page.evaluate(NEXT_FRAMES_JS)  # the reflow of the new size has been laid out and painted
    wait_drawn(page, charts)
    page.screenshot(path=full)
    page.set_viewport_size(VIEWPORT)
    return shot, full


# ------------------------------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``python -m streamlit run <script>`` on a free loopback port, ready once /_stcore/health answers.

    Each server gets a capture store of its own (a SQLite file in a temporary folder, removed on stop), so
    tests never see the developer's ``var/captures.sqlite`` or another server's uploads, unless
    ``OUTREACH_STORE_URL`` is set in the environment or in ``env`` (which overrides any variable).
    """

    def __init__(
        self, script: str = "app.py", cwd: Path = ROOT, log_dir: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.script, self.cwd = script, cwd
        self.log_dir = log_dir or cwd / "artifacts" / "logs"
        self.env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.log_path = self.log_dir / "streamlit.log"
        self._store_dir: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> StreamlitServer:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):  # the free port can be taken between probing it and Streamlit binding it
            self._store_dir = tempfile.mkdtemp(prefix="outreach-test-store-")
            env = {
                "OUTREACH_STORE_URL": f"sqlite:///{self._store_dir}/captures.sqlite",
                **os.environ,
                "PYTHONUNBUFFERED": "1",
                **self.env,
            }
            self.port = free_port()
            self.log_path = self.log_dir / f"streamlit-{Path(self.script).stem}-{self.port}.log"
            with self.log_path.open("wb") as log:
                self.proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "streamlit",
                        "run",
                        self.script,
                        "--server.headless",
                        "true",
                        "--server.address",
                        "127.0.0.1",
                        "--server.port",
                        str(self.port),
                        "--browser.gatherUsageStats",
                        "false",
                    ],
                    cwd=self.cwd,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                )
            if self._wait_healthy(timeout):
                return self
            self.stop()
            if "is not available" not in self.log_tail():
                break
        raise RuntimeError(f"Streamlit did not become healthy on port {self.port}:\n{self.log_tail()}")

    def _wait_healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    @property
    def pid(self) -> int:
        """The server's process id (the ``streamlit run`` process itself)."""
        if self.proc is None:
            raise RuntimeError("the server is not running")
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
            self.proc = None
        if self._store_dir is not None:
            shutil.rmtree(self._store_dir, ignore_errors=True)
            self._store_dir = None
