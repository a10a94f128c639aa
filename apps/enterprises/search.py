"""Search keys for enterprise names: Chinese bigrams and pinyin initials.

Chinese names have no spaces, and most searches are two characters long
("商务", "科技"), which trigram indexes cannot serve. Every enterprise keeps the
set of character bigrams of its name and former names in ``search_grams``; a
query is found when all of its bigrams are in the set (then confirmed with a
substring match). ``name_initials`` holds the pinyin initials ("bjsw…").
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
    grams: set[str] = set()
    for text in (name, *former_names):
        grams.update(bigrams(text))
    return " ".join(sorted(grams))


def initials(name: str) -> str:
    letters = lazy_pinyin(normalise(name), style=Style.FIRST_LETTER, errors="default")
    return "".join(letters).lower()
