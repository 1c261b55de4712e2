"""What the genre is: templates, headings, table labels and keys, taxonomy, stop lists, boilerplate.

Every other package reads these facts from here; none keeps a copy.
"""
from pathlib import Path

#: Folder of the genre's data files (taxonomy, stop lists, user dictionary, template and stock phrases).
DATA_DIR = Path(__file__).resolve().parent / "data"
