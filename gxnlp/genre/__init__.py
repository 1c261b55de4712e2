"""What the genre is, each fact in one place; every other package reads it from here.

* :mod:`.templates` — the three templates, the year → template rule, template detection.
* :mod:`.sections` — the six sections, their heading patterns, the title line.
* :mod:`.table_keys` — canonical keys of s2/s3/s4, the labels the tables print, row patterns.
* :mod:`.boilerplate` — the mandated template text (shipped list + the printed labels), stock seeds.
* :mod:`.numerals` — Chinese numerals (cn2an), written-out years, full-width forms (NFKC).
* :mod:`.agencies` — organisation suffixes, signature lines, agency type and level patterns.
* :mod:`.taxonomy` — problem and measure categories and their seed terms.
* :mod:`.lexicon` — the user dictionaries and stop lists.

Data files (taxonomy, word lists, template and stock phrases) are in ``data/``.
"""
from pathlib import Path

#: Folder of the genre's data files (taxonomy, stop lists, user dictionary, template and stock phrases).
DATA_DIR = Path(__file__).resolve().parent / "data"
