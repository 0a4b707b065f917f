"""analysis.fields: table-driven tests of every messy cell the page (and pages like it) contains."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import string
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.fields import (
    _BATCH_ROWS,
    _LOWER_GROWS,
    RE2_I_FOLDS,
    SPACES,
    PurposeSplit,
    classify_themes,
    is_tbd,
    looks_like_date,
    parse_date,
    parse_format_cell,
    parse_leads,
    split_purpose,
    start_purpose_split,
    start_theme_matrix,
    theme_matrix,
)
from analysis.reference import Reference, Theme, load_reference

D = dt.date


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


# ---------------------------------------------------------------------------------------------- dates

# raw, year, expected (date, date_end, status, year_inferred)
DATES = [
    ("7 May", 2020, (D(2020, 5, 7), None, "dated", True)),
    ("20 May", 2020, (D(2020, 5, 20), None, "dated", True)),
    ("4th June", 2020, (D(2020, 6, 4), None, "dated", True)),
    ("11th June", 2020, (D(2020, 6, 11), None, "dated", True)),
    ("July 9th", 2020, (D(2020, 7, 9), None, "dated", True)),
    ("2nd July", 2020, (D(2020, 7, 2), None, "dated", True)),
    ("Feb 17th", 2020, (D(2020, 2, 17), None, "dated", True)),
    ("1st March 2021", 2020, (D(2021, 3, 1), None, "dated", False)),
    ("22-23 March", 2021, (D(2021, 3, 22), D(2021, 3, 23), "dated", True)),
    ("22–23 March", 2020, (D(2020, 3, 22), D(2020, 3, 23), "dated", True)),
    ("30 May - 2 June", 2020, (D(2020, 5, 30), D(2020, 6, 2), "dated", True)),
    ("May 7, 2021", 2020, (D(2021, 5, 7), None, "dated", False)),
    ("Sept 3rd", 2020, (D(2020, 9, 3), None, "dated", True)),
    ("3rd of September", 2020, (D(2020, 9, 3), None, "dated", True)),
    ("Tuesday, 7 July", 2020, (D(2020, 7, 7), None, "dated", True)),
    ("7 may", 2020, (D(2020, 5, 7), None, "dated", True)),
    ("  7 May  ", 2020, (D(2020, 5, 7), None, "dated", True)),
    ("7 May.", 2020, (D(2020, 5, 7), None, "dated", True)),
    ("29 February", 2020, (D(2020, 2, 29), None, "dated", True)),
    ("2020-06-11", 2021, (D(2020, 6, 11), None, "dated", False)),
    ("17/06/2020", 2021, (D(2020, 6, 17), None, "dated", False)),
    ("17.06.2020", 2021, (D(2020, 6, 17), None, "dated", False)),
    ("06/17/2020", 2021, (D(2020, 6, 17), None, "dated", False)),  # only month/day/year can be
    ("June 18, 2020", 2021, (D(2020, 6, 18), None, "dated", False)),
    ("Thursday, 28 May", 2020, (D(2020, 5, 28), None, "dated", True)),
    ("Thu 28 May", 2020, (D(2020, 5, 28), None, "dated", True)),
    ("Wed. 3 June 2020", 2021, (D(2020, 6, 3), None, "dated", False)),
    ("1st   March\t2021", 2020, (D(2021, 3, 1), None, "dated", False)),
    ("TBD", 2020, (None, None, "tbd", False)),
    ("TBC", 2020, (None, None, "tbd", False)),
    ("tbc.", 2020, (None, None, "tbd", False)),
    ("To be confirmed", 2020, (None, None, "tbd", False)),
    ("", 2020, (None, None, "tbd", False)),
    ("   ", 2020, (None, None, "tbd", False)),
]


@pytest.mark.parametrize(("raw", "year", "expected"), DATES, ids=[f"{r!r}" for r, _, _ in DATES])
def test_parse_date(raw: str, year: int, expected: tuple) -> None:
    f = parse_date(raw, year)
    assert (f.date, f.date_end, f.status, f.year_inferred) == expected
    assert f.raw == raw  # the raw text is always kept, unchanged
    assert f.issues == ()


# raw, year, words expected in the issue: status "unreadable", never silently a date or "tbd"
BAD_DATES = [
    ("Funday 1 June", 2020, "'Funday' is not a weekday"),
    ("1 May 0000", 2020, "year outside"),
    ("0000-05-01", 2020, "year outside"),
    ("2020-13-01", 2020, "no such date"),
    ("31/02/2020", 2020, "no such date"),
    ("7 May " + "x" * 300, 2020, "longer than 200 characters"),
    ("nonsense", 2020, "not understood"),
    ("Pipeline (full details tbc)", 2020, "not understood"),
    ("soon", 2020, "not understood"),
    ("7 Mayo", 2020, "not understood"),
    ("31 February", 2020, "no such date"),
    ("29 February", 2021, "no such date"),
    ("0 May", 2020, "no such date"),
    ("32 May", 2020, "no such date"),
    ("31 April 2020", 2020, "no such date"),
    ("1st March 0001", 2020, "year outside"),
    ("7 May", 1, "year outside"),
]


@pytest.mark.parametrize(("raw", "year", "words"), BAD_DATES, ids=[f"{r!r}-{y}" for r, y, _ in BAD_DATES])
def test_bad_dates_are_unreadable_with_a_problem_and_raw_kept(raw: str, year: int, words: str) -> None:
    f = parse_date(raw, year)
    assert (f.date, f.date_end, f.status) == (None, None, "unreadable")
    assert f.raw == raw
    assert len(f.issues) == 1
    fld, severity, message = f.issues[0]
    assert (fld, severity) == ("date", "warning")
    assert words in message and raw.strip()[:60] in message


def test_range_that_ends_before_it_starts_keeps_the_start_and_reports() -> None:
    f = parse_date("23-22 March", 2020)
    assert (f.date, f.date_end, f.status) == (D(2020, 3, 23), None, "dated")
    assert "ends before it starts" in f.issues[0][2]


@pytest.mark.parametrize("year", [2019, 2020, 2024])
def test_year_parameter_applies_only_where_no_year_is_written(year: int) -> None:
    assert parse_date("7 May", year).date == D(year, 5, 7)
    assert parse_date("1st March 2021", year).date == D(2021, 3, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7 May", True), ("July 9th", True), ("TBD", True), ("tbc", True), ("22-23 March", True),
     ("Pipeline (full details tbc)", False), ("Civil Society Mapping Reports", False), ("", False),
     ("May", False), ("Mayday", False), ("7", False), ("2020-06-11", True), ("Thursday, 28 May", True),
     ("Funday 1 June", False), ("1 May 0000", True)],
)
def test_looks_like_date(text: str, expected: bool) -> None:
    assert looks_like_date(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("TBD", True), ("tbd", True), (" TBC. ", True), ("TBA", True), ("to be determined", True),
     ("", False), ("TBD soon", False), ("Webinar", False)],
)
def test_is_tbd(text: str, expected: bool) -> None:
    assert is_tbd(text) is expected


# ---------------------------------------------------------------------------------------------- leads

# raw, expected working group, [(name, kind, organisation, unit)], unnamed_partners
LEADS = [
    ("WG2: IDC, UNICEF, UNHCR", "WG2",
     [("International Detention Coalition", "organisation", "International Detention Coalition", None),
      ("UNICEF", "organisation", "UNICEF", None), ("UNHCR", "organisation", "UNHCR", None)], False),
    ("WG6: WHO, UN Habitat", "WG6",
     [("World Health Organization", "organisation", "World Health Organization", None),
      ("UN-Habitat", "organisation", "UN-Habitat", None)], False),
    ("WG3: OHCHR, Act Alliance, Asia-Pacific Refugee Rights Network", "WG3",
     [("Office of the UN High Commissioner for Human Rights", "organisation",
       "Office of the UN High Commissioner for Human Rights", None),
      ("ACT Alliance", "organisation", "ACT Alliance", None),
      ("Asia Pacific Refugee Rights Network", "organisation", "Asia Pacific Refugee Rights Network", None)], False),
    ("Working Group 5: IOM", "WG5",
     [("International Organization for Migration", "organisation", "International Organization for Migration",
       None)], False),
    ("WG 4 - ILO and IOM", "WG4",
     [("International Labour Organization", "organisation", "International Labour Organization", None),
      ("International Organization for Migration", "organisation", "International Organization for Migration",
       None)], False),
    ("UN Habitat", None, [("UN-Habitat", "organisation", "UN-Habitat", None)], False),
    ("Act Alliance", None, [("ACT Alliance", "organisation", "ACT Alliance", None)], False),
    ("Bloque Latinoamericao", None,
     [("Bloque Latinoamericano sobre Migración", "organisation", "Bloque Latinoamericano sobre Migración", None)],
     False),
    ("Mixed Migration Center, others", None,
     [("Mixed Migration Centre", "organisation", "Mixed Migration Centre", None)], True),
    ("Zolberg Institute, New School", None,
     [("Zolberg Institute on Migration and Mobility, The New School", "organisation",
       "Zolberg Institute on Migration and Mobility, The New School", None)], False),
    ("CERAH, Geneva Graduate Institute", None,
     [("CERAH — Geneva Centre of Humanitarian Studies", "organisation",
       "CERAH — Geneva Centre of Humanitarian Studies", None),
      ("Geneva Graduate Institute", "organisation", "Geneva Graduate Institute", None)], False),
    ("IOM ODG", None,
     [("International Organization for Migration", "organisation", "International Organization for Migration",
       "Office of the Director General")], False),
    ("Women in Migration Network, UN Women", None,
     [("Women in Migration Network", "organisation", "Women in Migration Network", None),
      ("UN Women", "organisation", "UN Women", None)], False),
    ("UNODC, ICAT", None,
     [("UN Office on Drugs and Crime", "organisation", "UN Office on Drugs and Crime", None),
      ("Inter-Agency Coordination Group against Trafficking in Persons", "organisation",
       "Inter-Agency Coordination Group against Trafficking in Persons", None)], False),
    ("UNICEF, Major Group on Children and Youth, Child Rights Initiative", None,
     [("UNICEF", "organisation", "UNICEF", None),
      ("Major Group for Children and Youth", "organisation", "Major Group for Children and Youth", None),
      ("Initiative for Child Rights in the Global Compacts", "organisation",
       "Initiative for Child Rights in the Global Compacts", None)], False),
    ("IDC; UNICEF", None,
     [("International Detention Coalition", "organisation", "International Detention Coalition", None),
      ("UNICEF", "organisation", "UNICEF", None)], False),
    ("UNICEF, unicef", None, [("UNICEF", "organisation", "UNICEF", None)], False),
    # parts whose key is empty or "the" can still open a longer known name
    ("The, New School", None,
     [("Zolberg Institute on Migration and Mobility, The New School", "organisation",
       "Zolberg Institute on Migration and Mobility, The New School", None)], False),
    ("UNICEF, -", None, [("UNICEF", "organisation", "UNICEF", None)], False),
    ("Antonio Vitorino", None,
     [("António Vitorino", "person", "International Organization for Migration", None)], False),
    ("others", None, [], True),
    ("", None, [], False),
]


@pytest.mark.parametrize(("raw", "wg", "leads", "unnamed"), LEADS, ids=[r or "<blank>" for r, *_ in LEADS])
def test_parse_leads(ref: Reference, raw: str, wg: str | None, leads: list[tuple], unnamed: bool) -> None:
    f = parse_leads(raw, ref)
    assert f.raw == raw
    assert f.working_group == wg
    assert [(x.name, x.kind, x.organisation, x.unit) for x in f.leads] == leads
    assert all(x.resolved for x in f.leads)
    assert f.unnamed_partners is unnamed
    assert f.issues == ()


def test_people_of_17_june_each_count_for_their_organisation(ref: Reference) -> None:
    raw = ("António Vitorino, Liu Zhenmin, Gillian Triggs, Charlotte Petri Gornitzka, Asako Okai, "
           "Moussa Oumarou, Lead Discussant:")
    f = parse_leads(raw, ref)
    assert [(x.name, x.kind, x.organisation) for x in f.leads] == [
        ("António Vitorino", "person", "International Organization for Migration"),
        ("Liu Zhenmin", "person", "UN Department of Economic and Social Affairs"),
        ("Gillian Triggs", "person", "UNHCR"),
        ("Charlotte Petri Gornitzka", "person", "UNICEF"),
        ("Asako Okai", "person", "UN Development Programme"),
        ("Moussa Oumarou", "person", "International Labour Organization"),
    ]
    assert f.issues == (("leads", "warning", "'Lead Discussant:' is followed by no name"),)


@pytest.mark.parametrize("raw", ["Lead Discussant:", "Lead Discussant :", "UNICEF, Lead Discussant:"])
def test_empty_role_label_is_a_problem_not_a_person(ref: Reference, raw: str) -> None:
    f = parse_leads(raw, ref)
    assert all(x.name != "Lead Discussant" and x.role is None for x in f.leads)
    assert len(f.issues) == 1 and "followed by no name" in f.issues[0][2]


def test_role_label_with_a_known_name(ref: Reference) -> None:
    f = parse_leads("Moderator: Antonio Vitorino", ref)
    (lead,) = f.leads
    assert (lead.name, lead.role, lead.kind, lead.resolved) == ("António Vitorino", "Moderator", "person", True)


@pytest.mark.parametrize(
    ("raw", "name", "kind"),
    [("Acme Foundation", "Acme Foundation", "organisation"),
     ("Jane Doe", "Jane Doe", "unknown"),  # never silently a person
     ("Migrant Voices Collective", "Migrant Voices Collective", "unknown"),
     ("XYZ", "XYZ", "organisation"),
     ("Lead Discussant: Pat Example", "Pat Example", "person"),  # a role label introduces a person
     ("Ms. Pat Example", "Pat Example", "person"),  # so does an honorific (dropped from the name)
     ("Some Migrant Network", "Some Migrant Network", "organisation"),
     *[(f"Acme {word}", f"Acme {word}", "organisation") for word in (
         "Bank", "Federation", "Forum", "Institute", "Mechanism", "Network", "Partnership", "Project", "Centre",
         "Council", "Coalition", "Alliance", "Union", "Organisation", "Organization", "University", "Foundation",
         "Agency", "Programme")]],
)
def test_unknown_names_are_kept_as_written_and_reported(ref: Reference, raw: str, name: str, kind: str) -> None:
    f = parse_leads(raw, ref)
    (lead,) = f.leads
    assert (lead.name, lead.kind, lead.resolved) == (name, kind, False)
    assert lead.raw == raw.split(": ")[-1] or lead.raw == raw
    assert lead.organisation == (name if kind == "organisation" else "")
    assert len(f.issues) == 1
    assert f.issues[0][:2] == ("leads", "warning")
    assert "unresolved" in f.issues[0][2] and name in f.issues[0][2]


# raw, expected [(name, kind, organisation, unit, role)]: known people behind titles, roles and honorifics
TITLED = [
    ("IOM Director General and Coordinator of the Network António Vitorino",
     [("António Vitorino", "person", "International Organization for Migration", None,
       "IOM Director General and Coordinator of the Network")]),
    ("Special Rapporteur on contemporary forms of racism, racial discrimination, xenophobia, and related "
     "intolerance Ms. E. Tendayi Achiume",
     [("E. Tendayi Achiume", "person", "Office of the UN High Commissioner for Human Rights", "Special Procedures",
       "Special Rapporteur on contemporary forms of racism, racial discrimination, xenophobia, and related "
       "intolerance")]),
    ("IOM Director General and Coordinator of the Network António Vitorino, Special Rapporteur on contemporary "
     "forms of racism, racial discrimination, xenophobia, and related intolerance Ms. E. Tendayi Achiume",
     [("António Vitorino", "person", "International Organization for Migration", None,
       "IOM Director General and Coordinator of the Network"),
      ("E. Tendayi Achiume", "person", "Office of the UN High Commissioner for Human Rights", "Special Procedures",
       "Special Rapporteur on contemporary forms of racism, racial discrimination, xenophobia, and related "
       "intolerance")]),
    ("H.E. Mr. Antonio Vitorino", [("António Vitorino", "person", "International Organization for Migration", None,
                                    None)]),
    ("Dr. Gillian Triggs; WHO", [("Gillian Triggs", "person", "UNHCR", None, None),
                                 ("World Health Organization", "organisation", "World Health Organization", None,
                                  None)]),
    ("Under-Secretary-General Liu Zhenmin", [("Liu Zhenmin", "person", "UN Department of Economic and Social Affairs",
                                              None, "Under-Secretary-General")]),
]


@pytest.mark.parametrize(("raw", "expected"), TITLED, ids=[r[:40] for r, _ in TITLED])
def test_titled_people_resolve_to_themselves_with_no_fake_organisations(ref: Reference, raw: str,
                                                                        expected: list[tuple]) -> None:
    f = parse_leads(raw, ref)
    assert [(x.name, x.kind, x.organisation, x.unit, x.role) for x in f.leads] == expected
    assert all(x.resolved for x in f.leads)
    assert f.issues == ()
    assert "".join(x.raw for x in f.leads).replace(", ", "").replace(" ", "") in raw.replace(", ", "").replace(
        "; ", "").replace(" ", "")  # raw keeps honorifics and the role phrase


def test_commas_after_a_known_name_still_split(ref: Reference) -> None:
    f = parse_leads("UNICEF, unicef, others, tbd", ref)
    assert [x.name for x in f.leads] == ["UNICEF"]
    assert f.unnamed_partners is True


def test_others_is_a_flag_and_never_a_lead(ref: Reference) -> None:
    f = parse_leads("UNICEF, others", ref)
    assert f.unnamed_partners is True
    assert [x.name for x in f.leads] == ["UNICEF"]
    assert all("other" not in x.name.casefold() for x in f.leads)


@pytest.mark.parametrize("raw", ["TBD", "tbc"])
def test_tbd_leads_are_tbd_not_a_name(ref: Reference, raw: str) -> None:
    f = parse_leads(raw, ref)
    assert (f.tbd, f.leads, f.issues) == (True, (), ())


def test_working_group_prefix_with_no_names(ref: Reference) -> None:
    f = parse_leads("WG2:", ref)
    assert (f.working_group, f.leads) == ("WG2", ())


def test_absurd_working_group_number_does_not_crash(ref: Reference) -> None:
    f = parse_leads("WG" + "9" * 5000 + ": WHO", ref)
    assert f.working_group is None


# ------------------------------------------------------------------------------------- format / audience

FORMATS = [
    # raw, format, format_raw, event_count, languages, interpretation, platform
    ("Format: Listening Sessions (2) Audience: Civil society and UN Networks Purpose: Draw inputs.",
     "listening session", "Listening Sessions (2)", 2, (), False, None),
    ("Format: Listening Sessions Audience: Member States", "listening session", "Listening Sessions", 1, (), False,
     None),
    ("Format: Webinar Audience: UN system, Member States, stakeholders Purpose: To dialogue.",
     "webinar", "Webinar", 1, (), False, None),
    ("Format: ‘Migration Coffee’ informal Zoom gathering Audience: Member States, Network Purpose: x",
     "Migration Coffee", "‘Migration Coffee’ informal Zoom gathering", 1, (), False, "Zoom"),
    ("Format: Listening Session in Spanish and English, with simultaneous interpretation Audience: civil society",
     "listening session", "Listening Session in Spanish and English, with simultaneous interpretation", 1,
     ("English", "Spanish"), True, None),
    ("Format: two sessions of webinars", "webinar", "two sessions of webinars", 2, (), False, None),
    ("Format: Consultation (3) on Microsoft Teams", "meeting", "Consultation (3) on Microsoft Teams", 3, (), False,
     "Microsoft Teams"),
    ("Webinar", "webinar", "Webinar", 1, (), False, None),
    ("Published commentary on COVID-19 and the GCM", "published commentary",
     "Published commentary on COVID-19 and the GCM", 0, (), False, None),  # a publication is no event
    ("Policy brief on detention", "publication", "Policy brief on detention", 0, (), False, None),
    ("Format: TBD", "TBD", "TBD", 1, (), False, None),
    ("Format: Karaoke night", "other", "Karaoke night", 1, (), False, None),
    ("Format: Webinar (" + "9" * 30 + ")", "webinar", "Webinar (" + "9" * 30 + ")", 1, (), False, None),
    ("", None, None, 1, (), False, None),
    ("Audience: Member States", None, None, 1, (), False, None),
]


@pytest.mark.parametrize(
    ("raw", "fmt", "fmt_raw", "count", "languages", "interpretation", "platform"),
    FORMATS,
    ids=[r[:40] or "<blank>" for r, *_ in FORMATS],
)
def test_parse_format_cell(ref: Reference, raw: str, fmt: str | None, fmt_raw: str | None, count: int,
                           languages: tuple, interpretation: bool, platform: str | None) -> None:
    f = parse_format_cell(raw, ref)
    assert f.raw == raw
    assert (f.format, f.format_raw, f.event_count) == (fmt, fmt_raw, count)
    assert (f.languages, f.interpretation, f.platform) == (languages, interpretation, platform)


# format words → (event_count, an issue says the count is a guess)
EVENT_COUNTS = [
    ("Format: Listening Sessions (2)", 2, False),
    ("Format: Listening Sessions", 1, True),  # plural, no number: counted 1 and flagged
    ("Format: Listening Session", 1, False),
    ("Format: Webinars", 1, True),
    ("Format: 3 sessions of webinars", 3, False),
    ("Format: Webinar", 1, False),
    ("Format: TBD", 1, False),  # a session whose format is undecided is still an event
    ("Published commentary", 0, False),
    ("Format: Publication (2)", 0, False),
]


@pytest.mark.parametrize(("raw", "count", "flagged"), EVENT_COUNTS, ids=[r for r, *_ in EVENT_COUNTS])
def test_event_counting_rules(ref: Reference, raw: str, count: int, flagged: bool) -> None:
    f = parse_format_cell(raw, ref)
    assert f.event_count == count
    assert any("no number of events" in msg for _, _, msg in f.issues) is flagged


def test_unknown_format_is_other_with_an_info_problem(ref: Reference) -> None:
    f = parse_format_cell("Format: Karaoke night", ref)
    assert f.issues == (("format", "info", "format not in the vocabulary: 'Karaoke night'"),)


# raw audience phrase → canonical categories, in order of appearance
AUDIENCES = [
    ("Country and regional level stakeholders/civil society and UN Networks",
     ["stakeholders", "civil society", "UN networks (country/regional)"]),
    ("Civil society and UN Networks", ["civil society", "UN networks (country/regional)"]),
    ("UN system, Member States, stakeholders", ["UN system", "Member States", "stakeholders"]),
    ("Member States, Network", ["Member States", "Network members"]),
    ("Member States, UN Agencies, Civil Society", ["Member States", "UN system", "civil society"]),
    ("Member States, stakeholders, Network", ["Member States", "stakeholders", "Network members"]),
    ("Latin American civil society, stakeholders and UN regional and country Networks",
     ["civil society", "stakeholders", "UN networks (country/regional)"]),
    ("Member States", ["Member States"]),
    ("Member States and Member States", ["Member States"]),
]


@pytest.mark.parametrize(("phrase", "expected"), AUDIENCES, ids=[p[:40] for p, _ in AUDIENCES])
def test_audiences_several_per_record(ref: Reference, phrase: str, expected: list[str]) -> None:
    f = parse_format_cell(f"Format: Webinar Audience: {phrase} Purpose: x", ref)
    assert f.audience_raw == phrase
    assert [a.name for a in f.audiences] == expected
    assert all(a.raw.casefold() in phrase.casefold() for a in f.audiences)
    assert f.issues == ()


def test_unknown_audience_is_kept_and_reported(ref: Reference) -> None:
    f = parse_format_cell("Format: Webinar Audience: space travellers", ref)
    assert (f.audience_raw, f.audiences) == ("space travellers", ())
    assert f.issues == (("audience", "warning", "no known audience in 'space travellers'"),)


@pytest.mark.parametrize(
    ("raw", "audience_raw", "purpose"),
    [
        ("Format: Listening Sessions (2) Audience: TBD Purpose: TBD", "TBD", "TBD"),
        ("Format: Webinar Audience: tbc Purpose: to be confirmed", "TBD", "TBD"),
        ("Format: Webinar", None, None),  # absent: None, which is not TBD
        ("Format: Webinar Audience: Member States", "Member States", None),
        ("Format: Webinar Purpose: To share.", None, "To share."),
    ],
)
def test_tbd_is_recorded_as_tbd_and_absent_as_none(ref: Reference, raw: str, audience_raw: str | None,
                                                   purpose: str | None) -> None:
    f = parse_format_cell(raw, ref)
    assert (f.audience_raw, f.purpose) == (audience_raw, purpose)


def test_format_tbd_differs_from_absent(ref: Reference) -> None:
    assert parse_format_cell("Format: TBD", ref).format == "TBD"
    assert parse_format_cell("", ref).format is None


def test_publication_title_is_kept_for_publication_formats(ref: Reference) -> None:
    f = parse_format_cell("Published commentary on COVID-19 and the GCM", ref)
    assert f.publication == "Published commentary on COVID-19 and the GCM"
    assert parse_format_cell("Webinar", ref).publication is None


# ---------------------------------------------------------------------------------------------- themes


@pytest.mark.parametrize(
    ("topic", "purpose", "wg", "themes", "gcm"),
    [
        ("COVID-19 and human trafficking", "", None, ("trafficking",), (10,)),
        ("Alternatives to detention", "", "WG2", ("detention",), (13,)),
        ("Anything", "", "WG2", ("detention",), (13,)),  # the working group's theme
        ("Regular pathways", "", "WG3", ("regular pathways",), (5,)),
        ("Migrant Children and Youth: Impacts and Practices", "", None, ("children and youth",), ()),
        ("Latin America: Regional impacts and practices", "", None, ("regional",), (23,)),
        ("Future of Human Mobility", "on combatting xenophobia", None, ("xenophobia and the future of mobility",),
         (16, 17)),
        ("Nothing known here", "", None, (), ()),
    ],
)
def test_classify_themes(ref: Reference, topic: str, purpose: str, wg: str | None, themes: tuple,
                         gcm: tuple) -> None:
    assert classify_themes(topic, purpose, wg, ref) == (themes, gcm)


def test_parsers_are_pure_and_memoised(ref: Reference) -> None:
    a = parse_leads("WG2: IDC, UNICEF, UNHCR", ref)
    assert parse_leads("WG2: IDC, UNICEF, UNHCR", ref) == a
    assert parse_date("7 May", 2020) == parse_date("7 May", 2020)
    assert parse_date("7 May", 2020) != parse_date("7 May", 2021)


# ---------------------------------------------------------------------------------------- theme matrix


def _themes_ref(ref: Reference, count: int) -> Reference:
    """``ref`` with ``count`` themes: theme k matches the word "w<k>" in a topic and "p<k>" in a purpose; theme 0
    has a look-behind that pyarrow's RE2 refuses, so it is matched by Python's ``re``."""
    def pattern(text: str) -> tuple[re.Pattern[str]]:
        return (re.compile(text, re.IGNORECASE),)  # as the reference compiles them

    themes = [Theme(f"t{k}", pattern(rf"\bw{k}\b"), pattern(rf"\bp{k}\b"), ()) for k in range(count)]
    themes[0] = Theme("t0", pattern(r"(?<=x)w0\b"), pattern(r"\bp0\b"), ())
    return dataclasses.replace(ref, themes=tuple(themes))


def _brute_force(values: list[str | None], part: str, ref: Reference) -> np.ndarray:
    return np.array([[v is not None and any(p.search(v) for p in getattr(t, part)) for t in ref.themes]
                     for v in values], dtype=bool).reshape(len(values), len(ref.themes))


@pytest.mark.parametrize("count", [1, 20, 62, 63, 130])
def test_theme_matrix_matches_every_pattern_in_order_over_many_batches(ref: Reference, count: int) -> None:
    """More texts than one batch (so batches run in parallel) and more themes than one packed column."""
    themed = _themes_ref(ref, count)
    rng = random.Random(count)
    words = [f"w{k}" for k in range(count + 2)] + ["xw0", "W1", "other", "é", "w1x"]
    values: list[str | None] = [" ".join(rng.choices(words, k=rng.randint(0, 4))) for _ in range(3 * _BATCH_ROWS + 7)]
    values[5] = None
    got = theme_matrix(values, "topic", themed)
    assert got.shape == (len(values), count)
    assert np.array_equal(got, _brute_force(values, "topic", themed))
    assert got[:, 0].any() and not got[5].any()  # the fallback pattern found "xw0"; the missing text matches nothing


def test_theme_matrix_begun_on_an_executor_gives_the_same_matrix(ref: Reference) -> None:
    values = ["COVID-19 and human trafficking", "", "Regular pathways for children", None, "Latin America"] * 900
    with ThreadPoolExecutor(max_workers=1) as pool:
        finish = start_theme_matrix(values, "topic", ref, pool)
        assert np.array_equal(finish(), theme_matrix(values, "topic", ref))
    assert np.array_equal(theme_matrix(values, "topic", ref), _brute_force(values, "topic", ref))
    assert theme_matrix([], "purpose", ref).shape == (0, len(ref.themes))


# ------------------------------------------------------------------------------------ purpose split

# What format cells are made of, and what could make RE2 and Python disagree: Unicode spaces around the
# label, a non-ASCII letter just before it, letters whose case mapping changes length (İ) or folds oddly
# (ſ, the fi ligature, the Kelvin sign), other labels after the purpose, TBD markers with dots, NUL.
PURPOSE_PIECES = [
    "Format: Webinar", "Format:", "Audience: Member States", "audiences :", " Purpose: ", "purpose:", "PURPOSE :",
    "Purpose\u2003:", "Purpose\x0b:", "Purpose\x1c:", "Purpose\xa0 :", "épurpose:", "_purpose:", "1purpose:",
    "purpoſe:", "Purpose", " To discuss ", " TBD", " tbc.", ". tbd .", "to be conﬁrmed", "TBA..", "...", "",
    " ", "\xa0", "\u2028", "\u3000", "İ", "ſ", "\u212a", "’", "é", "\n", "\x00", "format", "audience", "x",
]


def _expected_split(cells: list[str | None]) -> list[tuple[str, str | None, bool]]:
    """What :func:`start_purpose_split` must give, from :func:`split_purpose` one cell at a time."""
    out = []
    for c in cells:
        split = split_purpose(c or "")
        out.append((c or "", None, True) if split is None else (split[0], split[1], False))
    return out


def _got_split(split: PurposeSplit) -> list[tuple[str, str | None, bool]]:
    purposes = split.purposes.to_pylist()
    return [(split.rest[code], purposes[i], bool(split.whole[i])) for i, code in enumerate(split.codes.tolist())]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PURPOSE_PIECES), max_size=8).map("".join) | st.none(), max_size=30))
def test_the_vectorised_purpose_split_gives_what_split_purpose_gives(cells: list[str | None]) -> None:
    assert _got_split(start_purpose_split(cells)()) == _expected_split(cells)


def test_the_purpose_split_begun_on_an_executor_over_many_batches_gives_the_same() -> None:
    rng = random.Random(7)
    cells: list[str | None] = ["".join(rng.choices(PURPOSE_PIECES, k=rng.randint(0, 8)))
                               for _ in range(3 * _BATCH_ROWS + 5)]
    cells[3] = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        split = start_purpose_split(cells, pool)()
    assert _got_split(split) == _expected_split(cells)
    assert split.whole.any() and not split.whole.all()  # both kinds occur
    assert len(split.rest) == len(set(split.rest))  # the rests are distinct, coded


def test_the_purpose_split_knows_python_s_whitespace_and_case_mappings() -> None:
    """What the RE2 plan relies on, checked over every code point (a new Python or pyarrow may change them)."""
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert set(SPACES) == {c for c in every if c.isspace()}
    trimmed = pc.utf8_ltrim_whitespace(pa.array([c + "a" for c in every])).to_pylist()
    assert {c for c, t in zip(every, trimmed, strict=True) if t == "a"} == set(SPACES)
    assert {c for c in every if len(c.lower()) != 1} == set(_LOWER_GROWS)
    # only ASCII letters, İ and the Kelvin sign lower to ASCII letters; "k" is in no label
    to_ascii = {c for c in every if not c.isascii() and any(x.isascii() and x.isalpha() for x in c.lower())}
    assert to_ascii == {"\u0130", "\u212a"} and "k" not in "formataudiencepurpose"


def test_the_theme_passes_match_letters_as_python_does_ignoring_case() -> None:
    """Over every code point: RE2 ignoring case, once RE2_I_FOLDS are written as "i", matches the same
    characters to each ASCII letter as Python's re does (a new Python or pyarrow may change this)."""
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    folded = pa.array(["i" if c in RE2_I_FOLDS else c for c in every])
    re2_letter = pc.match_substring_regex(folded, "^[a-z]$", ignore_case=True).to_pylist()
    py_letter = re.compile("[a-z]", re.IGNORECASE).fullmatch
    candidates = sorted({c for c, hit in zip(every, re2_letter, strict=True) if hit} | set(filter(py_letter, every)))
    folded_candidates = pa.array(["i" if c in RE2_I_FOLDS else c for c in candidates])
    for letter in string.ascii_lowercase:
        re2 = pc.match_substring_regex(folded_candidates, f"^{letter}$", ignore_case=True).to_pylist()
        python = [re.fullmatch(letter, c, re.IGNORECASE) is not None for c in candidates]
        assert re2 == python, letter
    assert classify_themes("", "\u0130mmigration detention", None, load_reference())[0] == ("detention",)
