"""Reference knowledge: organisations, people, working groups, vocabularies and source metadata.

Everything comes from YAML under ``data/`` and is loaded by :func:`load_reference` into one validated,
immutable :class:`Reference`. A malformed file raises :class:`ReferenceDataError` naming the file and key.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import ReferenceDataError
from .paths import REFERENCE_DIR, SOURCE_META

_PUNCT = re.compile(r"[\s\-‐‑‒–—_.,;:'’‘\"“”()]+")


def norm_key(text: str) -> str:
    """Return the lookup key of a name: case-folded, accents kept, hyphens and punctuation as spaces.

    Examples:
        >>> norm_key("UN-Habitat") == norm_key("UN Habitat")
        True
        >>> norm_key("  The  Asia-Pacific Refugee Rights Network ")
        'asia pacific refugee rights network'
    """
    key = _PUNCT.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()
    if key.startswith("the "):
        key = key[4:]
    return key


@dataclass(frozen=True)
class Organisation:
    """A canonical organisation."""

    name: str
    acronym: str
    kind: str
    kind_label: str


@dataclass(frozen=True)
class Alias:
    """What a written name resolves to: an organisation (optionally a unit of it) or a person."""

    name: str
    kind: str  # "organisation" | "person"
    organisation: str
    unit: str | None = None
    inferred: bool = False


@dataclass(frozen=True)
class Person:
    """A person named as a lead, with the organisation they count for."""

    name: str
    role: str
    organisation: str


@dataclass(frozen=True)
class WorkingGroup:
    """A working group of the Network (2019–2020 workplan)."""

    code: str
    title: str
    short: str
    leads: tuple[str, ...]
    theme: str | None


@dataclass(frozen=True)
class Category:
    """A vocabulary entry: a canonical name and the compiled patterns that recognise it."""

    name: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Theme:
    """A theme with its topic and purpose patterns and the GCM objectives it maps to."""

    name: str
    topic: tuple[re.Pattern[str], ...]
    purpose: tuple[re.Pattern[str], ...]
    gcm: tuple[int, ...]
    principle: str | None = None


@dataclass(frozen=True)
class SourceInfo:
    """Metadata of the bundled source page."""

    file: Path
    title: str
    publisher: str
    year: int
    as_of: dt.date
    as_of_inferred: bool
    columns: tuple[str, ...]
    chrome: tuple[re.Pattern[str], ...]
    sections: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True, eq=False)
class Reference:
    """All reference knowledge, validated. Build it with :func:`load_reference`.

    Compared and hashed by identity, so parsers can memoise per reference.
    """

    org_types: Mapping[str, str]
    organisations: Mapping[str, Organisation]
    people: Mapping[str, Person]
    aliases: Mapping[str, Alias]
    unnamed_partners: frozenset[str]
    role_labels: tuple[str, ...]
    working_groups: Mapping[str, WorkingGroup]
    formats: tuple[Category, ...]
    audiences: tuple[Category, ...]
    themes: tuple[Theme, ...]
    gcm_objectives: Mapping[int, str]
    platforms: tuple[str, ...]
    languages: tuple[str, ...]
    source: SourceInfo
    files: tuple[Path, ...] = field(default=())
    workplan: str = ""
    """The workplan the working groups belong to, as written ("2019–2020")."""
    workplan_years: frozenset[int] = frozenset()
    """Years the working-group numbers and themes apply to; for other years a WG number is only kept."""

    def working_group(self, code: str | None, year: int) -> WorkingGroup | None:
        """The working group ``code`` of the workplan that covers ``year``; None when the reference has none."""
        if code is None or year not in self.workplan_years:
            return None
        return self.working_groups.get(code)

    def resolve(self, written: str) -> Alias | None:
        """Return what a written organisation or person name refers to, or None when unknown."""
        return self.aliases.get(norm_key(written))

    def acronyms(self) -> dict[str, str]:
        """Canonical organisation name → its acronym or short name."""
        return {o.name: o.acronym for o in self.organisations.values()}

    def glossary(self) -> dict[str, str]:
        """Map every acronym, alias and person's name to its expansion (for hovers and the glossary)."""
        out: dict[str, str] = {}
        for org in self.organisations.values():
            if org.acronym and org.acronym != org.name:
                out[org.acronym] = f"{org.name} ({org.kind_label})"
            else:
                out[org.name] = org.kind_label
        for person in self.people.values():
            out[person.name] = person.role
        for wg in self.working_groups.values():
            out[wg.code] = f"Working Group: {wg.short}"
        out["GCM"] = "Global Compact for Safe, Orderly and Regular Migration (2018)"
        return out


def _read_yaml(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReferenceDataError(f"{path}: reference file is missing.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{path}: cannot be read ({exc}).") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ReferenceDataError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)}).") from None
    if not isinstance(data, Mapping):
        raise ReferenceDataError(f"{path}: expected a mapping at the top level.")
    return data


def _need(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], path: Path, where: str = "") -> Any:
    label = f"{where}.{key}" if where else key
    if key not in data:
        raise ReferenceDataError(f"{path}: key '{label}' is missing.")
    value = data[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ReferenceDataError(f"{path}: key '{label}' must be a {names}, not {type(value).__name__}.")
    return value


def _compile(patterns: Any, path: Path, where: str) -> tuple[re.Pattern[str], ...]:
    if patterns is None:
        return ()
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ReferenceDataError(f"{path}: key '{where}' must be a list of strings.")
    out = []
    for pattern in patterns:
        try:
            out.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise ReferenceDataError(f"{path}: key '{where}' has a bad pattern {pattern!r} ({exc}).") from None
    return tuple(out)


def _categories(items: Any, path: Path, key: str) -> tuple[Category, ...]:
    if not isinstance(items, list):
        raise ReferenceDataError(f"{path}: key '{key}' must be a list.")
    out = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            raise ReferenceDataError(f"{path}: key '{where}' must be a mapping.")
        name = _need(item, "name", str, path, where)
        out.append(Category(name, _compile(_need(item, "patterns", list, path, where), path, f"{where}.patterns")))
    return tuple(out)


def _source_info(path: Path) -> SourceInfo:
    data = _read_yaml(path)
    as_of = _need(data, "as_of", (dt.date, str), path)
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise ReferenceDataError(f"{path}: key 'as_of' must be a date (YYYY-MM-DD).") from None
    sections = _need(data, "sections", dict, path)
    return SourceInfo(
        file=(path.parent / _need(data, "file", str, path)).resolve(),
        title=_need(data, "title", str, path),
        publisher=_need(data, "publisher", str, path),
        year=_need(data, "year", int, path),
        as_of=as_of,
        as_of_inferred=bool(data.get("as_of_inferred", False)),
        columns=tuple(_need(data, "columns", list, path)),
        chrome=_compile(_need(data, "chrome", list, path), path, "chrome"),
        sections=tuple(
            (name, _compile([pattern], path, f"sections.{name}")[0]) for name, pattern in sections.items()
        ),
    )


def _organisations(path: Path) -> tuple[dict[str, str], dict[str, Organisation], dict[str, Alias], frozenset[str]]:
    data = _read_yaml(path)
    org_types = _need(data, "org_types", dict, path)
    orgs: dict[str, Organisation] = {}
    aliases: dict[str, Alias] = {}

    def add_alias(written: str, alias: Alias, where: str) -> None:
        key = norm_key(written)
        if key in aliases and aliases[key].name != alias.name:
            raise ReferenceDataError(
                f"{path}: key '{where}' repeats the name {written!r}, already used for {aliases[key].name!r}."
            )
        aliases[key] = alias

    for i, item in enumerate(_need(data, "organisations", list, path)):
        where = f"organisations[{i}]"
        if not isinstance(item, Mapping):
            raise ReferenceDataError(f"{path}: key '{where}' must be a mapping.")
        name = _need(item, "name", str, path, where)
        kind = _need(item, "kind", str, path, where)
        if kind not in org_types:
            raise ReferenceDataError(f"{path}: key '{where}.kind' is {kind!r}, not one of {sorted(org_types)}.")
        acronym = str(item.get("acronym") or name)
        orgs[name] = Organisation(name, acronym, kind, org_types[kind])
        plain = Alias(name, "organisation", name)
        add_alias(name, plain, f"{where}.name")
        add_alias(acronym, plain, f"{where}.acronym")
        for j, extra in enumerate(item.get("aliases") or []):
            if isinstance(extra, Mapping):
                written = _need(extra, "alias", str, path, f"{where}.aliases[{j}]")
                add_alias(written, Alias(name, "organisation", name, inferred=bool(extra.get("inferred"))),
                          f"{where}.aliases[{j}]")
            elif isinstance(extra, str):
                add_alias(extra, plain, f"{where}.aliases[{j}]")
            else:
                raise ReferenceDataError(f"{path}: key '{where}.aliases[{j}]' must be a string or mapping.")
        for j, unit in enumerate(item.get("units") or []):
            uw = f"{where}.units[{j}]"
            if not isinstance(unit, Mapping):
                raise ReferenceDataError(f"{path}: key '{uw}' must be a mapping.")
            add_alias(
                _need(unit, "alias", str, path, uw),
                Alias(name, "organisation", name, unit=_need(unit, "unit", str, path, uw),
                      inferred=bool(unit.get("inferred"))),
                uw,
            )
    unnamed = frozenset(norm_key(w) for w in data.get("unnamed_partners") or [])
    return dict(org_types), orgs, aliases, unnamed


@lru_cache(maxsize=8)
def load_reference(reference_dir: Path | None = None, source_meta: Path | None = None) -> Reference:
    """Load and validate every reference YAML file into one :class:`Reference`.

    Args:
        reference_dir: folder holding organisations.yaml, people.yaml, working_groups.yaml and
            vocabularies.yaml; defaults to ``data/reference``.
        source_meta: the source metadata file; defaults to ``data/source.yaml``.

    Raises:
        ReferenceDataError: a file is missing or malformed; the message names the file and key.
    """
    ref_dir = Path(reference_dir) if reference_dir is not None else REFERENCE_DIR
    meta = Path(source_meta) if source_meta is not None else SOURCE_META
    org_path = ref_dir / "organisations.yaml"
    people_path = ref_dir / "people.yaml"
    wg_path = ref_dir / "working_groups.yaml"
    vocab_path = ref_dir / "vocabularies.yaml"

    org_types, orgs, aliases, unnamed = _organisations(org_path)

    people_data = _read_yaml(people_path)
    people: dict[str, Person] = {}
    for i, item in enumerate(_need(people_data, "people", list, people_path)):
        where = f"people[{i}]"
        if not isinstance(item, Mapping):
            raise ReferenceDataError(f"{people_path}: key '{where}' must be a mapping.")
        name = _need(item, "name", str, people_path, where)
        org = _need(item, "organisation", str, people_path, where)
        if org not in orgs:
            raise ReferenceDataError(
                f"{people_path}: key '{where}.organisation' names {org!r}, which is not in {org_path.name}."
            )
        people[name] = Person(name, str(item.get("role", "")), org)
        unit = item.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise ReferenceDataError(f"{people_path}: key '{where}.unit' must be a string.")
        for written in [name, *(item.get("aliases") or [])]:
            key = norm_key(str(written))
            if key in aliases and aliases[key].name != name:
                raise ReferenceDataError(f"{people_path}: key '{where}' reuses the name {written!r}.")
            aliases[key] = Alias(name, "person", org, unit=unit)
    role_labels = tuple(str(x) for x in people_data.get("role_labels") or [])

    wg_data = _read_yaml(wg_path)
    workplan = _need(wg_data, "workplan", Mapping, wg_path)
    workplan_years = _need(workplan, "years", list, wg_path, "workplan")
    if not workplan_years or not all(isinstance(y, int) and not isinstance(y, bool) for y in workplan_years):
        raise ReferenceDataError(f"{wg_path}: key 'workplan.years' must be a list of years.")
    wgs: dict[str, WorkingGroup] = {}
    for code, item in _need(wg_data, "working_groups", dict, wg_path).items():
        where = f"working_groups.{code}"
        if not isinstance(item, Mapping):
            raise ReferenceDataError(f"{wg_path}: key '{where}' must be a mapping.")
        title = " ".join(_need(item, "title", str, wg_path, where).split())
        leads = tuple(_need(item, "leads", list, wg_path, where))
        for lead in leads:
            if lead not in orgs:
                raise ReferenceDataError(f"{wg_path}: key '{where}.leads' names {lead!r}, not in {org_path.name}.")
        wgs[str(code)] = WorkingGroup(str(code), title, str(item.get("short") or title), leads, item.get("theme"))

    vocab = _read_yaml(vocab_path)
    themes = []
    for i, item in enumerate(_need(vocab, "themes", list, vocab_path)):
        where = f"themes[{i}]"
        if not isinstance(item, Mapping):
            raise ReferenceDataError(f"{vocab_path}: key '{where}' must be a mapping.")
        gcm = item.get("gcm") or []
        if not all(isinstance(g, int) for g in gcm):
            raise ReferenceDataError(f"{vocab_path}: key '{where}.gcm' must be a list of objective numbers.")
        themes.append(Theme(
            _need(item, "name", str, vocab_path, where),
            _compile(item.get("topic"), vocab_path, f"{where}.topic"),
            _compile(item.get("purpose"), vocab_path, f"{where}.purpose"),
            tuple(gcm),
            item.get("principle"),
        ))
    gcm_objectives = {int(k): str(v) for k, v in _need(vocab, "gcm_objectives", dict, vocab_path).items()}
    theme_names = {t.name for t in themes}
    for t in themes:
        for g in t.gcm:
            if g not in gcm_objectives:
                raise ReferenceDataError(f"{vocab_path}: theme {t.name!r} maps to unknown GCM objective {g}.")
    for wg in wgs.values():
        if wg.theme is not None and wg.theme not in theme_names:
            raise ReferenceDataError(
                f"{wg_path}: key 'working_groups.{wg.code}.theme' names unknown theme {wg.theme!r}."
            )

    return Reference(
        org_types=org_types,
        organisations=orgs,
        people=people,
        aliases=aliases,
        unnamed_partners=unnamed,
        role_labels=role_labels,
        working_groups=wgs,
        formats=_categories(_need(vocab, "formats", list, vocab_path), vocab_path, "formats"),
        audiences=_categories(_need(vocab, "audiences", list, vocab_path), vocab_path, "audiences"),
        themes=tuple(themes),
        gcm_objectives=gcm_objectives,
        platforms=tuple(_need(vocab, "platforms", list, vocab_path)),
        languages=tuple(_need(vocab, "languages", list, vocab_path)),
        source=_source_info(meta),
        files=(org_path, people_path, wg_path, vocab_path, meta),
        workplan=str(workplan.get("name") or f"{min(workplan_years)}–{max(workplan_years)}"),
        workplan_years=frozenset(workplan_years),
    )
