"""From a document to a report: sections, title, agency (with its type and level), year, template, region."""
from .agency import agency_level, agency_type
from .parse import parse_path, parse_record, structure

__all__ = ["structure", "parse_path", "parse_record", "agency_type", "agency_level"]
