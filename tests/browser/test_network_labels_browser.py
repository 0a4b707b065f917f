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


@pytest.mark.parametrize("people", [False, True], ids=["organisations", "people"])
@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}px" for w, _ in VIEWPORTS])
def test_network_labels_and_legend_never_overlap_or_fall_outside(
    browser: Browser, app_url: str, width: int, height: int, people: bool
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(RENDER_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/network" + ("?people=1" if people else ""))
        wait_rendered(page, 1)
        page.locator(".st-key-net_chart").scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"network-labels-{width}{'-people' if people else ''}.png")
        found = page.evaluate(BOXES_JS)
    finally:
        context.close()

    assert found is not None, "no network chart on the page"
    labels, legend, svg = found["labels"], found["legend"], found["svg"]
    assert len(labels) >= 5, f"only {len(labels)} node labels drawn at {width} px"
    assert legend, "the network has no legend"
    clashes = [
        f'"{a["text"]}" × "{b["text"]}" by {_overlap(a, b):.1f} px'
        for i, a in enumerate(labels) for b in labels[i + 1:] + legend if _overlap(a, b) > 1
    ]
    assert not clashes, f"overlapping texts at {width} px: {clashes}"
    outside = [t["text"] for t in labels + legend if not _inside(t, svg)]
    assert not outside, f"texts outside the chart's SVG at {width} px: {outside} (svg {svg})"
    hidden = [t["text"] for t in legend if not _inside(t, found["visible"])]
    assert not hidden, f"legend entries cut off by the chart's box at {width} px: {hidden}"
