"""The dashboard pages under Streamlit's AppTest: every page runs, and the shared filters act on what is shown.

A Plotly chart is an element of type "plotly_chart": ``proto.spec`` is the figure JSON, ``proto.config`` the
config. Numeric arrays in the spec are binary-encoded, so the checks read titles and string arrays (session ids in
``customdata``, category labels) rather than numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from analysis.report import REPORT_TITLE
from dashboard.state import KEYS
from dashboard.ui import EMPTY_MESSAGE

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

# page file → (heading, chart keys)
PAGES: dict[str, tuple[str, set[str]]] = {
    "overview": ("Outreach coverage: COVID-19 online series 2020", {"overview_format", "overview_org_type"}),
    "timeline": ("Timeline", {"timeline_chart"}),
    "breakdowns": ("Breakdowns", {"bd_format", "bd_audience", "bd_matrix", "bd_wg", "bd_org_type", "bd_theme",
                                  "bd_gcm"}),
    "network": ("Co-lead network", {"net_chart"}),
    "gaps": ("Gaps", {"gaps_matrix"}),
    "data": ("Data & export", set()),
    "report": (REPORT_TITLE, {"report_timeline", "report_matrix", "report_network"}),
}
NO_MATCH = {"format": "webinar", "wg": "WG6"}


def start(query: dict[str, Any] | None = None, page: str | None = None) -> AppTest:
    """A fresh session of the app, opened with ``query`` in its URL, on ``page`` (after the entry point ran)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> dict[str, dict[str, Any]]:
    """Chart key → {"spec": figure JSON, "config": plotly config} for the charts on the current page."""
    return {c.key: {"spec": json.loads(c.proto.spec), "config": json.loads(c.proto.config)}
            for c in at.get("plotly_chart")}


def session_ids(spec: dict[str, Any], meta: str) -> list[str]:
    return [sid for t in spec["data"] if t.get("meta") == meta for sid in t["customdata"]]


def headings(at: AppTest) -> list[str]:
    return [t.value for t in at.title] + [t.value for t in at.subheader]


# ------------------------------------------------------------------------------ smoke


def test_every_page_file_is_covered() -> None:
    assert {p.stem for p in (ROOT / "pages").glob("*.py")} == set(PAGES)


@pytest.mark.parametrize("page_name", list(PAGES))
def test_page_runs_with_its_title_and_charts(page_name: str) -> None:
    at = start(page=page_name)
    title, keys = PAGES[page_name]
    assert title in headings(at)
    assert not at.error
    found = charts(at)
    assert set(found) == keys
    for chart in found.values():
        layout = chart["spec"]["layout"]
        assert layout["title"]["text"]
        assert layout["title"]["subtitle"]["text"] == "All records"
        options = chart["config"]["toImageButtonOptions"]
        assert options["scale"] == 2 and options["format"] == "png"
        assert options["filename"] == layout["meta"]["filename"]
        assert options["filename"].startswith(f"{page_name}-")
    footer = " ".join(c.value for c in at.caption)
    assert "data as of 19 June 2020" in footer
    assert "all 17 records" in footer or page_name == "report"


def test_overview_metrics() -> None:
    at = start(page="overview")
    values = {m.label: m.value for m in at.metric}
    assert values["Records"] == "17"
    assert values["Events"] == "22"
    assert values["Dated / undated"] == "10 / 7"
    assert values["Pipeline items"] == "4"
    assert values["Lead organisations"] == "24"
    assert values["People named as leads"] == "6"
    assert any("**UNICEF**" in m.value for m in at.markdown)


def test_data_page_offers_each_table_for_download() -> None:
    at = start(page="data")
    table = at.button_group(key="data_table")
    assert table.options[:3] == ["Sessions (17)", "Leads (36)", "Audiences (29)"]
    for name in ("sessions", "leads", "audiences", "problems"):
        table.set_value(name).run()
        keys = {b.key for b in at.get("download_button")}
        assert {"dl_xlsx", f"dl_{name}"} <= keys
        assert len(at.dataframe) == 1  # one table drawn at a time


def test_data_page_with_an_empty_table_says_so() -> None:
    # Pipeline items have no audiences: that table is empty while the others are not.
    at = start({"section": "pipeline"}, page="data")
    assert at.button_group(key="data_table").options[:3] == ["Sessions (4)", "Leads (4)", "Audiences (0)"]
    at.button_group(key="data_table").set_value("audiences").run()
    assert EMPTY_MESSAGE in [i.value for i in at.info]


# ------------------------------------------------------------------------------ filters act on what is shown


def test_format_filter_changes_the_breakdowns_and_the_url() -> None:
    at = start(page="breakdowns")
    before = charts(at)["bd_format"]["spec"]
    at.multiselect(key=KEYS["formats"]).set_value(["webinar"]).run()
    assert not at.exception
    after = charts(at)["bd_format"]["spec"]
    assert before["data"][0]["y"] != after["data"][0]["y"]
    assert after["data"][0]["y"] == ["webinar"]
    assert after["layout"]["title"]["subtitle"]["text"] == "Format: webinar"
    assert at.query_params == {"format": "webinar"}
    assert "webinar" in " ".join(c.value for c in at.caption)


def test_filters_change_the_timeline_markers() -> None:
    at = start(page="timeline")
    spec = charts(at)["timeline_chart"]["spec"]
    assert (len(session_ids(spec, "dated")), len(session_ids(spec, "undated"))) == (10, 7)
    at.multiselect(key=KEYS["formats"]).set_value(["webinar"]).run()
    spec = charts(at)["timeline_chart"]["spec"]
    assert (len(session_ids(spec, "dated")), len(session_ids(spec, "undated"))) == (3, 2)
    at.toggle(key=KEYS["undated"]).set_value(False).run()
    spec = charts(at)["timeline_chart"]["spec"]
    assert (len(session_ids(spec, "dated")), len(session_ids(spec, "undated"))) == (3, 0)
    assert spec["layout"]["title"]["subtitle"]["text"] == "Format: webinar · dated records only"
    assert at.query_params == {"format": "webinar", "undated": "0"}


def test_date_range_filter_goes_into_the_url_and_the_timeline() -> None:
    at = start(page="timeline")
    at.date_input(key=KEYS["dates"]).set_value((dt.date(2020, 6, 1), dt.date(2020, 6, 30))).run()
    assert not at.exception
    assert at.query_params == {"from": "2020-06-01", "to": "2020-06-30"}
    spec = charts(at)["timeline_chart"]["spec"]
    assert len(session_ids(spec, "dated")) == 5
    assert len(session_ids(spec, "undated")) == 7  # undated records stay unless excluded


def test_filters_persist_across_pages() -> None:
    at = start(page="breakdowns")
    at.multiselect(key=KEYS["working_groups"]).set_value(["WG2"]).run()
    at.switch_page("pages/network.py").run()
    assert not at.exception
    nodes = session_ids(charts(at)["net_chart"]["spec"], "nodes")
    assert sorted(nodes) == ["International Detention Coalition", "UNHCR", "UNICEF"]
    assert at.query_params == {"wg": "WG2"}


def test_page_controls() -> None:
    at = start(page="breakdowns")
    at.get("segmented_control")[0].set_value("Events").run()
    titles = {k: c["spec"]["layout"]["title"]["text"] for k, c in charts(at).items()}
    assert titles["bd_format"] == "By format (events)"
    at.switch_page("pages/network.py").run()
    at.toggle(key="net_people").set_value(True).run()
    assert not at.exception
    assert len(session_ids(charts(at)["net_chart"]["spec"], "nodes")) == 30


# ------------------------------------------------------------------------------ the URL restores filters


def test_query_params_restore_the_filters_into_the_widgets() -> None:
    at = start({"format": ["webinar"], "wg": "WG2", "undated": "1"})
    assert at.multiselect(key=KEYS["formats"]).value == ["webinar"]
    assert at.multiselect(key=KEYS["working_groups"]).value == ["WG2"]
    assert at.toggle(key=KEYS["undated"]).value is True
    assert at.query_params == {"format": "webinar", "wg": "WG2"}
    at.switch_page("pages/timeline.py").run()
    spec = charts(at)["timeline_chart"]["spec"]
    assert session_ids(spec, "dated") == [] and len(session_ids(spec, "undated")) == 1
    assert spec["layout"]["title"]["subtitle"]["text"] == "Format: webinar · Working group: WG2"


@pytest.mark.parametrize(
    ("query", "key", "value"),
    [
        ({"lead": "UN Development Programme"}, KEYS["organisations"], ["UN Development Programme"]),
        ({"theme": ["gender", "detention"]}, KEYS["themes"], ["gender", "detention"]),
        ({"audience": "UN system"}, KEYS["audiences"], ["UN system"]),
        ({"section": "pipeline"}, KEYS["sections"], ["pipeline"]),
        ({"undated": "0"}, KEYS["undated"], False),
        ({"from": "2020-06-01", "to": "2020-06-30"}, KEYS["dates"], (dt.date(2020, 6, 1), dt.date(2020, 6, 30))),
    ],
)
def test_each_filter_is_restored_from_the_url(query: dict[str, Any], key: str, value: object) -> None:
    at = start(query)
    assert at.session_state[key] == value
    assert at.query_params == query


def test_a_page_url_opened_first_keeps_its_filters() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["format"] = "webinar"
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    assert "Timeline" in headings(at)
    assert at.multiselect(key=KEYS["formats"]).value == ["webinar"]
    assert len(session_ids(charts(at)["timeline_chart"]["spec"], "dated")) == 3


def test_unknown_url_values_are_dropped_with_a_note() -> None:
    at = start({"format": ["webinar", "séance"], "from": "yesterday"})
    assert at.multiselect(key=KEYS["formats"]).value == ["webinar"]
    notes = " ".join(c.value for c in at.sidebar.caption)
    assert "séance" in notes and "yesterday" in notes
    assert at.query_params == {"format": "webinar"}


# ------------------------------------------------------------------------------ nothing matches


@pytest.mark.parametrize(
    "page_name", PAGES)
def test_no_match_shows_the_message_on_every_page(page_name: str) -> None:
    at = start(NO_MATCH, page=page_name)
    assert not at.exception
    assert not at.error
    assert EMPTY_MESSAGE in [i.value for i in at.info]
    assert charts(at) == {}  # no empty axes
    assert "0 of 17 records" in " ".join(c.value for c in at.caption) or page_name == "report"


def test_no_match_reached_through_the_widgets() -> None:
    at = start(page="breakdowns")
    at.multiselect(key=KEYS["formats"]).set_value(["webinar"]).run()
    at.multiselect(key=KEYS["working_groups"]).set_value(["WG6"]).run()
    assert not at.exception
    assert EMPTY_MESSAGE in [i.value for i in at.info]
    assert charts(at) == {}
    assert at.query_params == NO_MATCH


# ------------------------------------------------------------------------------ reset


def test_reset_is_disabled_when_nothing_is_filtered() -> None:
    assert start().button(key="f_reset").disabled


def test_reset_clears_every_filter_and_the_url() -> None:
    at = start({"format": "webinar", "wg": "WG6", "undated": "0", "from": "2020-06-01"}, page="breakdowns")
    assert EMPTY_MESSAGE in [i.value for i in at.info]
    reset = at.button(key="f_reset")
    assert not reset.disabled
    reset.click().run()
    assert not at.exception
    assert at.query_params == {}
    assert at.multiselect(key=KEYS["formats"]).value == []
    assert at.multiselect(key=KEYS["working_groups"]).value == []
    assert at.toggle(key=KEYS["undated"]).value is True
    assert at.date_input(key=KEYS["dates"]).value == (dt.date(2020, 5, 7), dt.date(2020, 7, 9))
    found = charts(at)
    assert set(found) == PAGES["breakdowns"][1]
    assert found["bd_format"]["spec"]["layout"]["title"]["subtitle"]["text"] == "All records"
    assert at.button(key="f_reset").disabled


@pytest.mark.parametrize("page_name", ["network", "breakdowns", "report"])
def test_chart_specs_are_identical_on_a_cold_and_a_warm_cache(page_name: str) -> None:
    # Streamlit derives a chart's identity from its spec: a spec that changes between the first run (cache
    # miss) and the next (cache hit) makes a new chart, and a click's selection on the first one is lost.
    import streamlit as st

    st.cache_data.clear()
    at = start(page=page_name)
    first = {k: c.proto.spec for k, c in ((c.key, c) for c in at.get("plotly_chart"))}
    at.run()
    again = {k: c.proto.spec for k, c in ((c.key, c) for c in at.get("plotly_chart"))}
    assert first and first == again
