"""Reading files into clean documents: decoding, HTML/PDF/docx text, normalisation, web chrome."""
from .read import read_document, report_id_of

__all__ = ["read_document", "report_id_of"]
