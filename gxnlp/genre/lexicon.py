"""The genre's word lists: the jieba user dictionary and the stop lists (one word a line, ``#`` comments)."""
from __future__ import annotations

import os

from . import DATA_DIR

#: jieba user dictionary of the genre's terms (政务公开, 依申请公开 …): ``word [freq [tag]]`` a line.
USERDICT = DATA_DIR / "userdict.txt"
#: General Chinese function words.
STOPWORDS_GENERAL = DATA_DIR / "stopwords_general.txt"
#: Empty words of the genre (工作, 进一步 …).
STOPWORDS_DOMAIN = DATA_DIR / "stopwords_domain.txt"
#: Words that carry no topic, on top of the two lists above (topic modelling only).
STOPWORDS_TOPICS = DATA_DIR / "stopwords_topics.txt"
#: Terms the topic tokenizer keeps whole whatever jieba's dictionary says.
USERDICT_TOPICS = DATA_DIR / "userdict_topics.txt"


def read_wordlist(path: str | os.PathLike) -> list[str]:
    """Words of a one-per-line list (``#`` comments and blank lines skipped; first field of each line)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line.split()[0])
    return out
