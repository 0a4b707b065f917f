"""Benchmark: every dashboard page against its same-content floor and a one-chart bare page, in Chromium; and a
1,000-record upload against the bundled page.

Run as ``python benchmarks/bench_pages.py`` (``--rounds 5`` by default; ``--pages gaps network`` measures only
those pages, and ``--floor-url`` makes the floor write the Format filter to the URL as the dashboard does, to
see that share of a rerun). Three servers, each started the same
way (``python -m streamlit run <script> --server.headless true --server.address 127.0.0.1 --server.port <free>
--browser.gatherUsageStats false``, with a capture store of its own):

* **ours**: the dashboard (``app.py``);
* **floor**: ``benchmarks/floor_app.py``, the same-content floor. Before the servers start, every page's scene is
  saved once (``benchmarks/scenes.py``, through Streamlit's AppTest): its sidebar and main area with no filter
  and with Format = "webinar". The floor page draws the page's own Plotly figures from that saved JSON with
  ``st.plotly_chart`` (same number, kinds, sizes, keys and config), the same sidebar widgets (same keys,
  labels, options and defaults), the same text, metrics and tables, and the page's own style rules and container
  keys, with no data work and no cache;
* **bare**: ``benchmarks/bare_page.py``, one Plotly bar chart and the same Format multiselect.

The interaction is the same on all three: open the sidebar's Format multiselect, pick "webinar" (Streamlit 1.67
sends a multiselect's value at each pick, so the clock starts at that click), close the list with Escape.

Two figures per visit (the rerun several times), each visit in a new browser context (a cold browser cache, as
for a new visitor), measured in the browser with ``performance.now()`` by a script installed before the page loads:

* first render: navigation start to "fully rendered" (the tests' definition, ``tests/browser/helpers.py``:
  the run has finished, no status widget, the websocket connected, and every expected Plotly chart drawn);
* rerun: the click on "webinar" to fully rendered AND showing the change (the filter caption "Filters: Format: webinar";
  the bare chart's subtitle). Pages that do not show the filters (Captures, Changes) have no rerun figure. Each
  visit measures ``--reruns`` of them (5 by default): after the first, "webinar" is removed again (Backspace in
  the box; not counted) and picked again. A rerun's differences are a few tens of ms, the size of the browser's
  and Streamlit's own jitter, so it is sampled more often than the first render.

Each figure ends at the later of that moment and the last DOM change inside ``stMain``, taken once the page has
been rendered and still for ``QUIET_MS`` (the quiet period itself is not counted). The warm-up visits every
target once (filling ``st.cache_data``); then ``--rounds`` rounds each visit the bare page once and every page
on the floor and on ours, alternating.

Also printed: the server's script time for each page (the app's script alone in AppTest, warm cache, no browser,
each script compiled once as a server does: median of 3; see ``scenes.like_a_server``), and the upload figure: from
giving a new 1,000-record file (every topic distinct) to the sidebar's uploader (``upload_file``) to the Overview
fully rendered with that file, against the bundled Overview's first render in the same run. A new file each round,
so every upload is parsed; uploads go to a fourth server (the dashboard again, with a capture store of its own),
so the pages measured keep their scenes.

Page-local controls (:data:`CONTROLS`: Records/Events, timeline rows, the people toggle, the data table, the chase
list's columns): from the click on the control to the page rendered, showing the change and still, on ours (the
control's ``st.fragment`` reruns) and on the floor (the whole page reruns and draws the saved scene of that change),
each visit in a new browser context after the page's first render.

Then where the time goes, floor beside ours (:data:`TRACE_JS`): each span split at the last websocket message
received before it ended into the server's part (the script runs, its output travels; the page receives messages
on its main thread, so a busy browser delays them too) and the browser's part, with the main thread's long tasks
and what the websocket carried.

Targets: every page's median first render and median rerun at most ``TARGET`` (1.1) × its floor's; every
page-local control's median at most ``LOCAL_TARGET`` (1.2) × the bare page's median rerun; the upload at most
``UPLOAD_TARGET`` (1.5) × the bundled first render. Exit status 0 when all are met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(HERE)]  # a script, not a package: the tests' helpers and the scenes beside it
import scenes  # noqa: E402
from bench_parse import make_distinct_page  # noqa: E402

from tests.browser.helpers import CHROMIUM, LAUNCH_ARGS, RENDERED_JS, StreamlitServer, open_options  # noqa: E402

T = TypeVar("T")
VIEWPORT = {"width": 1400, "height": 900}
TARGET = 1.1
UPLOAD_TARGET = 1.5
UPLOAD_RECORDS = 1000
QUIET_MS = 500
TIMEOUT_MS = 180_000
OUT = ROOT / "artifacts" / "bench"
LOG_DIR = ROOT / "artifacts" / "logs"


@dataclass(frozen=True)
class Target:
    """A page to measure: its server ("app", "floor" or "bare"), URL path, number of Plotly charts, and a JS
    expression true once the page shows the filter change (None: no rerun figure for this page)."""

    name: str
    server: str
    path: str
    charts: int
    changed: str | None


# Every filtered page says so in a caption ("Filters: All records" → "Filters: Format: webinar").
FILTERED = "document.querySelector('[data-testid=\"stMain\"]')?.textContent.includes('Filters: Format: webinar')"
BARE_CHANGED = (
    "document.querySelector('.st-key-bare_chart .js-plotly-plot')?.layout?.title?.subtitle?.text === 'webinar'"
)
BARE = Target("bare page", "bare", "/", 1, BARE_CHANGED)
LOCAL_TARGET = 1.2


@dataclass(frozen=True)
class Control:
    """A page-local control (a widget inside an ``st.fragment``, :data:`scenes.LOCAL`): the scene it is on, its
    key, and the label of the option to click ("" for a toggle, which is clicked on its label)."""

    name: str
    scene: str
    key: str
    option: str

    @property
    def selector(self) -> str:
        return f".st-key-{self.key} button" if self.option else f".st-key-{self.key} label"

    @property
    def changed(self) -> str:
        """JS: true once the widget shows the change (the end then waits for the page to be rendered and still)."""
        if self.option:
            pressed = f".st-key-{self.key} button[kind*='Active'], .st-key-{self.key} button[aria-checked='true']"
            return f"[...document.querySelectorAll({pressed!r})].some(b => b.innerText.includes({self.option!r}))"
        return f"document.querySelector('.st-key-{self.key} input')?.checked === true"


CONTROLS = (
    Control("Records/Events", "breakdowns", "bd_measure", "Events"),
    Control("timeline rows", "timeline", "timeline_lanes", "Theme"),
    Control("people toggle", "network", "net_people", ""),
    Control("data table", "data", "data_table", "Leads"),
    Control("chase columns", "gaps", "gaps_more", ""),
)
assert {(c.scene, c.key) for c in CONTROLS} == {(page, key) for page, key, _ in scenes.LOCAL}


# Installed before any page script runs. `__bench` starts in phase "first" with t0 = 0 (navigation start): done
# once the page is rendered (the script state starts as "initial", so "notRunning" means a run ended).
# `arm()` switches to phase "rerun", whose t0 is the next pointerdown/keydown (the action that sends the new
# value); `armNow()` to phase "rerun" with t0 = now (for an upload). A rerun is done once the page is rendered
# AND shows the change: the script state alone cannot tell a finished rerun from the previous run (when a rerun
# is quick, React commits "running" and "notRunning" in one render and the attribute never changes).
WATCH_JS = """
(() => {
  const N = %(charts)d;
  const B = window.__bench = {phase: 'first', armed: true, waitInput: false, t0: 0, rendered: false,
                              renderedAt: null, lastMutation: 0, changed: () => true};
  const reset = () => ({rendered: false, renderedAt: null, lastMutation: 0});
  B.arm = (expr) => Object.assign(B, reset(), {phase: 'rerun', armed: false, waitInput: true, t0: null,
                                               changed: new Function('return !!(' + expr + ')')});
  B.armNow = (expr) => Object.assign(B, reset(), {phase: 'rerun', armed: true, waitInput: false,
                                                  t0: performance.now(),
                                                  changed: new Function('return !!(' + expr + ')')});
  const onInput = (e) => { if (B.waitInput) Object.assign(B, {waitInput: false, t0: e.timeStamp, armed: true}); };
  addEventListener('pointerdown', onInput, true);
  addEventListener('keydown', onInput, true);
  const rendered = () => (%(rendered)s)(N);
  new MutationObserver((records) => {
    if (!B.armed) return;
    const now = performance.now();
    const main = document.querySelector('[data-testid="stMain"]');
    for (const r of records) if (main && main.contains(r.target)) B.lastMutation = now;
    let ok = false;
    try { ok = rendered() && (B.phase === 'first' || B.changed()); } catch (e) { ok = false; }
    if (ok && !B.rendered) B.renderedAt = now;
    B.rendered = ok;
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  B.result = (quiet) => {
    const now = performance.now();
    if (!B.armed || !B.rendered || now - B.renderedAt < quiet || now - B.lastMutation < quiet) return null;
    return Math.max(B.renderedAt, B.lastMutation) - B.t0;
  };
})();
"""

DIAGNOSE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const B = window.__bench || {};
  return {url: location.href, script: app && app.getAttribute('data-test-script-state'),
          connection: app && app.getAttribute('data-test-connection-state'),
          statusWidget: !!document.querySelector('[data-testid="stStatusWidget"]'),
          drawn: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
            .filter((c) => c.querySelector('.js-plotly-plot .main-svg')).length,
          now: performance.now(), t0: B.t0, phase: B.phase, rendered: B.rendered};
}"""


# Installed beside WATCH_JS: the time and size of every websocket message the page receives (Streamlit's
# ForwardMsgs: the server's answer arrives as a stream of them) and every long task (over 50 ms) on the main
# thread. `__trace.split(t0, t1)` divides a measured span into the server's part (t0 to the last message before t1:
# the script runs and its output travels) and the browser's part (that message to t1: drawing what arrived).
TRACE_JS = """
(() => {
  const msgs = [], tasks = [];
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => msgs.push([performance.now(), e.data.byteLength ?? e.data.size ?? 0]));
    }
  };
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push([e.startTime, e.duration]); })
      .observe({type: 'longtask', buffered: true});
  } catch (e) { /* no long-task timing in this browser: reported as 0 */ }
  window.__trace = {
    split: (t0, t1) => {
      const inside = msgs.filter(([t]) => t >= t0 && t <= t1);
      const last = inside.length ? inside[inside.length - 1][0] : t0;
      const busy = tasks.filter(([s, d]) => s + d >= t0 && s <= t1)
        .reduce((sum, [s, d]) => sum + Math.min(s + d, t1) - Math.max(s, t0), 0);
      return {server: last - t0, browser: t1 - last, messages: inside.length,
              kb: inside.reduce((sum, [, b]) => sum + b, 0) / 1024, longTasks: busy};
    },
  };
})();
"""

# ------------------------------------------------------------------------------------------ servers


@contextmanager
def streamlit_server(script: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``streamlit run <script>`` from the project root on a free loopback port; yield its base URL."""
    server = StreamlitServer(script, cwd=ROOT, log_dir=LOG_DIR, env=env).start(timeout=60)
    try:
        yield server.url
    finally:
        server.stop()


# ------------------------------------------------------------------------------------------ measuring

RETRIED: list[str] = []


class MeasurementError(RuntimeError):
    """A visit that could not be measured (timed out, or the page showed an exception)."""


def _wait_result(page: Page, what: str) -> float:
    try:
        handle = page.wait_for_function(
            f"() => window.__bench && window.__bench.result({QUIET_MS})", timeout=TIMEOUT_MS, polling=50
        )
    except PlaywrightError as exc:
        state = page.evaluate(DIAGNOSE_JS)
        raise MeasurementError(f"{what}: not done within {TIMEOUT_MS / 1000:.0f} s: {state}") from exc
    value = handle.json_value()
    if not isinstance(value, int | float):
        raise MeasurementError(f"{what}: no measurement ({value!r})")
    if page.locator('[data-testid="stException"]').count():
        raise MeasurementError(f"{what}: the page shows a Streamlit exception")
    return float(value)


def _new_page(browser: Browser, target: Target) -> tuple[object, Page]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(WATCH_JS % {"charts": target.charts, "rendered": RENDERED_JS})
    context.add_init_script(TRACE_JS)
    return context, context.new_page()


@contextmanager
def _visit(browser: Browser, base_url: str, target: Target, what: str) -> Iterator[tuple[Page, float]]:
    """Open ``target`` in a new browser context; yield the page and its first render in ms; close the context."""
    context, page = _new_page(browser, target)
    try:
        page.goto(base_url + target.path, wait_until="commit")
        yield page, _wait_result(page, f"{what} first render")
    finally:
        context.close()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Visit:
    """One measured visit: first render and reruns in ms (none when the page has no rerun figure), and how each
    splits between the server and the browser (:data:`TRACE_JS`)."""

    first: float
    reruns: list[float]
    first_split: dict[str, float]
    rerun_splits: list[dict[str, float]]


def _split(page: Page, ms: float) -> dict[str, float]:
    """The server/browser split of the span just measured (it started at ``__bench.t0`` and lasted ``ms``)."""
    return page.evaluate("(ms) => window.__trace.split(window.__bench.t0, window.__bench.t0 + ms)", ms)


def _pick_webinar(page: Page, target: Target) -> tuple[float, dict[str, float]]:
    """Pick "webinar" in the Format list; the rerun in ms (the click to rendered, changed and still) and its split."""
    open_options(page, "f_formats")
    page.evaluate("(expr) => window.__bench.arm(expr)", target.changed)
    page.get_by_role("option", name="webinar", exact=True).click()  # sends the value: the clock starts here
    page.keyboard.press("Escape")  # closes the list (sends nothing more)
    rerun = _wait_result(page, f"{target.server} {target.name} rerun")
    return rerun, _split(page, rerun)


def _clear_formats(page: Page, target: Target) -> None:
    """Remove "webinar" again (Backspace in the Format box) and wait until the page is drawn unfiltered and still;
    not counted."""
    page.evaluate("(expr) => window.__bench.arm(expr)", f"!({target.changed})")
    page.locator(".st-key-f_formats input").press("Backspace")
    _wait_result(page, f"{target.server} {target.name} filter cleared")


def measure(browser: Browser, base_url: str, target: Target, reruns: int = 1) -> Visit:
    """First render and ``reruns`` reruns of ``target`` in a new browser context: "webinar" picked, then (for each
    further rerun) removed and picked again; only the picks are counted."""
    with _visit(browser, base_url, target, f"{target.server} {target.name}") as (page, first):
        first_split = _split(page, first)
        if target.changed is None:
            return Visit(first, [], first_split, [])
        times, splits = [], []
        for i in range(reruns):
            if i:
                _clear_formats(page, target)
            ms, split = _pick_webinar(page, target)
            times.append(ms)
            splits.append(split)
        return Visit(first, times, first_split, splits)


def measure_local(browser: Browser, base_url: str, target: Target, control: Control) -> float:
    """ms from the click on a page-local ``control`` to the page rendered with the change (ours: the control's
    fragment reruns; the floor: the whole page), in a new browser context."""
    with _visit(browser, base_url, target, f"{target.server} {control.name}: {target.name}") as (page, _first):
        widget = page.locator(control.selector, has_text=control.option).first
        widget.wait_for()
        page.evaluate("(expr) => window.__bench.arm(expr)", control.changed)
        widget.click()
        return _wait_result(page, f"{target.server} {control.name} change")


def retrying(fn: Callable[[], T], what: str, attempts: int = 2) -> T:
    """``fn()``, once more on failure (a visit can stall on a loaded machine); failures are printed."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except (MeasurementError, PlaywrightError) as exc:
            print(f"attempt {attempt} of {what} failed: {exc}", file=sys.stderr, flush=True)
            RETRIED.append(f"{what}: {exc}")
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def measure_upload(browser: Browser, base_url: str, data: bytes, name: str, charts: int) -> float | None:
    """ms from giving ``data`` to the sidebar's uploader to the Overview fully rendered with it (None when the
    app has no uploader)."""
    overview = Target("overview", "app", "/", charts, None)
    with _visit(browser, base_url, overview, "upload: overview") as (page, _first):
        uploader = page.locator('.st-key-upload_file input[type="file"]')
        if uploader.count() == 0:
            return None
        footer = (
            '(() => { const c = [...document.querySelectorAll(\'[data-testid="stMain"] '
            '[data-testid="stCaptionContainer"]\')]; return c.length && c[c.length - 1].innerText.includes('
            f"{name!r}); }})()"
        )
        page.evaluate("(expr) => window.__bench.armNow(expr)", footer)
        uploader.set_input_files(files=[{"name": name, "mimeType": "text/plain", "buffer": data}])
        return _wait_result(page, "upload to overview rendered")


@dataclass
class Samples:
    first: list[float] = field(default_factory=list)
    rerun: list[float] = field(default_factory=list)
    first_splits: list[dict[str, float]] = field(default_factory=list)
    rerun_splits: list[dict[str, float]] = field(default_factory=list)

    def add(self, visit: Visit) -> None:
        self.first.append(visit.first)
        self.first_splits.append(visit.first_split)
        self.rerun += visit.reruns
        self.rerun_splits += visit.rerun_splits


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


Measured = tuple[dict[tuple[str, str], Samples], dict[tuple[str, str], list[float]], list[float], bool]
"""(samples by (server, page), page-local control times by (server, control), upload times, uploader present)."""


def run(rounds: int, found: dict[str, dict], reruns: int, floor_url: bool = False) -> Measured:
    """Measure every target (``reruns`` reruns a visit), every page-local control and the upload.

    ``floor_url``: the floor also writes the Format filter to the URL, as the dashboard does (a diagnostic).
    """
    targets: list[Target] = []
    for name, scene in found.items():
        charts = scenes.count_charts(scene["states"]["all"]["main"])
        filtered = scenes.has_text(scene["states"]["webinar"]["main"], "Filters: Format: webinar")
        for server in ("floor", "app"):
            targets.append(Target(name, server, scene["path"], charts, FILTERED if filtered else None))
    samples = {(t.server, t.name): Samples() for t in (BARE, *targets)}
    controls = [c for c in CONTROLS if c.scene in found]
    local: dict[tuple[str, str], list[float]] = {(server, c.name): [] for c in controls for server in ("floor", "app")}
    uploads: list[float] = []
    has_uploader = True
    overview_charts = scenes.count_charts(found["overview"]["states"]["all"]["main"]) if "overview" in found else 0
    floor_env = {scenes.SCENES_ENV: str(OUT / "scenes"), "BENCH_FLOOR_URL": "1" if floor_url else "0"}
    # Uploads go to a server of their own: each adds a capture to its store, which would change the pages
    # measured (a backlog chart on Gaps, rows on Captures) away from their saved scenes.
    upload_store = OUT / "upload-store"
    upload_store.mkdir(parents=True, exist_ok=True)
    (upload_store / "captures.sqlite").unlink(missing_ok=True)
    upload_env = {"OUTREACH_STORE_URL": f"sqlite:///{upload_store / 'captures.sqlite'}"}
    with (
        streamlit_server("app.py") as app_url,
        streamlit_server("app.py", upload_env) as upload_url,
        streamlit_server("benchmarks/floor_app.py", floor_env) as floor_url,
        streamlit_server("benchmarks/bare_page.py") as bare_url,
        sync_playwright() as pw,
    ):
        urls = {"app": app_url, "floor": floor_url, "bare": bare_url}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            for t in (BARE, *targets):  # warm-up: fills st.cache_data and the OS file cache; not counted
                retrying(lambda t=t: measure(browser, urls[t.server], t), f"warm-up {t.server} {t.name}")
            for r in range(rounds):
                samples[(BARE.server, BARE.name)].add(
                    retrying(lambda: measure(browser, bare_url, BARE, reruns), "bare"))
                for t in targets:
                    what = f"{t.server} {t.name}"
                    samples[(t.server, t.name)].add(
                        retrying(lambda t=t: measure(browser, urls[t.server], t, reruns), what))
                for c in controls:
                    for t in targets:
                        if t.name == c.scene:
                            local[(t.server, c.name)].append(retrying(
                                lambda c=c, t=t: measure_local(browser, urls[t.server], t, c), f"{t.server} {c.name}"))
                if has_uploader and "overview" in found:
                    data = make_distinct_page(UPLOAD_RECORDS, seed=1000 + r)
                    ms = retrying(
                        lambda data=data, r=r: measure_upload(
                            browser, upload_url, data, f"bench-upload-{r}.txt", overview_charts
                        ),
                        "upload",
                    )
                    if ms is None:
                        has_uploader = False
                    else:
                        uploads.append(ms)
                print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
        finally:
            browser.close()
    return samples, local, uploads, has_uploader


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None, spec: str) -> str:
    return format(value, spec) if value is not None else "—"


def _split_median(splits: list[dict[str, float]], key: str) -> float | None:
    return median([sp[key] for sp in splits])


def report_splits(found: dict[str, dict], samples: dict[tuple[str, str], Samples]) -> None:
    """Print where each page's time goes, floor beside ours: the server's part and the browser's part of the
    first render and the rerun, main-thread long tasks, and what the websocket carried (medians)."""
    keys = ("server", "browser", "longTasks", "messages", "kb")
    header = (
        f"{'page':<11} {'side':<6} | {'1st server':>10} {'browser':>8} {'busy':>6} {'msgs':>5} {'KB':>6}"
        f" | {'rr server':>9} {'browser':>8} {'busy':>6} {'msgs':>5} {'KB':>6}"
    )
    print(
        "Where the time goes (medians; ms unless stated): 'server' runs from navigation start (first) or the"
        " click (rerun) to the last websocket message before the page was done (the script runs, its output"
        " travels); 'browser' from that message to done (drawing what arrived); 'busy' the main thread's long"
        " tasks (over 50 ms) in the span; 'msgs' and 'KB' what the websocket carried in it."
    )
    print(header)
    print("-" * len(header))
    rows = [("bare page", "bare", ("bare", BARE.name))]
    for name in found:
        rows += [(name, "floor", ("floor", name)), ("", "ours", ("app", name))]
    for label, side, key in rows:
        smp = samples[key]
        first = [_split_median(smp.first_splits, k) for k in keys]
        rerun = [_split_median(smp.rerun_splits, k) for k in keys]
        cells = []
        for values in (first, rerun):
            server, browser, busy, msgs, kb = values
            cells.append(
                f"{_fmt(server, '.0f'):>10} {_fmt(browser, '.0f'):>8} {_fmt(busy, '.0f'):>6}"
                f" {_fmt(msgs, '.0f'):>5} {_fmt(kb, '.0f'):>6}"
            )
        print(f"{label:<11} {side:<6} | {cells[0]} | {cells[1][1:]}")
    print()


def report_local(local: dict[tuple[str, str], list[float]], bare_rerun: float | None) -> bool:
    """Print each page-local control's change against the bare page's rerun (the target) and against the same
    change on the floor (a full rerun drawing the same content); True when every target is met."""
    if not local:
        return True
    header = (f"{'control':<16} {'page':<11} {'ours ms':>8} {'×bare':>6} {'floor ms':>9} {'×floor':>7}"
              f"  target ×bare ≤ {LOCAL_TARGET}")
    print("Page-local controls: the click to the page rendered, showing the change and still (medians).")
    print(header)
    print("-" * len(header))
    ok = True
    for control in CONTROLS:
        if ("app", control.name) not in local:
            continue
        ours, floor = median(local[("app", control.name)]), median(local[("floor", control.name)])
        ratio = _ratio(ours, bare_rerun)
        passed = ratio is not None and ratio <= LOCAL_TARGET
        ok &= passed
        print(f"{control.name:<16} {control.scene:<11} {_fmt(ours, '.0f'):>8} {_fmt(ratio, '.2f'):>6}"
              f" {_fmt(floor, '.0f'):>9} {_fmt(_ratio(ours, floor), '.2f'):>7}  {'PASS' if passed else 'FAIL'}")
    print(f"(bare page rerun {_fmt(bare_rerun, '.0f')} ms; ours reruns the control's fragment, the floor the whole"
          " page)")
    print()
    return ok


def report(found: dict[str, dict], measured: Measured) -> bool:
    """Print the tables; True when every target is met."""
    samples, local, uploads, has_uploader = measured
    bare = samples[("bare", BARE.name)]
    bare_first, bare_rerun = median(bare.first), median(bare.rerun)
    header = (
        f"{'page':<11} {'first ms':>8} {'×bare':>6} {'×floor':>7} {'rerun ms':>9} {'×bare':>6} {'×floor':>7}"
        f" {'floor 1st':>9} {'floor rr':>9} {'script 1st':>10} {'script rr':>9}  target ×floor ≤ {TARGET}"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'bare page':<11} {bare_first:>8.0f} {1:>6.2f} {'':>7} {_fmt(bare_rerun, '.0f'):>9} {1:>6.2f} {'':>7}"
        f" {'':>9} {'':>9} {'':>10} {'':>9}  (one chart, n={len(bare.first)})"
    )
    ok = True
    for name, scene in found.items():
        ours, floor = samples[("app", name)], samples[("floor", name)]
        f1, r1 = median(ours.first), median(ours.rerun)
        f0, r0 = median(floor.first), median(floor.rerun)
        xf_first, xf_rerun = _ratio(f1, f0), _ratio(r1, r0)
        passed = (xf_first or 0) <= TARGET and (xf_rerun is None or xf_rerun <= TARGET)
        ok &= passed
        script, charts = scene["script_ms"], scenes.count_charts(scene["states"]["all"]["main"])
        print(
            f"{name:<11} {_fmt(f1, '.0f'):>8} {_fmt(_ratio(f1, bare_first), '.2f'):>6} {_fmt(xf_first, '.2f'):>7}"
            f" {_fmt(r1, '.0f'):>9} {_fmt(_ratio(r1, bare_rerun), '.2f'):>6} {_fmt(xf_rerun, '.2f'):>7}"
            f" {_fmt(f0, '.0f'):>9} {_fmt(r0, '.0f'):>9} {script['first']:>10.0f} {script['rerun']:>9.0f}"
            f"  {'PASS' if passed else 'FAIL'} (n={len(ours.first)}/{len(ours.rerun)}, {charts} charts)"
        )
    skipped = sorted({s for scene in found.values() for s in scene["skipped"]})
    print(
        f"\nMedians in ms, in Chromium with performance.now(): navigation start (first) or the click on 'webinar' in"
        f" the Format list (rerun) to fully rendered; {len(bare.first)} rounds, n = first renders / reruns (each"
        f" visit picks 'webinar', then removes it and picks it again: only the picks count); {os.cpu_count()} CPUs,"
        f" load average {os.getloadavg()[0]:.1f}; {len(RETRIED)} visit(s) measured again after a failure (see"
        f" stderr). Script times: the app's script alone in AppTest (warm cache, no browser, scripts compiled once"
        f" as on a server), median of 3."
    )
    if skipped:
        print(f"Not replayed on the floor (so not in its cost): {', '.join(skipped)}")
    print()
    ok &= report_local(local, bare_rerun)
    report_splits(found, samples)
    if not has_uploader:
        print("Upload: SKIPPED — the app has no uploader with key 'upload_file' in the sidebar.")
    elif uploads:
        bundled_first = median(samples[("app", "overview")].first)
        up = statistics.median(uploads)
        ratio = _ratio(up, bundled_first)
        passed = ratio is not None and ratio <= UPLOAD_TARGET
        ok &= passed
        print(
            f"Upload of a new {UPLOAD_RECORDS}-record file to the Overview fully rendered: median {up:.0f} ms"
            f" (runs: {', '.join(f'{u:.0f}' for u in uploads)}) = {_fmt(ratio, '.2f')} × the bundled Overview's first"
            f" render ({_fmt(bundled_first, '.0f')} ms); target ≤ {UPLOAD_TARGET}×: {'PASS' if passed else 'FAIL'}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="visits per page (default 5)")
    parser.add_argument("--reruns", type=int, default=5,
                        help="reruns measured per visit (default 5): the rerun is measured more often than the first"
                             " render, at little cost, as its differences are smaller")
    parser.add_argument("--pages", nargs="+", choices=[name for name, _, _ in scenes.PAGES], metavar="PAGE",
                        help="measure only these pages (default: all; the Overview is always measured, for the"
                             " upload figure)")
    parser.add_argument("--floor-url", action="store_true",
                        help="diagnostic: the floor also writes ?format=webinar to the URL on the change, as the"
                             " dashboard's URL-backed filters do")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: install chromium (apt-get install -y chromium)", file=sys.stderr)
        return 2
    print("saving every page's scene (AppTest) …", file=sys.stderr, flush=True)
    store = OUT / "capture-store"
    store.mkdir(parents=True, exist_ok=True)
    (store / "captures.sqlite").unlink(missing_ok=True)
    os.environ.setdefault("OUTREACH_STORE_URL", f"sqlite:///{store / 'captures.sqlite'}")
    found = scenes.capture(OUT / "scenes")
    if args.pages:
        found = {name: scene for name, scene in found.items() if name in args.pages or name == "overview"}
    if args.floor_url:
        print("floor: writes the Format filter to the URL (--floor-url)", flush=True)
    return 0 if report(found, run(args.rounds, found, args.reruns, args.floor_url)) else 1


if __name__ == "__main__":
    sys.exit(main())
