"""Pipeline ageing and backlog over a history of captures (pure; captures built from page text)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from older_version import OLDER_AS_OF, older_page_bytes
from schedule_pages import BUNDLED, page, row

from analysis import Schedule, load_schedule
from analysis.ageing import AGEING_COLUMNS, BACKLOG_COLUMNS, ageing, backlog, has_history
from analysis.store import CaptureInfo

W = "Format: Webinar Audience: Member States Purpose: Talk"
PIPELINE = "Pipeline (full details tbc) | ||||"
MAPPING = "Civil Society Mapping Reports | Mixed Migration Center, others | Webinar | ||"
COMMENTARY = "TBD | CERAH, Geneva Graduate Institute | Published commentary on COVID-19 and the GCM | ||"


def capture(capture_id: int, as_of: dt.date, text: str, partial: bool = False) -> tuple[CaptureInfo, Schedule]:
    info = CaptureInfo(id=capture_id, name=f"capture {capture_id}", source_name=f"c{capture_id}.txt", as_of=as_of,
                       as_of_origin="given", sha256=f"{capture_id:064x}",
                       added_at=dt.datetime(2020, 7, 1, tzinfo=dt.UTC), records=0, partial=partial, bundled=False,
                       source_kind="pipe")
    return info, load_schedule(text.encode(), name=info.name, year=2020, as_of=as_of)


# 1 May: youth session TBD, mapping reports in the pipeline.
# 20 May: youth session dated 3 June; mapping reports still in the pipeline.
# 10 June: youth session back to TBD; mapping reports still waiting; a commentary joins the pipeline.
HISTORY = [
    capture(3, dt.date(2020, 6, 10), page(row("TBD", "Youth and migration", "UNICEF", W), PIPELINE, MAPPING,
                                          COMMENTARY)),
    capture(1, dt.date(2020, 5, 1), page(row("TBD", "Youth and migration", "UNICEF", W), PIPELINE, MAPPING)),
    capture(2, dt.date(2020, 5, 20), page(row("3 June", "Youth and migration", "UNICEF", W), PIPELINE, MAPPING)),
]


def _by_label(frame: pd.DataFrame) -> dict[str, dict[str, object]]:
    return {r["label"].split(" · ")[1]: r for r in frame.to_dict("records")}


def test_ageing_follows_records_back_to_their_first_capture() -> None:
    out = ageing(HISTORY, 3)
    assert list(out.columns) == list(AGEING_COLUMNS) and out.attrs["enough_captures"]
    got = _by_label(out)
    assert set(got) == {"Youth and migration", "Civil Society Mapping Reports", "CERAH + IHEID: published commentary"}
    youth, mapping, commentary = (got[k] for k in ("Youth and migration", "Civil Society Mapping Reports",
                                                   "CERAH + IHEID: published commentary"))
    assert (youth["first_seen"], youth["first_seen_capture"], youth["days_waiting"]) == (
        pd.Timestamp("2020-05-01"), 1, 40)
    assert youth["ever_dated"] and youth["last_dated"] == pd.Timestamp("2020-06-03") and youth["captures_seen"] == 3
    assert (mapping["days_waiting"], mapping["ever_dated"], mapping["captures_seen"]) == (40, False, 3)
    assert pd.isna(mapping["last_dated"])
    assert (commentary["first_seen"], commentary["days_waiting"], commentary["captures_seen"]) == (
        pd.Timestamp("2020-06-10"), 0, 1)
    assert out["days_waiting"].tolist() == [40, 40, 0]  # longest wait first


def test_ageing_looks_only_at_captures_up_to_the_chosen_one() -> None:
    out = ageing(HISTORY, 2)
    assert _by_label(out).keys() == {"Civil Society Mapping Reports"}
    assert out["days_waiting"].tolist() == [19]


def test_a_single_capture_says_ageing_needs_more_instead_of_zeros() -> None:
    out = ageing(HISTORY[1:2], 1)
    assert not out.attrs["enough_captures"] and not has_history(HISTORY[1:2], 1)
    assert len(out) == 2
    assert out["days_waiting"].isna().all() and out["first_seen"].isna().all()
    # The earliest of several captures has nothing before it either.
    assert not ageing(HISTORY, 1).attrs["enough_captures"] and has_history(HISTORY, 3)


def test_unknown_capture_raises_key_error() -> None:
    with pytest.raises(KeyError):
        ageing(HISTORY, 99)


def test_backlog_counts_open_pipeline_and_undated_per_capture_date() -> None:
    b = backlog(HISTORY)
    assert list(b.columns) == list(BACKLOG_COLUMNS)
    assert b[["capture_id", "open_pipeline", "undated"]].values.tolist() == [[1, 1, 1], [2, 1, 0], [3, 2, 1]]
    assert b["as_of"].tolist() == [pd.Timestamp(d) for d in ("2020-05-01", "2020-05-20", "2020-06-10")]


def test_bundled_history_with_the_older_page() -> None:
    older = capture(2, OLDER_AS_OF, older_page_bytes().decode(), partial=True)
    info = CaptureInfo(id=1, name="bundled", source_name=BUNDLED.name, as_of=dt.date(2020, 6, 19),
                       as_of_origin="source.yaml", sha256="0" * 64, added_at=dt.datetime(2020, 7, 1, tzinfo=dt.UTC),
                       records=17, partial=False, bundled=True, source_kind="pipe")
    history = [(info, load_schedule(BUNDLED)), older]
    out = ageing(history, 1)
    # The older capture holds no undated record, so every open record is first seen in the bundled one …
    assert out.attrs["enough_captures"] and (out["days_waiting"] == 0).all()
    # … and the TBD detention webinar is not mistaken for the dated 19 May session (that one became 20 May).
    assert not out["ever_dated"].any()
    b = backlog(history)
    assert b[["capture_id", "open_pipeline", "undated", "partial"]].values.tolist() == [
        [2, 0, 0, True], [1, 4, 3, False]]
