"""An older capture of the schedule page, built from the facts in the reference notes ("Page versions").

Not parser output: each row below is written from what the older page said. The older page (then titled
"COVID-19 Online Series") had the same header and columns as the bundled one, and differed in these rows:

- 7 May, "Safe and Inclusive Access to Services", WG6 (WHO, UN Habitat): one "Listening Session" (newer: two);
  same audience and purpose; no document yet.
- The detention listening session, WG2 (IDC, UNICEF, UNHCR): dated 19 May (newer: 20 May); one "Listening
  Session"; audience civil society and UN networks; the same purpose; no document yet.
- 28 May: the longer topic, the two titled people as leads (newer: "IOM ODG"), a webinar for the same
  audience, and a purpose written as two alternatives. The reference elides the alternatives' wording
  ("If a listening session, … If a webinar, …"); the wording below fills the gaps, only the two-alternative
  shape is a fact.

The stored older capture ends after the 28 May row, so it is a *partial* capture: it cannot say whether the
later rows existed then.
"""

from __future__ import annotations

import datetime as dt

OLDER_TITLE = "COVID-19 Online Series"
OLDER_AS_OF = dt.date(2020, 5, 15)
"""As-of date given to the older capture in tests (any date before 19 May, when the detention session was due)."""

PREAMBLE = ("All sessions are hosted by the UN Network in collaboration with Network members, Member States "
            "and/or stakeholders")
HEADER = "Date | Topic | Working Group (WG) and Co-leads | Format, Audience and Purpose | Documents |"
SEPARATOR = "---|---|---|---|---|"

SERVICES_PURPOSE = (
    "Draw inputs from stakeholders towards drafting a policy brief. Possible focus areas include access to health "
    "services and social protection measures for migrants in COVID-19 policy responses, highlighting vulnerable "
    "groups (e.g. undocumented migrants, women, children, migrants with a disability) and best practices by "
    "States, cities and stakeholders providing access to services for migrant populations without discrimination."
)
DETENTION_PURPOSE = (
    "Listening session with civil society, to draw out specific country examples in relation to inform the WG "
    "policy brief COVID-19: Recommendations and Good Practices –and to open a space to share country-level and "
    "regional concerns and positive practices."
)
OLDER_28_MAY_TOPIC = "Future of Human Mobility or Xenophobia and Inclusion of Migrants in COVID Response"
VITORINO = "IOM Director General and Coordinator of the Network António Vitorino"
ACHIUME = ("Special Rapporteur on contemporary forms of racism, racial discrimination, xenophobia, and related "
           "intolerance Ms. E. Tendayi Achiume")
OLDER_28_MAY_PURPOSE = (
    "If a listening session, to hear from stakeholders how xenophobia affects the inclusion of migrants in "
    "COVID-19 responses. If a webinar, to dialogue on longer term implications on mobility, on combatting "
    "xenophobia and drawing lessons and practices from Member States."
)

ROWS = (
    ("7 May", "Safe and Inclusive Access to Services", "WG6: WHO, UN Habitat",
     "Format: Listening Session Audience: Country and regional level stakeholders/civil society and UN Networks "
     f"Purpose: {SERVICES_PURPOSE}", ""),
    ("19 May", "Alternatives to detention", "WG2: IDC, UNICEF, UNHCR",
     f"Format: Listening Session Audience: Civil society and UN Networks Purpose: {DETENTION_PURPOSE}", ""),
    ("28 May", OLDER_28_MAY_TOPIC, f"{VITORINO}, {ACHIUME}",
     f"Format: Webinar Audience: UN system, Member States, stakeholders Purpose: {OLDER_28_MAY_PURPOSE}", ""),
)


def older_page_text() -> str:
    """The older capture as a pipe scrape: preamble, header, separator, three rows, and nothing after."""
    rows = [" | ".join(cells) + " |" for cells in ROWS]
    return "\n".join([PREAMBLE, HEADER, SEPARATOR, *rows]) + "\n"


def older_page_bytes() -> bytes:
    """:func:`older_page_text` as UTF-8 bytes, ready for ``load_schedule`` or ``CaptureStore.add``."""
    return older_page_text().encode("utf-8")
