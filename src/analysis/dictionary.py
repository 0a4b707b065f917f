"""The data dictionary: what every column of the tidy tables means (for exports and the Data page).

Counting rules, in short: a record is one row of the page; ``event_count`` counts the meetings it stands
for (a publication or a bare placeholder counts none, "Listening Sessions" without a number counts one and
is flagged), so events add up to meetings held; leads count once per record and organisation.
"""

from __future__ import annotations

import pandas as pd

COLUMNS: dict[str, dict[str, str]] = {
    "sessions": {
        "session_id": "Stable identifier of the record (same text gives the same id on every run).",
        "label": ("Unique readable name: date ('7 May'; 'TBD' when undated; the text and '?' when unreadable) · "
                  "topic. Without a topic, the leads and the format or publication ('TBD · CERAH + IHEID: "
                  "published commentary'); a bare placeholder says so with its line. A label that would repeat "
                  "gets the leads, then the line number."),
        "section": "'schedule' for the dated/TBD table, 'pipeline' for 'Pipeline (full details tbc)' items.",
        "section_title": "The section line as written on the page (empty for the main table).",
        "source_line": "Line number of the record's first line in the source file.",
        "source_lines": "All source lines the record spans, e.g. '5–6' when a row spilled onto the next line.",
        "date": "Date of the (first) event; empty when undated.",
        "date_end": "Last day of a date range ('22-23 March'); empty otherwise.",
        "date_raw": "The date cell exactly as written.",
        "date_status": ("'dated'; 'tbd' (TBD, TBC or blank: still to be scheduled); or 'unreadable' (text the "
                        "reader cannot read as a date, an impossible date, or a year outside 1900–2100: a "
                        "problem says which; the session may well be scheduled)."),
        "year_inferred": ("True when the date was written without a year and the file's default year was used "
                          "(the meta's year and year_origin say which year and where it came from)."),
        "topic": "Topic as written; 'TBD' when the page says so.",
        "working_group": ("Working group code (WG2 …) from a 'WGn:' prefix in the co-leads cell, as written. "
                          "Its theme is inferred only for a file of a year of the reference's workplan "
                          "(2019–2020); otherwise, or for a WG not in the reference, a problem says so."),
        "leads_raw": "The co-leads cell as written.",
        "n_leads": "Number of named leads (organisations and people).",
        "unnamed_partners": "True when the co-leads cell says 'others' (partners not named).",
        "format": "Canonical format (listening session, webinar, Migration Coffee, …); 'TBD' when undecided.",
        "format_raw": "The format words as written.",
        "event_count": ("Number of events (meetings held): 'Listening Sessions (2)', '2 sessions' or 'two "
                        "sessions' give 2; a plural with no number ('Listening Sessions') counts 1 and is flagged "
                        "in problems (the page does not say how many); a publication or published commentary "
                        "counts 0, as does a bare placeholder row; any other record 1 (also a format TBD)."),
        "audience_raw": "The audience words as written; 'TBD' when undecided.",
        "audiences": "Canonical audience categories found in the audience words.",
        "purpose": "Purpose text; 'TBD' when undecided.",
        "languages": "Languages named in the format ('in Spanish and English').",
        "interpretation": "True when simultaneous interpretation is mentioned.",
        "platform": "Meeting platform named in the format (Zoom …).",
        "publication": "Title of a publication item (pipeline).",
        "documents": "Document link texts kept by the page capture (e.g. 'Full Webinar').",
        "themes": "Themes from the taxonomy in data/reference/vocabularies.yaml.",
        "gcm_objectives": "Global Compact for Migration objectives the themes map to.",
        "placeholder": "True for a row with no details at all (the bare 'TBD |' pipeline row).",
        "match_key": ("Key for finding the same record in another version of the page: normalised topic (the "
                      "publication title when the topic is TBD), the canonical names of the leads (sorted) and "
                      "the working group, joined by '|'. No date, so a rescheduled record keeps it; several "
                      "records can share one (three WG2 'Alternatives to detention' records on the 2020 page), "
                      "so break ties by date and format."),
        "document_links": ("The Documents cell's links as (link text, address) pairs, when the capture kept them "
                           "(a saved HTML page); empty otherwise."),
    },
    "leads": {
        "session_id": "Record the lead belongs to.",
        "name": "Canonical name (organisation or person).",
        "raw": "The name as written in the co-leads cell, with any title, role phrase and honorific.",
        "kind": ("'organisation', 'person' or 'unknown': a name not in the reference data is an organisation "
                 "only when its words say so (Bank, Network, Institute …), a person only when written with an "
                 "honorific or after a role label, otherwise 'unknown' (never silently a person)."),
        "org_type": "Type of the organisation counted (UN system, civil society, research and academic, …).",
        "affiliation": "For a person: the organisation they lead for.",
        "organisation": "Organisation the lead counts for (itself, or a person's affiliation).",
        "acronym": "Acronym or short name of that organisation.",
        "unit": ("Unit within the organisation ('IOM ODG' → Office of the Director General; a Special "
                 "Rapporteur → Special Procedures)."),
        "role": ("Role label or title written before the name ('Lead Discussant', 'IOM Director General and "
                 "Coordinator of the Network')."),
        "resolved": "True when the name is in the reference data; unknown names are kept as written.",
        "inferred": "True when the name's mapping is a reasoned default, not a published fact.",
        "source_line": "Source line of the record.",
    },
    "audiences": {
        "session_id": "Record the audience belongs to.",
        "audience": "Canonical audience category.",
        "raw": "The words that matched.",
        "source_line": "Source line of the record.",
    },
    "problems": {
        "line_no": "Source line the problem is on.",
        "field": "Field or part of the page concerned.",
        "severity": "'warning' (something could not be read as written) or 'info'.",
        "message": "What was found.",
        "session_id": "Record concerned, where there is one.",
    },
    "lines": {
        "line_no": "Line number in the source file (1-based).",
        "role": "preamble, header, separator, section, record, continuation, chrome, blank or rejected.",
        "session_id": "Record the line belongs to, where it belongs to one.",
        "text": "The line as written.",
    },
}


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return one row per (table, column) of ``tables`` with its description.

    Raises:
        KeyError: a column has no description, so a new column cannot ship undocumented.
    """
    rows = []
    for table, frame in tables.items():
        docs = COLUMNS[table]
        for col in frame.columns:
            if col not in docs:
                raise KeyError(f"column {table}.{col} has no description in analysis.dictionary")
            rows.append({"table": table, "column": col, "type": str(frame[col].dtype), "description": docs[col]})
    return pd.DataFrame(rows, columns=["table", "column", "type", "description"])
