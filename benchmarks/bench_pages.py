"""Benchmark: every dashboard page against a bare Streamlit page holding one Plotly chart, in Chromium.

Run as ``python benchmarks/bench_pages.py`` (``--rounds 7`` by default). It starts the dashboard (``app.py``)
and the bare page (``benchmarks/bare_page.py``) the same way, each with ``python -m streamlit run ...
--server.headless true --server.address 127.0.0.1 --server.port <free> --browser.gatherUsageStats false``,
warms both up (one visit and one rerun of every page, so ``st.cache_data`` is filled), then measures
``--rounds`` times, alternating: bare page, dashboard page, bare page, next dashboard page, and so on.

Two figures per visit, each in a new browser context (so the browser cache is cold, as for a new visitor):

* first render: from navigation start to "fully rendered";
* rerun: after a filter change — on the dashboard "webinar" is picked in the sidebar's Format multiselect
  (Streamlit sends a multiselect's value when its list closes, so the clock starts at the Escape that closes
  it); on the bare page another value is picked in its selectbox (the clock starts at that click).

Timing is measured in the browser with ``performance.now()`` (milliseconds since navigation start), not with
the wall clock around Playwright calls: a script injected before the page loads watches the DOM with a
MutationObserver. "Fully rendered" is the STYLE.md definition — script run finished (``stApp``
``data-test-script-state`` is ``notRunning``), no ``stStatusWidget``, the websocket connected, and every expected
Plotly chart drawn (``.js-plotly-plot .main-svg``) — and, for a rerun, the page showing the change (the
dashboard's "Filters: Format: webinar" caption; the bare chart's subtitle). The figure ends at the later of
that moment and the last DOM change inside ``stMain``, taken once the page has been rendered and still for
``QUIET_MS`` (so a chart that Plotly redraws just after the script finishes is counted). The quiet period
itself is not counted.

A visit that cannot be measured (no result within 120 s, or a Streamlit exception on the page) is printed on
stderr with the page's state and measured once more; the footer of the table says how many were. The servers'
output goes to artifacts/logs/.

Target: every page's median first render and median rerun at most 1.2× the bare page's.
Exit status 0 when every page meets the target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script, not a package: share the browser tests' launch and server helpers
from tests.browser.helpers import CHROMIUM, LAUNCH_ARGS, RENDERED_JS, StreamlitServer  # noqa: E402

VIEWPORT = {"width": 1400, "height": 900}
TARGET = 1.2
QUIET_MS = 500
TIMEOUT_MS = 120_000
LOG_DIR = ROOT / "artifacts" / "logs"  # the servers' output (artifacts/ is git-ignored)


@dataclass(frozen=True)
class Target:
    """A page to measure: its server ("app" or "bare"), URL path, number of Plotly charts, the widget that
    changes the filter (multiselect or selectbox key, the option to pick), and a JS expression that is true
    once the page shows the result of that change."""

    name: str
    server: str
    path: str
    charts: int
    widget: str
    option: str
    multiselect: bool
    changed: str


# Every dashboard page says what is filtered in a caption ("Filters: All records" → "Filters: Format: webinar").
APP_CHANGED = "document.querySelector('[data-testid=\"stMain\"]')?.textContent.includes('Filters: Format: webinar')"
# The bare page's chart names the chosen format in its subtitle.
BARE_CHANGED = (
    "document.querySelector('.st-key-bare_chart .js-plotly-plot')?.layout?.title?.subtitle?.text === 'webinar'"
)
BARE = Target("bare page", "bare", "/", 1, "bare_format", "webinar", False, BARE_CHANGED)
PAGES = tuple(
    Target(name, "app", path, charts, "f_formats", "webinar", True, APP_CHANGED)
    for name, path, charts in (
        ("overview", "/", 2),
        ("timeline", "/timeline", 1),
        ("breakdowns", "/breakdowns", 7),
        ("network", "/network", 1),
        ("gaps", "/gaps", 1),
        ("data", "/data", 0),
        ("report", "/report", 3),
    )
)

# Installed before any page script runs. `__bench` starts in phase "first" with t0 = 0 (navigation start):
# done once the page is rendered (the script state starts as "initial", so "notRunning" means a run ended).
# `arm()` switches to phase "rerun", whose t0 is the next pointerdown/keydown (the action that sends the new
# value) and which is done once the page is rendered AND shows the change. The script state alone cannot tell
# a finished rerun from the previous run: when a rerun is quick, React commits "running" and "notRunning" in
# one render and the attribute never changes.
WATCH_JS = """
(() => {
  const N = %(charts)d;
  const changed = () => { try { return !!(%(changed)s); } catch (e) { return false; } };
  const B = window.__bench = {phase: 'first', armed: true, waitInput: false, t0: 0, rendered: false,
                              renderedAt: null, lastMutation: 0};
  B.arm = () => Object.assign(B, {phase: 'rerun', armed: false, waitInput: true, t0: null, rendered: false,
                                  renderedAt: null, lastMutation: 0});
  const onInput = (e) => { if (B.waitInput) Object.assign(B, {waitInput: false, t0: e.timeStamp, armed: true}); };
  addEventListener('pointerdown', onInput, true);
  addEventListener('keydown', onInput, true);
  const rendered = () => (%(rendered)s)(N);
  new MutationObserver((records) => {
    if (!B.armed) return;
    const now = performance.now();
    const main = document.querySelector('[data-testid="stMain"]');
    for (const r of records) if (main && main.contains(r.target)) B.lastMutation = now;
    const ok = rendered() && (B.phase === 'first' || changed());
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


# ------------------------------------------------------------------------------------------ servers


@contextmanager
def streamlit_server(script: str, log_dir: Path) -> Iterator[str]:
    """Run ``streamlit run <script>`` from the project root on a free loopback port; yield its base URL."""
    server = StreamlitServer(script, cwd=ROOT, log_dir=log_dir).start()
    try:
        yield server.url
    finally:
        server.stop()


# ------------------------------------------------------------------------------------------ measuring


RETRIED: list[str] = []  # failed visits that were measured again


class MeasurementError(RuntimeError):
    """A visit that could not be measured (timed out, or the page showed an exception)."""


DIAGNOSE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const B = window.__bench || {};
  return {url: location.href, script: app && app.getAttribute('data-test-script-state'),
          connection: app && app.getAttribute('data-test-connection-state'),
          statusWidget: !!document.querySelector('[data-testid="stStatusWidget"]'),
          charts: document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg').length,
          now: performance.now(), t0: B.t0, waitInput: B.waitInput, phase: B.phase, rendered: B.rendered,
          renderedAt: B.renderedAt, lastMutation: B.lastMutation};
}"""


def _wait_result(page: Page, what: str) -> float:
    try:
        handle = page.wait_for_function(
            f"() => window.__bench && window.__bench.result({QUIET_MS})", timeout=TIMEOUT_MS, polling=50
        )
    except PlaywrightError as exc:
        raise MeasurementError(
            f"{what}: not rendered and still within {TIMEOUT_MS / 1000:.0f} s: {page.evaluate(DIAGNOSE_JS)}"
        ) from exc
    value = handle.json_value()
    if not isinstance(value, int | float):
        raise MeasurementError(f"{what}: no measurement ({value!r})")
    exceptions = page.locator('[data-testid="stException"]').count()
    if exceptions:
        raise MeasurementError(f"{what}: the page shows {exceptions} Streamlit exception(s)")
    return float(value)


def measure(browser: Browser, base_url: str, target: Target) -> tuple[float, float]:
    """(first render ms, rerun ms) of ``target`` in a new browser context."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(
            WATCH_JS % {"charts": target.charts, "changed": target.changed, "rendered": RENDERED_JS}
        )
        page = context.new_page()
        page.goto(base_url + target.path, wait_until="commit")
        first = _wait_result(page, f"{target.name} first render")

        page.locator(f".st-key-{target.widget} input").click()
        option = page.get_by_role("option", name=target.option, exact=True)
        if target.multiselect:
            option.click()  # the multiselect keeps its list open and sends nothing yet
            page.evaluate("() => window.__bench.arm()")
            page.keyboard.press("Escape")  # closing the list sends the new value: the clock starts here
        else:
            page.evaluate("() => window.__bench.arm()")
            option.click()  # a selectbox sends its value on the click: the clock starts here
        rerun = _wait_result(page, f"{target.name} rerun")
        return first, rerun
    finally:
        context.close()


def measure_retrying(browser: Browser, base_url: str, target: Target, attempts: int = 2) -> tuple[float, float]:
    """:func:`measure`, once more on failure (a visit can stall on a loaded machine); the failure is printed."""
    for attempt in range(1, attempts + 1):
        try:
            return measure(browser, base_url, target)
        except (MeasurementError, PlaywrightError) as exc:
            print(f"attempt {attempt} of {target.name} failed: {exc}", file=sys.stderr, flush=True)
            RETRIED.append(f"{target.name}: {exc}")
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


@dataclass
class Samples:
    first: list[float] = field(default_factory=list)
    rerun: list[float] = field(default_factory=list)


def run(rounds: int) -> dict[str, Samples]:
    samples = {t.name: Samples() for t in (BARE, *PAGES)}
    with (
        streamlit_server("app.py", LOG_DIR) as app_url,
        streamlit_server("benchmarks/bare_page.py", LOG_DIR) as bare_url,
        sync_playwright() as pw,
    ):
        urls = {"app": app_url, "bare": bare_url}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            for target in (BARE, *PAGES):  # warm-up: fills st.cache_data and the OS file cache; not counted
                measure_retrying(browser, urls[target.server], target)
            for r in range(rounds):
                for target in PAGES:
                    for t in (BARE, target):
                        first, rerun = measure_retrying(browser, urls[t.server], t)
                        samples[t.name].first.append(first)
                        samples[t.name].rerun.append(rerun)
                print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
        finally:
            browser.close()
    return samples


def report(samples: dict[str, Samples]) -> bool:
    """Print the table; True when every page meets the target."""
    bare = samples[BARE.name]
    bare_first, bare_rerun = statistics.median(bare.first), statistics.median(bare.rerun)
    header = f"{'page':<12} {'first render ms':>16} {'× bare':>7} {'rerun ms':>9} {'× bare':>7}  target ≤ {TARGET}×"
    print(header)
    print("-" * len(header))
    print(
        f"{BARE.name:<12} {bare_first:>16.0f} {1.0:>7.2f} {bare_rerun:>9.0f} {1.0:>7.2f}  "
        f"(baseline, n={len(bare.first)})"
    )
    ok = True
    for target in PAGES:
        s = samples[target.name]
        first, rerun = statistics.median(s.first), statistics.median(s.rerun)
        rf, rr = first / bare_first, rerun / bare_rerun
        passed = rf <= TARGET and rr <= TARGET
        ok &= passed
        print(
            f"{target.name:<12} {first:>16.0f} {rf:>7.2f} {rerun:>9.0f} {rr:>7.2f}  "
            f"{'PASS' if passed else 'FAIL'} (n={len(s.first)})"
        )
    print(
        f"\nMedians in ms, measured in Chromium with performance.now(): navigation start (first render) or the "
        f"widget action (rerun) to fully rendered; {len(samples[PAGES[0].name].first)} rounds; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {len(RETRIED)} visit(s) measured again "
        f"after a failure (see stderr)."
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="measurements per page (default 7)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: install chromium (apt-get install -y chromium)", file=sys.stderr)
        return 2
    return 0 if report(run(args.rounds)) else 1


if __name__ == "__main__":
    sys.exit(main())
