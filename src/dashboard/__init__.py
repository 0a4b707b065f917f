"""Streamlit glue for the dashboard: cached loading, shared filters and page helpers."""
