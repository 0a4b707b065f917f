"""Data layer of the outreach-coverage dashboard: read the scraped schedule page into tidy frames.

Pure pandas/networkx/plotly; never imports streamlit.
"""

from .errors import ReferenceDataError, ScheduleError
from .reader import MAX_BYTES
from .reference import Reference, load_reference
from .schedule import Schedule, SourceMeta, load_schedule

__all__ = [
    "MAX_BYTES",
    "Reference",
    "ReferenceDataError",
    "Schedule",
    "ScheduleError",
    "SourceMeta",
    "load_reference",
    "load_schedule",
]
