"""Every page at a desktop width, a 1024 px laptop and a 390 px phone: the main area never scrolls sideways,
no Streamlit exception, and no two text elements of a chart (tick labels, legend entries, annotations, the
title) overlap. Screenshots of each go to artifacts/screenshots/<page>-<width>.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from .helpers import ACTION_TIMEOUT_MS, PAGES, RENDER_TIMEOUT_MS, SCREENSHOTS, PageSpec, page_state, settle, wait_drawn

pytestmark = pytest.mark.browser

VIEWPORTS = ((1400, 900), (1024, 768), (390, 844))

# Width of the main area's content against its visible width (a sideways scroll means content wider than it).
OVERFLOW_JS = """() => ['stMain', 'stMainBlockContainer'].map((id) => {
  const el = document.querySelector(`[data-testid="${id}"]`);
  return el ? {id, scroll: el.scrollWidth, client: el.clientWidth} : {id, scroll: 0, client: 0};
})"""

# Pairs of chart text elements that overlap by more than 1 px (touching is allowed). Each text's box is taken in
# its own coordinates (getBBox) and mapped to the screen with its transform, so a tilted tick label is a tilted
# rectangle, not the larger upright box around it; two rectangles overlap when no edge normal separates them.
OVERLAP_JS = """() => {
  const SELECTORS = ['.xtick text', '.ytick text', '.legendtext', '.annotation-text', '.gtitle'];
  const corners = (el) => {
    const b = el.getBBox(), m = el.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const depth = (p, q) => {
    let least = Infinity;
    for (const poly of [p, q]) {
      for (let i = 0; i < 4; i++) {
        const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
        const len = Math.hypot(x2 - x1, y2 - y1);
        if (len < 1e-6) continue;
        const nx = (y1 - y2) / len, ny = (x2 - x1) / len;
        const proj = (poly2) => poly2.map(([x, y]) => x * nx + y * ny);
        const a = proj(p), b = proj(q);
        least = Math.min(least, Math.min(Math.max(...a), Math.max(...b)) - Math.max(Math.min(...a), Math.min(...b)));
      }
    }
    return least;
  };
  const out = [];
  for (const chart of document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')) {
    const holder = chart.closest('[class*="st-key-"]');
    const key = holder ? [...holder.classList].find((c) => c.startsWith('st-key-')) : '?';
    const items = [];
    for (const sel of SELECTORS) {
      for (const el of chart.querySelectorAll(sel)) {
        const text = (el.textContent || '').trim();
        const r = el.getBoundingClientRect();
        if (!text || r.width < 1 || r.height < 1) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none' || style.opacity === '0') continue;
        items.push({sel, text, box: corners(el)});
      }
    }
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const d = depth(items[i].box, items[j].box);
        if (d > 1) {
          const [a, b] = [items[i], items[j]];
          out.push(`${key}: "${a.text}" (${a.sel}) × "${b.text}" (${b.sel}) by ${d.toFixed(1)} px`);
        }
      }
    }
  }
  return out;
}"""


# Charts that keep a minimum width scroll inside their own box ("st-key-wide-<key>"): allowed on a phone only.
INNER_SCROLL_JS = """() => [...document.querySelectorAll('[class*="st-key-wide-"]')]
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .map((el) => [...el.classList].find((c) => c.startsWith('st-key-wide-')))"""


def _grow_to_content(page: Page, width: int, height: int) -> None:
    """Make the viewport as tall as the main area's content so one screenshot shows the whole page."""
    total = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    if total > height:
        page.set_viewport_size({"width": width, "height": min(total, 12_000)})


CASES = [(spec, w, h) for spec in PAGES for (w, h) in VIEWPORTS]


@pytest.mark.parametrize(("spec", "width", "height"), CASES, ids=[f"{s.name}-{w}" for s, w, _ in CASES])
def test_page_fits_the_width(browser: Browser, app_url: str, spec: PageSpec, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=app_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(spec.path)
        wait_drawn(page, len(spec.charts))
        assert page_state(page)["exceptions"] == [], f"{spec.path} at {width} px shows a Streamlit exception"

        settle(page, f"() => ({OVERFLOW_JS})().every((o) => o.scroll <= o.client)")
        overflow = [o for o in page.evaluate(OVERFLOW_JS) if o["scroll"] > o["client"]]
        assert overflow == [], f"{spec.path} at {width} px: the main area scrolls sideways: {overflow}"

        if width >= 1024:
            assert page.evaluate(INNER_SCROLL_JS) == [], f"{spec.path} at {width} px: a chart is cut off in its box"

        overlaps = page.evaluate(OVERLAP_JS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        _grow_to_content(page, width, height)
        wait_drawn(page, len(spec.charts))
        page.screenshot(path=SCREENSHOTS / f"{spec.name}-{width}.png")
        assert overlaps == [], f"{spec.path} at {width} px: chart texts overlap:\n" + "\n".join(overlaps[:20])
    finally:
        context.close()
