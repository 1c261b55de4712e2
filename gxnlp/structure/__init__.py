"""From a document to a report: sections, title, agency, year, template, region."""
from .parse import parse_path, parse_record, structure

__all__ = ["structure", "parse_path", "parse_record"]
