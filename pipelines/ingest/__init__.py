"""Ingestion: program exports (CSV, Parquet, Excel) into the published database, with a source
profile, a quarantine of rejected rows and an audit of every run. See docs/ingestion.md."""

from pipelines.ingest.loader import FileResult
from pipelines.ingest.profile import ProfileError, SourceProfile, load_profile
from pipelines.ingest.report import quarantine_rows, summary_table
from pipelines.ingest.runner import IngestResult, ingest
from pipelines.ingest.sources import FileRefused

__all__ = [
    "FileRefused",
    "FileResult",
    "IngestResult",
    "ProfileError",
    "SourceProfile",
    "ingest",
    "load_profile",
    "quarantine_rows",
    "summary_table",
]
