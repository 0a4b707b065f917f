"""The dashboard pages under Streamlit's AppTest: every page runs, and the shared filters act on what is shown.

A Plotly chart is an element of type "plotly_chart": ``proto.spec`` is the figure JSON, ``proto.config`` the
config. Numeric arrays in the spec are binary-encoded, so the checks read titles and string arrays (session ids in
``customdata``, category labels) rather than numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from analysis.report import REPORT_TITLE
from dashboard.state import KEYS
from dashboard.ui import EMPTY_MESSAGE

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

# page file → (heading, keys of the charts it must draw; a page may draw more)
PAGES: dict[str, tuple[str, set[str]]] = {
    "overview": ("Outreach coverage: COVID-19 online series 2020", {"overview_format", "overview_org_type"}),
    "timeline": ("Timeline", {"timeline_chart"}),
    "breakdowns": ("Breakdowns", {"bd_format", "bd_audience", "bd_matrix", "bd_wg", "bd_org_type", "bd_theme",
                                  "bd_gcm"}),
    "network": ("Co-lead network", {"net_chart"}),
    "gaps": ("Gaps", {"gaps_matrix"}),
    "captures": ("Captures", set()),
    "changes": ("Changes", set()),
    "data": ("Data & export", set()),
    "report": (REPORT_TITLE, {"report_timeline", "report_matrix", "report_network"}),
}
DATA_PAGES = [p for p in PAGES if p not in ("captures", "changes")]
"""Pages that show the chosen capture through the sidebar filters."""
NO_MATCH = {"format": "webinar", "wg": "WG6"}


@pytest.fixture(autouse=True, scope="module")
def _own_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test here runs the app on its own SQLite capture store (a fresh file for this module)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OUTREACH_STORE_URL", f"sqlite:///{tmp_path_factory.mktemp('store') / 'captures.sqlite'}")
        yield


def plain(markdown: str) -> str:
    """The text a reader sees of escaped Markdown (backslash escapes and word joiners removed)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def footer(at: AppTest) -> str:
    """The main area's captions as read (the header's filter line and the footer's source line)."""
    return " ".join(plain(c.value) for c in at.main.caption)


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
    assert keys <= set(found)
    for chart in found.values():
        layout = chart["spec"]["layout"]
        assert layout["title"]["text"]
        assert layout["title"]["subtitle"]["text"] == "All records"
        options = chart["config"]["toImageButtonOptions"]
        assert options["scale"] == 2 and options["format"] == "png"
        assert options["filename"] == layout["meta"]["filename"]
        assert options["filename"].startswith(f"{page_name}-")
    shown = footer(at)
    assert "online_series_2020.txt" in shown and "as of 19 June 2020" in shown
    assert "all 17 records" in shown or page_name in ("report", "captures", "changes")


def test_overview_metrics() -> None:
    at = start(page="overview")
    values = {m.label: m.value for m in at.metric}
    # 10 dated records, 8 of them on or before the as-of date (12 events), 2 after it (3 events); 7 undated.
    assert values["Held events"] == "12"
    assert values["Planned events"] == "3"
    assert values["Undated"] == "7"
    assert values["Lead orgs"] == "24"
    assert values["Audiences"] == "6"
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


def test_data_page_problems_follow_the_filters() -> None:
    # The bundled page's problems: two on schedule records (lines 11 and 13) and one on the pipeline's bare TBD row.
    everything = start(page="data")
    everything.button_group(key="data_table").set_value("problems").run()
    assert sorted(everything.dataframe[0].value["line_no"]) == [11, 13, 22]
    pipeline = start({"section": "pipeline"}, page="data")
    pipeline.button_group(key="data_table").set_value("problems").run()
    assert pipeline.dataframe[0].value["line_no"].tolist() == [22]


def test_gaps_chase_table_follows_the_filters_and_the_more_columns_switch() -> None:
    """The chase list's table (its escaped cells are kept per data, filters and columns) shows the records the
    filters keep, and "More columns" adds the line column and takes it away again."""
    from analysis import load_schedule
    from analysis.aggregate import chase_list
    from analysis.filters import Filters, apply_filters

    def items(at: AppTest) -> list[str]:
        return at.table[0].value["Item"].tolist()

    at = start(page="gaps")
    everything = items(at)
    assert len(everything) == len(chase_list(load_schedule()))
    assert "Line" not in at.table[0].value.columns
    at.multiselect(key=KEYS["formats"]).set_value(["webinar"]).run()
    webinars = items(at)
    expected = chase_list(apply_filters(load_schedule(), Filters(formats=("webinar",))))
    assert len(webinars) == len(expected) < len(everything)
    assert set(webinars) <= set(everything)
    at.toggle(key="gaps_more").set_value(True).run()
    assert "Line" in at.table[0].value.columns and items(at) == webinars
    at.toggle(key="gaps_more").set_value(False).run()
    assert "Line" not in at.table[0].value.columns
    at.multiselect(key=KEYS["formats"]).set_value([]).run()
    assert items(at) == everything


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
    assert "webinar" in footer(at)


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


def _filter_widgets(at: AppTest) -> dict[str, Any]:
    return {key: w for w in (*at.sidebar.multiselect, *at.sidebar.toggle, *at.sidebar.date_input)
            if (key := w.key) in KEYS.values()}


def test_a_first_run_sends_the_filters_as_every_rerun_does() -> None:
    """Defaults are the widgets' own arguments, not values set through Session State: a value set that way is sent
    only in the run that sets it, so the browser would redraw every filter on the first change."""
    at = start()
    first = {key: w.proto.SerializeToString() for key, w in _filter_widgets(at).items()}
    assert len(first) == len(KEYS) and not any(w.proto.set_value for w in _filter_widgets(at).values())
    at.run()
    assert {key: w.proto.SerializeToString() for key, w in _filter_widgets(at).items()} == first
    shared = start({"format": "webinar"})  # a shared link's filter is set, and only that one
    assert [key for key, w in _filter_widgets(shared).items() if w.proto.set_value] == [KEYS["formats"]]
    assert shared.multiselect(key=KEYS["formats"]).value == ["webinar"]


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
    notes = " ".join(plain(i.value) for i in at.main.info)  # in the main area, where a phone user sees it
    assert "séance" in notes and "yesterday" in notes
    assert not at.sidebar.info
    assert at.query_params == {"format": "webinar"}


# ------------------------------------------------------------------------------ nothing matches


@pytest.mark.parametrize("page_name", DATA_PAGES)
def test_no_match_shows_the_message_on_every_page(page_name: str) -> None:
    at = start(NO_MATCH, page=page_name)
    assert not at.exception
    assert not at.error
    assert EMPTY_MESSAGE in [i.value for i in at.info]
    assert charts(at) == {}  # no empty axes
    assert "0 of 17 records" in footer(at) or page_name == "report"


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


# ------------------------------------------------------------------------------ the data a session sees


def _store() -> Any:
    from analysis.store import CaptureStore

    store = CaptureStore.from_url("sqlite://")  # in memory
    store.ensure_bundled()
    return store


def test_add_upload_reads_once_and_refuses_bad_files() -> None:
    from analysis import MAX_BYTES, ScheduleError
    from dashboard.source import add_upload
    from tests.older_version import OLDER_AS_OF, older_page_bytes

    store = _store()
    info, created = add_upload(store, older_page_bytes(), "older.txt", as_of=OLDER_AS_OF, partial=True)
    assert created and (info.name, info.records, info.as_of, info.partial) == ("older.txt", 3, OLDER_AS_OF, True)
    again, created = add_upload(store, older_page_bytes(), "copy.txt")
    assert not created and again.id == info.id  # the same bytes are one capture
    with pytest.raises(ScheduleError, match=r"junk\.csv"):
        add_upload(store, b"\x00\x01\x02\xff" * 100, "junk.csv")
    with pytest.raises(ScheduleError, match="over the"):
        add_upload(store, b" " * (MAX_BYTES + 1), "huge.txt")  # refused before any reading
    assert [c.records for c in store.list()] == [3, 17]


@pytest.mark.parametrize(
    ("wanted", "found", "note"),
    [
        (None, False, None),
        ("", False, None),
        ("1", True, None),
        ("999", False, "999, which is not in the store"),
        ("../../etc/passwd", False, "not a capture number"),
        ("[x](https://evil.example)", False, "not a capture number"),
    ],
)
def test_resolve_capture(wanted: str | None, found: bool, note: str | None) -> None:
    from dashboard.source import resolve_capture

    store = _store()
    capture_id, message = resolve_capture(store, wanted)
    assert (capture_id is not None) == found
    assert (message is None) if note is None else (note in str(message) and "bundled" in str(message))


def _app_store() -> Any:
    """The store the app under test uses (the module's SQLite file)."""
    from analysis.store import CaptureStore, default_url

    return CaptureStore.from_url(default_url())


def _add_older(partial: bool = True) -> int:
    """Add the older page to the app's store; return its capture id."""
    from tests.older_version import OLDER_AS_OF, older_page_bytes

    store = _app_store()
    store.ensure_bundled()
    info, _ = store.add(older_page_bytes(), "older-page.txt", as_of=OLDER_AS_OF, partial=partial)
    store.set_partial(info.id, partial)
    return info.id


@pytest.mark.parametrize("page_name", DATA_PAGES)
def test_every_page_follows_the_capture_in_the_url(page_name: str) -> None:
    capture = _add_older()
    at = start({"capture": str(capture)}, page=None)
    at.switch_page(f"pages/{page_name}.py")
    at.query_params["capture"] = str(capture)
    at.run()
    assert not at.exception
    shown = footer(at)
    assert "older-page.txt" in shown and "as of 15 May 2020" in shown
    assert "all 3 records" in shown or page_name == "report"
    assert at.query_params.get("capture") == str(capture)


def test_the_picker_switches_the_data_and_the_url_and_back() -> None:
    capture = _add_older()
    at = start(page="timeline")
    at.sidebar.selectbox(key="capture_pick").set_value(capture).run()
    assert not at.exception
    assert "older-page.txt" in footer(at) and at.query_params == {"capture": str(capture)}
    spec = charts(at)["timeline_chart"]["spec"]
    assert len(session_ids(spec, "dated")) == 3
    assert "data as of 15 May 2020" in json.dumps(spec)  # the chart's source line
    at.button(key="capture_bundled").click().run()
    assert "online_series_2020.txt" in footer(at) and at.query_params == {}
    assert at.button(key="capture_bundled").disabled


def test_filters_are_seeded_again_for_other_data() -> None:
    capture = _add_older()
    at = start({"format": ["webinar", "Migration Coffee"]}, page="breakdowns")
    assert at.multiselect(key=KEYS["formats"]).value == ["webinar", "Migration Coffee"]
    at.sidebar.selectbox(key="capture_pick").set_value(capture).run()
    assert not at.exception
    # the older page has a webinar but no Migration Coffee: that value is dropped, with a note in the main area
    assert at.multiselect(key=KEYS["formats"]).value == ["webinar"]
    assert "Migration Coffee" in " ".join(plain(i.value) for i in at.main.info)
    assert at.query_params == {"format": "webinar", "capture": str(capture)}


def test_an_unknown_capture_in_the_url_shows_the_bundled_page_with_a_note() -> None:
    at = start({"capture": "999"})
    assert "online_series_2020.txt" in footer(at)
    assert any("999" in plain(i.value) for i in at.main.info)
    assert "capture" not in at.query_params


def test_a_capture_deleted_by_another_session_falls_back_to_the_bundled_page() -> None:
    capture = _add_older()
    at = start(page="gaps")
    at.sidebar.selectbox(key="capture_pick").set_value(capture).run()
    assert "older-page.txt" in footer(at) and at.query_params.get("capture") == str(capture)
    _app_store().delete(capture)  # another session deletes it; this one reruns on its next change
    at.multiselect(key=KEYS["formats"]).set_value(["webinar"]).run()
    assert not at.exception
    assert "online_series_2020.txt" in footer(at) and "capture" not in at.query_params
    assert any(f"Capture {capture} was deleted" in plain(i.value) for i in at.main.info)
    assert not [o for o in at.sidebar.selectbox(key="capture_pick").options if o.startswith(f"#{capture} ·")]
    assert at.sidebar.selectbox(key="capture_pick").value != capture


def test_captures_page_renames_marks_partial_and_deletes_after_confirming() -> None:
    capture = _add_older(partial=False)
    at = start(page="captures")
    table = at.dataframe[0].value
    assert set(table["records"]) >= {3, 17}
    at.selectbox(key="cap_manage").set_value(capture).run()
    at.text_input(key=f"cap_name_{capture}").set_value("May version").run()
    at.button(key="cap_rename").click().run()
    assert not at.exception
    assert "May version" in set(at.dataframe[0].value["name"])
    at.toggle(key="cap_partial").set_value(True).run()
    assert bool(at.dataframe[0].value.set_index("id").loc[capture, "partial"])
    at.button(key="cap_delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    at.button(key="cap_delete_yes").click().run()
    assert not at.exception
    assert capture not in set(at.dataframe[0].value["id"])


def test_the_bundled_capture_cannot_be_deleted() -> None:
    at = start(page="captures")
    at.selectbox(key="cap_manage").set_value(next(c.id for c in _app_store().list() if c.bundled)).run()
    assert not [b for b in at.button if b.key == "cap_delete"]


def test_changes_page_compares_the_two_latest_captures() -> None:
    capture = _add_older(partial=True)
    at = start(page="changes")
    assert not at.exception
    bundled = next(c.id for c in _app_store().list() if c.bundled)
    assert at.selectbox(key="chg_old").value == capture and at.selectbox(key="chg_new").value == bundled
    summary = " ".join(plain(m.value) for m in at.main.markdown)
    assert "1 moved" in summary and "old 3 records (partial)" in summary and "new 17 records" in summary
    table = at.dataframe[0].value
    moved = table[table["kind"] == "moved"]
    assert list(moved["before"]) == ["19 May 2020"] and list(moved["after"]) == ["20 May 2020"]
    assert not table.isin(["None", "nan", "NaT"]).any().any()
    assert {"dl_changes", "dl_changes_report"} <= {b.key for b in at.get("download_button")}
    assert {"chg_moves", "chg_backlog"} <= set(charts(at))
    at.multiselect(key="chg_kinds").set_value(["moved"]).run()
    assert list(at.dataframe[0].value["kind"]) == ["moved"]


def test_changes_page_with_one_capture_says_what_is_needed(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OUTREACH_STORE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite'}")
        at = start(page="changes")
    assert any("two captures" in i.value for i in at.main.info)


# ------------------------------------------------------------------------------ page settings in the URL


def test_data_tab_is_kept_in_the_url() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["table"] = "leads"
    at.switch_page("pages/data.py").run()
    assert at.button_group(key="data_table").value == "leads"
    at.button_group(key="data_table").set_value("problems").run()
    assert at.query_params == {"table": "problems"}
    at.button_group(key="data_table").set_value("sessions").run()
    assert at.query_params == {}  # the default is left out


def test_data_page_shows_no_none_and_types_in_words() -> None:
    at = start(page="data")
    sessions = at.dataframe[0].value
    assert not sessions.astype(str).isin(["None", "nan", "NaT", "<NA>"]).any().any()
    at.button_group(key="data_table").set_value("dictionary").run()
    types = set(at.dataframe[0].value["type"])
    assert types <= {"text", "whole number", "number", "date", "yes/no", "list of text", "list of whole numbers"}
    assert {"text", "date", "yes/no"} <= types


# ------------------------------------------------------------------------------ escaping and display helpers


@pytest.mark.parametrize(
    "text",
    [
        "[Session expired - sign in](https://evil.example)",
        "![q](http://127.0.0.1:9/x.png)",
        "<img src=x onerror=alert(1)>",
        "**bold** _it_ `code` ~~gone~~",
        ":red[alert] :material/warning:",
        "$x^2$",
        "www.evil.example and a@b.example",
        "line one\n# heading\r\n- item | cell",
    ],
)
def test_md_escape_leaves_no_markdown(text: str) -> None:
    from dashboard.ui import md_escape

    escaped = md_escape(text)
    assert re.search(r"(?<!\\)[\[\]()!<>*_`~$:#|\-]", escaped) is None  # every mark is escaped
    assert "\n" not in escaped and "://" not in escaped and "www." not in escaped.casefold()
    assert plain(escaped) == " ".join(text.replace("\r\n", "\n").split("\n"))  # reads as written


def test_display_frame_has_no_empty_markers() -> None:
    import pandas as pd

    from dashboard.tables import EMPTY, display_frame, type_in_words

    frame = pd.DataFrame({"a": ["x", None], "b": [("p", "q"), ()], "d": pd.to_datetime(["2020-05-07", None]),
                          "n": [1, 2], "f": [True, False]})
    out = display_frame(frame)
    assert out.to_dict("list") == {"a": ["x", EMPTY], "b": ["p, q", EMPTY], "d": ["2020-05-07", EMPTY],
                                   "n": [1, 2], "f": [True, False]}
    assert frame["a"].isna().sum() == 1  # the input is not changed
    assert [type_in_words(frame[c]) for c in frame] == ["text", "list of text", "date", "whole number", "yes/no"]


def test_copy_link_holds_the_filters_and_the_capture() -> None:
    capture = _add_older()
    at = start({"format": "webinar", "capture": str(capture)}, page=None)
    link = " ".join(c.value for c in at.sidebar.code)
    assert "format=webinar" in link and f"capture={capture}" in link
