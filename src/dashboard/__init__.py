"""Streamlit glue for the dashboard; all logic it calls lives in :mod:`analysis`.

Modules: ``source`` (which capture a session sees: the store, uploads, ``?capture=``), ``state`` (the view,
the shared URL-backed filters, ``url_setting`` for page-level settings, the URL), ``charts`` (figures cached by
data and filters), ``history`` (the Changes page's cached diff and charts), ``tables`` (display frames), ``ui``
(page header, charts, footer and ``md_escape`` for every data or URL value shown as Markdown), ``navigation``.
"""
