"""Exceptions raised by the data layer."""

from __future__ import annotations


class ScheduleError(Exception):
    """The source cannot be read as a schedule at all.

    The message is one sentence meant for the person who supplied the file; it names the file and,
    where one applies, the line.
    """


class ReferenceDataError(ValueError):
    """A reference YAML file under ``data/`` is missing, malformed or inconsistent.

    The message names the file and the key that is wrong.
    """
