"""Tables that leave the app safely: CSV and XLSX with formula-injection neutralised.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``
(OWASP's advice against CSV/formula injection). Numbers, dates and booleans are left as they are.
List-like cells (tuples) are written as "a; b" (a (text, href) link pair as "text <href>"), and a missing
value in a text column as an empty cell, so no exported table ever reads "nan", "None" or "NaT".
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: object) -> object:
    """Return ``value`` with a leading ``'`` if it is a string that a spreadsheet would run as a formula.

    Examples:
        >>> neutralise_text("=HYPERLINK(1)"), neutralise_text(-3), neutralise_text("ok")
        ("'=HYPERLINK(1)", -3, 'ok')
    """
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _item(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, tuple | list):
        parts = [_item(v) for v in value]
        if len(parts) == 2 and parts[1].startswith(("http://", "https://", "/", "mailto:")):
            return f"{parts[0]} <{parts[1]}>" if parts[0] else parts[1]
        return " ".join(p for p in parts if p)
    return str(value)


def _flat(value: object) -> object:
    """A cell as exported: lists joined with "; ", a missing value as ""; anything else unchanged."""
    if isinstance(value, tuple | list):
        return "; ".join(p for p in (_item(v) for v in value) if p)
    if _missing(value):
        return ""
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy ready for export: lists joined with "; ", text neutralised, numbers untouched.

    Does not mutate ``frame``.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_flat).map(neutralise_text)
    return out


def readable_frame(frame: pd.DataFrame, date_format: str = "%-d %b %Y") -> pd.DataFrame:
    """A copy for showing to people (``st.dataframe``): every text or list column as plain text with
    missing values as "", dates as "7 May 2020" ("" when missing), numbers and booleans unchanged
    (a nullable number column with missing values becomes text, "" where missing).

    No cell reads "nan", "None" or "NaT". Does not mutate ``frame``.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = series.dt.strftime(date_format).fillna("").astype(object)
        elif isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and series.hasnans and (
                pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
            out[col] = series.astype(object).map(lambda v: "" if v is pd.NA else str(v))
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[col] = series.map(_flat).map(lambda v: v if isinstance(v, str) else str(v)).astype(object)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV (UTF-8 with BOM, so spreadsheet programs read accents) of :func:`safe_frame`."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(tables: Mapping[str, pd.DataFrame], dictionary: pd.DataFrame | None = None) -> bytes:
    """An XLSX workbook with one sheet per table (neutralised) and an optional data-dictionary sheet."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in tables.items():
            data = safe_frame(frame)
            for col in data.columns:
                if pd.api.types.is_datetime64_any_dtype(data[col]):
                    data[col] = data[col].dt.date
            data.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes = "A2"
            for idx, col in enumerate(data.columns, start=1):
                lengths = data[col].map(lambda v: len(str(v)) if v is not None else 0)
                typical = int(lengths.quantile(0.9)) if len(lengths) else 0
                width = min(60, max(10, len(str(col)) + 2, typical + 2))
                sheet.column_dimensions[sheet.cell(row=1, column=idx).column_letter].width = width
        if dictionary is not None:
            safe_frame(dictionary).to_excel(writer, sheet_name="data dictionary", index=False)
    return buf.getvalue()
