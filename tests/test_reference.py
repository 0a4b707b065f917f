"""analysis.reference: the YAML under data/ loads into one validated object; a malformed file is named."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from schedule_pages import page, row

from analysis import ReferenceDataError, load_reference, load_schedule
from analysis.paths import DATA_DIR, REFERENCE_DIR, SOURCE_META
from analysis.reference import Reference, norm_key

FILES = ("organisations.yaml", "people.yaml", "working_groups.yaml", "vocabularies.yaml")


@pytest.fixture
def copy(tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of data/reference and data/source.yaml: (reference dir, source.yaml)."""
    ref_dir = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, ref_dir)
    source = tmp_path / "source.yaml"
    shutil.copy(SOURCE_META, source)
    (tmp_path / "raw").mkdir()
    shutil.copy(DATA_DIR / "raw" / "online_series_2020.txt", tmp_path / "raw")
    return ref_dir, source


def edit(path: Path, change: Callable[[Any], Any]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = change(data) or data
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_default_reference_loads_and_is_cached() -> None:
    ref = load_reference()
    assert isinstance(ref, Reference)
    assert load_reference() is ref
    assert len(ref.organisations) >= 25
    assert len(ref.people) >= 6
    assert set(ref.working_groups) == {"WG2", "WG3", "WG4", "WG5", "WG6"}
    assert ref.source.year == 2020
    assert ref.source.file == (DATA_DIR / "raw" / "online_series_2020.txt").resolve()
    assert {p.name for p in ref.files} == {*FILES, "source.yaml"}


def test_reference_is_immutable() -> None:
    ref = load_reference()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.platforms = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("UN Habitat", "UN-Habitat"),
        ("un-habitat", "UN-Habitat"),
        ("Act Alliance", "ACT Alliance"),
        ("Bloque Latinoamericao", "Bloque Latinoamericano sobre Migración"),
        ("Mixed Migration Center", "Mixed Migration Centre"),
        ("Zolberg Institute, New School", "Zolberg Institute on Migration and Mobility, The New School"),
        ("IOM ODG", "International Organization for Migration"),
        ("Asia-Pacific Refugee Rights Network", "Asia Pacific Refugee Rights Network"),
        ("The Asia Pacific Refugee Rights Network", "Asia Pacific Refugee Rights Network"),
        ("Antonio Vitorino", "António Vitorino"),
    ],
)
def test_resolve_aliases(written: str, canonical: str) -> None:
    alias = load_reference().resolve(written)
    assert alias is not None and alias.name == canonical


def test_resolve_unknown_and_others() -> None:
    ref = load_reference()
    assert ref.resolve("Acme Foundation") is None
    assert ref.resolve("others") is None
    assert "others" in ref.unnamed_partners


def test_people_count_for_known_organisations() -> None:
    ref = load_reference()
    for person in ref.people.values():
        assert person.organisation in ref.organisations


def test_norm_key() -> None:
    assert norm_key("UN-Habitat") == norm_key("UN Habitat") == "un habitat"
    assert norm_key("  The  Asia-Pacific Refugee Rights Network ") == "asia pacific refugee rights network"
    assert norm_key("Zolberg Institute, New School") == "zolberg institute new school"


def test_glossary_expands_acronyms_and_working_groups() -> None:
    glossary = load_reference().glossary()
    assert glossary["IOM"].startswith("International Organization for Migration")
    assert glossary["WG2"] == "Working Group: Alternatives to detention"
    assert "GCM" in glossary


def test_an_unmodified_copy_loads_like_the_default(copy: tuple[Path, Path]) -> None:
    ref = load_reference(*copy)
    default = load_reference()
    assert ref is not default
    assert set(ref.aliases) == set(default.aliases)
    assert ref.source.year == default.source.year


def test_reference_data_drives_parsing(copy: tuple[Path, Path]) -> None:
    ref_dir, source = copy

    def add_acme(data: dict) -> None:
        data["organisations"].append({"name": "Acme Foundation", "acronym": "ACME", "kind": "civil_society"})

    edit(ref_dir / "organisations.yaml", add_acme)
    custom = load_reference(ref_dir, source)
    text = page(row("7 May", "T", "ACME, WHO")).encode()
    sch = load_schedule(text, reference=custom)
    assert sch.leads["name"].tolist() == ["Acme Foundation", "World Health Organization"]
    assert sch.leads["resolved"].all()
    assert load_schedule(text).leads["resolved"].tolist() == [False, True]


def _set(*keys: Any, value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in keys[:-1]:
            data = data[key]
        data[keys[-1]] = value
    return change


def _delete(*keys: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in keys[:-1]:
            data = data[key]
        del data[keys[-1]]
    return change


MALFORMED = {
    "missing top-level key": ("organisations.yaml", _delete("org_types"), "'org_types' is missing"),
    "missing nested key": ("organisations.yaml", _delete("organisations", 3, "kind"), "'organisations[3].kind'"),
    "list is a string": ("organisations.yaml", _set("organisations", value="IOM"), "'organisations' must be a list"),
    "unknown organisation type": ("organisations.yaml", _set("organisations", 0, "kind", value="martian"),
                                  "'organisations[0].kind'"),
    "alias reused": ("organisations.yaml", _set("organisations", 1, "aliases", value=["UNICEF"]),
                     "repeats the name 'UNICEF'"),
    "alias wrong type": ("organisations.yaml", _set("organisations", 1, "aliases", value=[3]),
                         "'organisations[1].aliases[0]'"),
    "person with unknown organisation": ("people.yaml", _set("people", 2, "organisation", value="Nowhere Inc"),
                                         "'people[2].organisation'"),
    "person name wrong type": ("people.yaml", _set("people", 0, "name", value=12), "'people[0].name' must be a str"),
    "people missing": ("people.yaml", _delete("people"), "'people' is missing"),
    "bad format regex": ("vocabularies.yaml", _set("formats", 0, "patterns", value=["listening (sessions"]),
                         "'formats[0].patterns'"),
    "bad audience regex": ("vocabularies.yaml", _set("audiences", 2, "patterns", value=["[Member"]),
                           "'audiences[2].patterns'"),
    "bad theme regex": ("vocabularies.yaml", _set("themes", 1, "topic", value=["*health"]), "'themes[1].topic'"),
    "patterns not a list": ("vocabularies.yaml", _set("themes", 0, "purpose", value="detention"),
                            "'themes[0].purpose'"),
    "theme with unknown GCM objective": ("vocabularies.yaml", _set("themes", 0, "gcm", value=[99]), "99"),
    "gcm not numbers": ("vocabularies.yaml", _set("themes", 0, "gcm", value=["thirteen"]), "'themes[0].gcm'"),
    "formats missing": ("vocabularies.yaml", _delete("formats"), "'formats' is missing"),
    "working group lead unknown": ("working_groups.yaml", _set("working_groups", "WG2", "leads", value=["Nobody"]),
                                   "'working_groups.WG2.leads'"),
    "working group theme unknown": ("working_groups.yaml", _set("working_groups", "WG2", "theme", value="nothing"),
                                    "'working_groups.WG2.theme'"),
    "working group title wrong type": ("working_groups.yaml", _set("working_groups", "WG3", "title", value=[1]),
                                       "'working_groups.WG3.title'"),
    "workplan missing": ("working_groups.yaml", _delete("workplan"), "'workplan' is missing"),
    "workplan years not years": ("working_groups.yaml", _set("workplan", "years", value=["2019"]),
                                 "'workplan.years'"),
    "person unit wrong type": ("people.yaml", _set("people", 6, "unit", value=[1]), "'people[6].unit'"),
    "source year missing": ("source.yaml", _delete("year"), "'year' is missing"),
    "source year wrong type": ("source.yaml", _set("year", value="twenty twenty"), "'year' must be a int"),
    "source as_of not a date": ("source.yaml", _set("as_of", value="June 2020"), "'as_of'"),
    "source chrome bad regex": ("source.yaml", _set("chrome", value=["(Newsletter"]), "'chrome'"),
    "source sections bad regex": ("source.yaml", _set("sections", "pipeline", value="^pipeline("),
                                  "'sections.pipeline'"),
}


@pytest.mark.parametrize(("file", "change", "key"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_reference_names_the_file_and_key(copy: tuple[Path, Path], file: str,
                                                   change: Callable[[Any], None], key: str) -> None:
    ref_dir, source = copy
    path = source if file == "source.yaml" else ref_dir / file
    edit(path, change)
    with pytest.raises(ReferenceDataError) as exc:
        load_reference(ref_dir, source)
    message = str(exc.value)
    assert str(path) in message, message
    assert key in message, message
    assert "\n" not in message


@pytest.mark.parametrize("file", [*FILES, "source.yaml"])
def test_invalid_yaml_names_the_file_and_line(copy: tuple[Path, Path], file: str) -> None:
    ref_dir, source = copy
    path = source if file == "source.yaml" else ref_dir / file
    path.write_text("key: [unclosed, list\nother: value\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not valid YAML") as exc:
        load_reference(ref_dir, source)
    assert str(path) in str(exc.value) and " line " in str(exc.value)


@pytest.mark.parametrize("file", FILES)
def test_missing_reference_file(copy: tuple[Path, Path], file: str) -> None:
    ref_dir, source = copy
    (ref_dir / file).unlink()
    with pytest.raises(ReferenceDataError, match="missing") as exc:
        load_reference(ref_dir, source)
    assert str(ref_dir / file) in str(exc.value)


def test_top_level_must_be_a_mapping(copy: tuple[Path, Path]) -> None:
    ref_dir, source = copy
    (ref_dir / "people.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="expected a mapping"):
        load_reference(ref_dir, source)


def test_non_utf8_reference_file(copy: tuple[Path, Path]) -> None:
    ref_dir, source = copy
    (ref_dir / "people.yaml").write_bytes("people: []\nrole: 'Caf\u00e9'\n".encode("latin-1"))
    with pytest.raises(ReferenceDataError, match="cannot be read") as exc:
        load_reference(ref_dir, source)
    assert "people.yaml" in str(exc.value)


def test_yaml_is_loaded_safely(copy: tuple[Path, Path]) -> None:
    ref_dir, source = copy
    (ref_dir / "people.yaml").write_text("people: !!python/object/apply:os.system ['echo hacked']\n",
                                         encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not valid YAML"):
        load_reference(ref_dir, source)


def test_reference_data_error_is_a_value_error() -> None:
    assert issubclass(ReferenceDataError, ValueError)


def test_working_groups_apply_to_the_years_of_their_workplan() -> None:
    ref = load_reference()
    assert ref.workplan == "2019–2020" and ref.workplan_years == {2019, 2020}
    assert ref.working_group("WG2", 2020) is ref.working_groups["WG2"]
    assert ref.working_group("WG2", 2021) is None  # the 2021–22 workplan renumbered them
    assert ref.working_group("WG1", 2020) is None and ref.working_group(None, 2020) is None


def test_special_rapporteur_counts_for_ohchr_special_procedures() -> None:
    alias = load_reference().resolve("E. Tendayi Achiume")
    assert alias is not None
    assert (alias.kind, alias.organisation, alias.unit) == (
        "person", "Office of the UN High Commissioner for Human Rights", "Special Procedures")
