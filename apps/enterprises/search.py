"""Search keys for enterprise names: Chinese bigrams and pinyin initials.

Chinese names have no spaces, and most searches are two characters long
("商务", "科技"), which trigram indexes cannot serve. Every enterprise keeps, in
``search_grams``, a space-separated list of

* the character bigrams of its name and former names ("北京 京商 商务 …"), and
* the normalised names themselves ("北京商务科技有限公司"), so that a longer
  query can be confirmed as one unbroken substring of a name ("北京商" must not
  match "北京X京商…", whose bigrams also hold 北京 and 京商).

A query is found when all of its bigrams are among the tokens (the GIN index on
PostgreSQL answers that) and, for 3 or more characters, it is a substring of the
column (a name token: tokens carry no spaces, so a match never spans two).
Everything is normalised the same way (full-width to half-width, upper-case
ASCII, no punctuation or spaces), so "北京（商务）" is found by "北京商务".
``name_initials`` holds the pinyin initials ("bjsw…").
"""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

# Characters that carry no meaning for search: brackets, punctuation, spaces.
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Full-width to half-width, upper-case ASCII, no punctuation or spaces."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).upper()


def bigrams(text: str) -> list[str]:
    clean = normalise(text)
    if len(clean) < 2:
        return [clean] if clean else []
    return sorted({clean[i : i + 2] for i in range(len(clean) - 1)})


def search_grams(name: str, former_names: list[str] | tuple[str, ...] = ()) -> str:
    """The value of Enterprise.search_grams: bigrams first, then the normalised names."""
    grams: set[str] = set()
    names: list[str] = []
    for text in (name, *(former_names or ())):
        grams.update(bigrams(text))
        clean = normalise(text)
        if len(clean) > 2 and clean not in names:
            names.append(clean)
    return " ".join([*sorted(grams), *names])


def initials(name: str) -> str:
    letters = lazy_pinyin(normalise(name), style=Style.FIRST_LETTER, errors="default")
    return "".join(letters).lower()
