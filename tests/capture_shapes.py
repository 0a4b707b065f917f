"""The bundled page's table in every input shape a capture comes in (not a test module itself).

Built from the facts of the page (its rows as published, see REFERENCE.md: five columns, a preamble
sentence, a "Pipeline (full details tbc)" section with shifted columns, three lines of page chrome, a "Full
Webinar" recording linked for 18 June), never from parser output. Each builder returns bytes:

- :func:`markdown` — a Markdown table with leading and trailing pipes;
- :func:`saved_html` — a page as a browser saves it: a ``<title>`` holding ``|``, navigation links with
  ``|`` between them, the preamble paragraph, the table (Format cells broken with ``<br>``, the section
  row one ``colspan`` cell), the chrome after it;
- :func:`tab_pasted` — the table copied from a browser and pasted as text: the 7 May format cell spills
  over three lines, the 28 May one is a quoted multi-line cell;
- :func:`csv_export` — CSV as a spreadsheet writes it, every Format cell on three lines (quoted).
"""

from __future__ import annotations

import csv
import html
import io

from schedule_pages import CHROME, PREAMBLE

TITLE = "Online Series: Mobility in the Time of COVID-19"
SITE = "United Nations Network on Migration"
COLUMNS = ("Date", "Topic", "Working Group (WG) and Co-leads", "Format, Audience and Purpose", "Documents")
SECTION = "Pipeline (full details tbc)"
WEBINAR_URL = "https://www.youtube.com/watch?v=18june2020"

# (date, topic, co-leads, (Format…, Audience…, Purpose…), documents) for the 13 sessions, as published.
SESSIONS: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("7 May", "Safe and Inclusive Access to Services", "WG6: WHO, UN Habitat", (
        "Format: Listening Sessions (2)",
        "Audience: Country and regional level stakeholders/civil society and UN Networks",
        "Purpose: Draw inputs from stakeholders towards drafting a policy brief. Possible focus areas include "
        "access to health services and social protection measures for migrants in COVID-19 policy responses, "
        "highlighting vulnerable groups (e.g. undocumented migrants, women, children, migrants with a disability) "
        "and best practices by States, cities and stakeholders providing access to services for migrant "
        "populations without discrimination."), ""),
    ("20 May", "Alternatives to detention", "WG2: IDC, UNICEF, UNHCR", (
        "Format: Listening Sessions (2)", "Audience: Civil society and UN Networks",
        "Purpose: Listening session with civil society, to draw out specific country examples in relation to "
        "inform the WG policy brief COVID-19: Recommendations and Good Practices –and to open a space to share "
        "country-level and regional concerns and positive practices."), ""),
    ("28 May", "Future of Human Mobility", "IOM ODG", (
        "Format: Webinar", "Audience: UN system, Member States, stakeholders",
        "Purpose: To dialogue on longer term implications on mobility, on combatting xenophobia and drawing "
        "lessons and practices from Member States."), ""),
    ("4th June", "Alternatives to Detention", "WG2: IDC, UNICEF, UNHCR", (
        "Format: ‘Migration Coffee’ informal Zoom gathering", "Audience: Member States, Network",
        "Purpose: To gain insight into the activities of this thematic Working Group with a particular focus on "
        "the recent Policy Brief \"COVID-19 & Immigration Detention: What Can Governments and Other Stakeholders "
        "Do?\""), ""),
    ("9th June", "Regular pathways", "WG3: OHCHR, Act Alliance, Asia-Pacific Refugee Rights Network", (
        "Format: Listening Sessions (2)",
        "Audience: Country and regional level stakeholders/civil society and UN Networks",
        "Purpose: Draw inputs from stakeholders towards drafting a policy brief. Possible topics include: a) "
        "admission and stay policies in the context of COVID-19 migration responses, highlighting examples of "
        "best practice; b) heightened risks of discriminatory practices across migration pathways for migrants "
        "in vulnerable situations in the context of COVID-19, highlighting mitigation measures"), ""),
    ("11th June", "Gender-specific Implications of the COVID-19 Pandemic on Migrants",
     "Women in Migration Network, UN Women", ("Format: Listening Sessions (2)", "Audience: TBD", "Purpose: TBD"),
     ""),
    ("17th June", "COVID-19 and People on the Move",
     "António Vitorino, Liu Zhenmin, Gillian Triggs, Charlotte Petri Gornitzka, Asako Okai, Moussa Oumarou, "
     "Lead Discussant:", (
        "Format: Webinar", "Audience: Member States, UN Agencies, Civil Society",
        "Purpose: Discussion of the SGs latest report"), ""),
    ("18th June", "Gender-perspectives on COVID-19 impacts and practices", "UN Women, Women in Migration Network", (
        "Format: Webinar", "Audience: Member States",
        "Purpose: Dialogue with Member States and stakeholders on country-level good practices and "
        "recommendations for migrant women in relation to UN Women policy briefs ‘Addressing the Impacts of the "
        "COVID-19 Pandemic on Women Migrant Workers’ and ‘The Impact of COVID-19 on Women’"), "Full Webinar"),
    ("2nd July", "Addressing the vulnerabilities of migrant workers in agriculture during and after the COVID-19 "
     "pandemic", "FAO", (
        "Format: Listening Sessions",
        "Audience: Country and regional level stakeholders/civil society and UN Networks",
        "Purpose: Listening Sessions with civil society and other stakeholders to look at the measures that are "
        "being taken and the lesson learned to improve conditions for migrants working in agri-food systems "
        "during and beyond the COVID-19 pandemic and give voice to the most vulnerable and high risk "
        "sub-groups."), ""),
    ("July 9th", "COVID-19 and human trafficking", "UNODC, ICAT", (
        "Format: Listening Sessions (2)",
        "Audience: Country and regional level stakeholders/civil society and UN Networks",
        "Purpose: Listening Sessions with civil society and other stakeholders to focus on the impact of "
        "COVID-19 on the crime of trafficking in persons, providing a space to civil society organizations, "
        "frontline responders and specialists to hare updates on trends, challenges, lessons learned and "
        "examples of ongoing collaboration among first responders and stakeholders in all regions."), ""),
    ("TBD", "Alternatives to Detention", "WG2: IDC, UNICEF, UNHCR", (
        "Format: Webinar", "Audience: Member States, stakeholders, Network",
        "Purpose: Webinar with Member States to get direct (or indirect through the Geneva missions) feedback on "
        "the WG policy brief providing practical guidance to Member States on protecting migrants in the context "
        "of immigration detention and COVID-19 and to showcase and open a space for government implementers to "
        "elaborate on country examples from the policy brief."), ""),
    ("TBD", "Migrant Children and Youth: Impacts and Practices",
     "UNICEF, Major Group on Children and Youth, Child Rights Initiative", ("Format: TBD",), ""),
    ("TBD", "Latin America: Regional impacts and practices", "Bloque Latinoamericao", (
        "Format: Listening Session in Spanish and English, with simultaneous interpretation",
        "Audience: Latin American civil society, stakeholders and UN regional and country Networks",
        "Purpose: Provide greater language accessibility to local CSOs and networks and draw regional dimensions "
        "of COVID-19 implications on human mobility"), ""),
)
# Pipeline rows: fewer, shifted cells (topic or TBD | lead organisations | format or publication).
PIPELINE: tuple[tuple[str, ...], ...] = (
    ("Civil Society Mapping Reports", "Mixed Migration Center, others", "Webinar"),
    ("TBD", "CERAH, Geneva Graduate Institute", "Published commentary on COVID-19 and the GCM"),
    ("TBD", "Zolberg Institute, New School"),
    ("TBD",),
)
RECORDS = len(SESSIONS) + len(PIPELINE)


def _five(cells: tuple[str, ...]) -> list[str]:
    return [*cells, *[""] * (5 - len(cells))]


def _session_cells(session: tuple[str, str, str, tuple[str, ...], str], sep: str = " ") -> list[str]:
    date, topic, leads, fmt, docs = session
    return [date, topic, leads, sep.join(fmt), docs]


def markdown() -> bytes:
    """A Markdown table with leading and trailing pipes and an aligned separator."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    out = [PREAMBLE, "", line(list(COLUMNS)), "|:---|---|---|---|---|"]
    out += [line(_session_cells(s)) for s in SESSIONS]
    out.append(line(_five((SECTION,))))
    out += [line(_five(p)) for p in PIPELINE]
    out += ["", *CHROME]
    return ("\n".join(out) + "\n").encode("utf-8")


def saved_html(*, links: dict[str, tuple[tuple[str, str], ...]] | None = None) -> bytes:
    """The page as a browser saves it. ``links``: date → (text, href) links of its Documents cell
    (default: the "Full Webinar" recording of 18 June)."""
    links = {"18th June": (("Full Webinar", WEBINAR_URL),)} if links is None else links
    esc = html.escape

    def cell(text: str, tag: str = "td") -> str:
        return f"<{tag}>{esc(text)}</{tag}>"

    body = []
    for session in SESSIONS:
        date, topic, leads, fmt, _docs = session
        anchors = " ".join(f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in links.get(date, ()))
        fmt_html = "<br>\n".join(esc(part) for part in fmt)
        body.append(f"<tr>{cell(date)}{cell(topic)}{cell(leads)}<td>{fmt_html}</td><td>{anchors}</td></tr>")
    body.append(f'<tr><td colspan="5"><strong>{esc(SECTION)}</strong></td></tr>')
    body += ["<tr>" + "".join(cell(c) for c in _five(p)) + "</tr>" for p in PIPELINE]
    head = "<tr>" + "".join(cell(c, "th") for c in COLUMNS) + "</tr>"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(TITLE)} | {esc(SITE)}</title>
<script>var nav = "Home | About | Date | Topic | x";</script>
</head><body>
<header><nav><a href="/">Home</a> | <a href="/about">About | Members</a> | <a href="/news">Date | Topic | News</a></nav>
<p>Skip to main content | Menu</p></header>
<main><h1>{esc(TITLE)}</h1>
<p>{esc(PREAMBLE)}</p>
<table class="schedule"><thead>{head}</thead>
<tbody>
{chr(10).join(body)}
</tbody></table>
<p>{esc(CHROME[0])}</p></main>
<footer><p>{esc(CHROME[1])}</p><p>{esc(CHROME[2])}</p></footer>
</body></html>
"""
    return page.encode("utf-8")


def tab_pasted() -> bytes:
    """The table pasted as text: tab-separated cells, a trailing tab for the empty Documents cell.

    The 7 May format cell's line breaks spill the row over three lines (no quotes, as a browser copies
    it); the 28 May format cell is a quoted cell holding line breaks (as a spreadsheet copies it).
    """
    out = [PREAMBLE, "\t".join(COLUMNS)]
    for session in SESSIONS:
        date, topic, leads, fmt, docs = session
        if date == "7 May":
            out.append("\t".join([date, topic, leads, fmt[0]]))
            out.append(fmt[1])
            out.append(f"{fmt[2]}\t{docs}")
        elif date == "28 May":
            quoted = '"' + "\n".join(fmt).replace('"', '""') + '"'
            out.append("\t".join([date, topic, leads, quoted, docs]))
        else:
            out.append("\t".join(_session_cells(session)))
    out.append("\t".join(_five((SECTION,))))
    out += ["\t".join(_five(p)) for p in PIPELINE]
    out += list(CHROME)
    return ("\n".join(out) + "\n").encode("utf-8")


def csv_export(delimiter: str = ",") -> bytes:
    """CSV as a spreadsheet exports it: a header row, every Format cell on several lines (quoted), CRLF."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_session_cells(s, sep="\n") for s in SESSIONS)
    writer.writerow(_five((SECTION,)))
    writer.writerows(_five(p) for p in PIPELINE)
    return buf.getvalue().encode("utf-8")


SHAPES = {
    "markdown": markdown,
    "html": saved_html,
    "tsv": tab_pasted,
    "csv": csv_export,
    "csv-semicolon": lambda: csv_export(";"),
}
"""Shape name → builder; the key before any "-" is the ``source_kind`` the reader must report."""
