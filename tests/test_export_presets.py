"""Exports sized for documents: every chart at every preset has the preset's pixel size, and its fonts print
at ≥ 9 pt (body), ≥ 7 pt (source line) and ≥ 11 pt (title) at the preset's physical width, whatever the
browser window was. PNGs go through kaleido, which finds the system Chromium by itself."""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest

from analysis import Schedule, load_schedule
from analysis.aggregate import COMPLETENESS_FIELDS, completeness, format_audience_matrix, trim_matrix
from analysis.figures import (
    EXPORT_PRESETS,
    PRESETS,
    ChartContext,
    breakdown_figure,
    completeness_figure,
    heatmap_figure,
    network_figure,
    sized_for,
    stop_png_server,
    timeline_figure,
    to_png,
)
from analysis.network import build_graph, layout
from analysis.report import report_figures

PRESET_NAMES = ("A4 column (16 cm)", "A4 landscape full width", "16:9 slide")


@pytest.fixture(scope="module")
def s() -> Schedule:
    return load_schedule()


@pytest.fixture(scope="module")
def charts(s: Schedule) -> dict[str, go.Figure]:
    ctx = ChartContext(source=s.meta.citation, page="tests")
    g = build_graph(s)
    figs = {
        "timeline": timeline_figure(s, ctx),
        "audience bars": breakdown_figure(s, "audience", ctx, "events"),
        "format bars": breakdown_figure(s, "format", ctx),
        "matrix": heatmap_figure(trim_matrix(format_audience_matrix(s)), ctx),
        "network": network_figure(g, layout(g), ctx),
        "completeness": completeness_figure(completeness(s), COMPLETENESS_FIELDS, ctx),
    }
    figs.update({f"report {k}": v for k, v in report_figures(s, s, ctx).items()})
    return figs


@pytest.fixture(scope="module")
def kaleido_server() -> Iterator[None]:
    kaleido = pytest.importorskip("kaleido")
    try:
        kaleido.start_sync_server(silence_warnings=True)
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"kaleido could not start a browser: {exc}")
    yield
    stop_png_server()


def test_a_hung_png_server_stop_is_left_behind_after_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    kaleido = pytest.importorskip("kaleido")
    release = threading.Event()
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **_: release.wait())  # as when its browser went away
    monkeypatch.setattr(kaleido._global_server, "_initialized", True)
    try:
        assert stop_png_server(timeout=0.2) is False
        assert not kaleido._global_server.is_running()  # kaleido's exit handler will not wait for it either
    finally:
        release.set()
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **_: None)
    assert stop_png_server(timeout=5) is True


def test_the_presets_are_the_documented_sizes() -> None:
    assert tuple(EXPORT_PRESETS) == PRESET_NAMES
    assert PRESETS["A4 column (16 cm)"].width_cm == 16.0
    assert PRESETS["A4 landscape full width"].width_cm == pytest.approx(27.7)
    slide = PRESETS["16:9 slide"]
    assert slide.width_cm / slide.height_cm == pytest.approx(16 / 9, rel=1e-3)
    for name, (w, h, scale) in EXPORT_PRESETS.items():
        p = PRESETS[name]
        # Layout pixels at 96 per inch: the physical size in cm, whatever the window.
        assert w == round(p.width_cm / 2.54 * 96) and h == round(p.height_cm / 2.54 * 96)
        assert (w * scale).is_integer() and (h * scale).is_integer()
        assert p.dpi >= 144
    # A slide keeps its shape; document presets let a tall chart grow to a page's height.
    assert PRESETS["16:9 slide"].max_height_px == PRESETS["16:9 slide"].height_px
    assert PRESETS["A4 column (16 cm)"].max_height_px == round(24 / 2.54 * 96)


def test_a_tall_chart_grows_within_the_page(charts: dict[str, go.Figure]) -> None:
    timeline = charts["timeline"]
    assert timeline.layout.height > 800
    assert sized_for(timeline, "A4 column (16 cm)").layout.height == min(timeline.layout.height, 907)
    assert sized_for(timeline, "16:9 slide").layout.height == 720
    small = go.Figure(charts["matrix"]).update_layout(height=300)
    assert sized_for(small, "A4 column (16 cm)").layout.height == 454  # never below the preset's height


def test_resizing_drops_network_labels_that_would_collide(charts: dict[str, go.Figure]) -> None:
    from analysis.network import label_box

    for name in ("network", "report network"):
        for preset in PRESET_NAMES:
            fig = sized_for(charts[name], preset)
            lay = fig.layout
            w = lay.width - lay.margin.l - lay.margin.r
            h = lay.height - lay.margin.t - lay.margin.b
            (x0, x1), (y0, y1) = lay.meta["extent"]
            scale = min(w / (x1 - x0), h / (y1 - y0))
            boxes = []
            for trace in fig.data:
                if trace.meta != "nodes":
                    continue
                for x, y, text, where, size in zip(trace.x, trace.y, trace.text, trace.textposition,
                                                   trace.marker.size, strict=True):
                    if text:
                        boxes.append(label_box(w / 2 + (x - (x0 + x1) / 2) * scale, h / 2 + (y - (y0 + y1) / 2) * scale,
                                               text, where, trace.textfont.size, size))
            assert len(boxes) >= 5, (name, preset)
            for i, a in enumerate(boxes):
                assert not any(a.overlaps(b, 1.0) for b in boxes[i + 1:]), (name, preset, a)


def _fonts(fig: go.Figure) -> Iterator[tuple[str, float]]:
    """(role, size in px) of every font in the figure; unset sizes inherit the layout font."""
    lay = fig.layout
    body = lay.font.size or lay.template.layout.font.size
    yield "body", body

    def size(f: object) -> float:
        return getattr(f, "size", None) or body

    yield "title", size(lay.title.font)
    yield "body", size(lay.title.subtitle.font)
    yield "body", size(lay.legend.font)
    yield "body", size(lay.legend.title.font)
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.visible is not False:
            yield "body", size(axis.tickfont)
            yield "body", size(axis.title.font)
    for ann in lay.annotations:
        yield ("source" if ann.name in ("source", "note") else "body"), size(ann.font)
    for trace in fig.data:
        if getattr(trace, "text", None) is not None and getattr(trace, "textfont", None) is not None:
            yield "body", size(trace.textfont)


MINIMUM_PT = {"body": 9.0, "source": 7.0, "title": 11.0}


@pytest.mark.parametrize("preset", PRESET_NAMES)
def test_sized_figures_print_at_readable_point_sizes(charts: dict[str, go.Figure], preset: str) -> None:
    p = PRESETS[preset]
    for name, fig in charts.items():
        sized = sized_for(fig, preset)
        w, h, _ = EXPORT_PRESETS[preset]
        assert sized.layout.width == w
        assert h <= sized.layout.height <= p.max_height_px
        assert sized.layout.height == p.height_for(fig)
        assert sized.layout.meta["preset"] == preset
        for role, px in _fonts(sized):
            points = px * p.pt_per_px
            assert points >= MINIMUM_PT[role] - 1e-9, f"{name} at {preset}: {role} {px}px = {points:.1f} pt"
        # The original is untouched.
        assert fig.layout.width is None


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.timeout(600)
def test_every_chart_exports_at_every_preset_size(charts: dict[str, go.Figure], kaleido_server: None) -> None:
    for name, fig in charts.items():
        for preset in PRESET_NAMES:
            w, _, scale = EXPORT_PRESETS[preset]
            h = PRESETS[preset].height_for(fig)
            assert _png_size(to_png(fig, preset)) == (round(w * scale), round(h * scale)), (name, preset)


def test_an_unknown_preset_is_a_key_error(charts: dict[str, go.Figure]) -> None:
    with pytest.raises(KeyError):
        sized_for(charts["matrix"], "A3 poster")
