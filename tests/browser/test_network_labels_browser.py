"""The co-lead network as drawn at 1400 px, 1024 px and on a 390 px phone, with organisations and with people
as nodes: no two node labels overlap, no label overlaps the legend, every label and legend entry lies inside
the chart's SVG, and the legend can be read without scrolling the chart's box sideways.

Boxes come from the browser (``getBoundingClientRect`` of each drawn text), not from the figure's estimate.
Screenshots go to artifacts/screenshots/network-labels-<width>[-people].png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from .helpers import ACTION_TIMEOUT_MS, RENDER_TIMEOUT_MS, SCREENSHOTS, wait_rendered

pytestmark = pytest.mark.browser

VIEWPORTS = ((1400, 900), (1024, 768), (390, 844))

# Every non-empty node label (scatter text) and legend entry of the network chart, with its screen box; the
# chart's SVG box; and the box the user can see of it (the chart's scrolling holder, when it has one).
BOXES_JS = """() => {
  const holder = document.querySelector('.st-key-net_chart');
  if (!holder) return null;
  const svg = holder.querySelector('.js-plotly-plot .main-svg');
  const plain = (r) => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const texts = (sel) => [...holder.querySelectorAll(sel)]
    .filter((el) => (el.textContent || '').trim() && el.getBoundingClientRect().width >= 1)
    .map((el) => ({text: el.textContent.trim(), ...plain(el.getBoundingClientRect())}));
  const wide = holder.closest('[class*="st-key-wide-"]') || holder;
  return {
    svg: plain(svg.getBoundingClientRect()),
    visible: plain(wide.getBoundingClientRect()),
    labels: texts('.scatterlayer .textpoint text'),
    legend: [...holder.querySelectorAll('.legend .traces')]
      .map((el) => ({text: el.textContent.trim(), ...plain(el.getBoundingClientRect())})),
  };
}"""


def _overlap(a: dict, b: dict) -> float:
    """Depth in px by which two boxes overlap (≤ 0: apart or touching)."""
    return min(min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]), min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]))


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (inner["x0"] >= outer["x0"] - slack and inner["y0"] >= outer["y0"] - slack
            and inner["x1"] <= outer["x1"] + slack and inner["y1"] <= outer["y1"] + slack)


# Drop the chart's minimum width, as before the page's style rule applies: the chart is redrawn at the column's.
AT_COLUMN_WIDTH_JS = """() => {
  const style = document.createElement('style');
  style.textContent = '.st-key-wide-net_chart > * { min-width: 0 !important; }';
  document.head.appendChild(style);
}"""
# The chart's SVG is as wide as the column holding it, ``width`` px (the narrow redraw has happened).
DRAWN_AT_JS = """(width) => {
  const svg = document.querySelector('.st-key-net_chart .js-plotly-plot .main-svg');
  return !!svg && Math.abs(svg.getBoundingClientRect().width - width) <= 1;
}"""


def _check(found: dict | None, where: str) -> None:
    """No two labels overlap each other or the legend, and every text lies inside the SVG and its box."""
    assert found is not None, "no network chart on the page"
    labels, legend, svg = found["labels"], found["legend"], found["svg"]
    assert len(labels) >= 5, f"only {len(labels)} node labels drawn {where}"
    assert legend, "the network has no legend"
    clashes = [
        f'"{a["text"]}" × "{b["text"]}" by {_overlap(a, b):.1f} px'
        for i, a in enumerate(labels) for b in labels[i + 1:] + legend if _overlap(a, b) > 1
    ]
    assert not clashes, f"overlapping texts {where}: {clashes}"
    outside = [t["text"] for t in labels + legend if not _inside(t, svg)]
    assert not outside, f"texts outside the chart's SVG {where}: {outside} (svg {svg})"
    hidden = [t["text"] for t in legend if not _inside(t, found["visible"])]
    assert not hidden, f"legend entries cut off by the chart's box {where}: {hidden}"


@pytest.mark.parametrize("people", [False, True], ids=["organisations", "people"])
@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}px" for w, _ in VIEWPORTS])
def test_network_labels_and_legend_never_overlap_or_fall_outside(
    browser: Browser, app_url: str, width: int, height: int, people: bool
) -> None:
    """At a phone's width the chart keeps a wider box of its own; drawn at the column's width instead (as it
    can be for a moment, before the page's style rule applies), its labels still hold."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    narrow = None
    try:
        page = context.new_page()
        page.goto(f"{app_url}/network" + ("?people=1" if people else ""))
        wait_rendered(page, 1)
        page.locator(".st-key-net_chart").scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"network-labels-{width}{'-people' if people else ''}.png")
        found = page.evaluate(BOXES_JS)
        column = page.locator(".st-key-wide-net_chart").evaluate("(el) => el.getBoundingClientRect().width")
        if column < found["svg"]["x1"] - found["svg"]["x0"] - 1:
            page.evaluate(AT_COLUMN_WIDTH_JS)
            page.wait_for_function(DRAWN_AT_JS, arg=column, polling=50)
            narrow = page.evaluate(BOXES_JS)
    finally:
        context.close()

    _check(found, f"at {width} px")
    if width < 500:
        assert narrow is not None, f"the chart does not keep a box wider than the {column:.0f} px column"
        _check(narrow, f"at {width} px, drawn at the column's {column:.0f} px")
