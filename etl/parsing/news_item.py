"""What the sentences of one news item share: its title's platforms, its currencies, jurisdiction and authority.

etl/parsing/news.py reads each sentence of an item with an ``Item``; the item-wide look-ups run
only when a sentence needs them. Pure: an ``Item`` lives for one call of ``extract_candidates``.
``bounded`` cuts an item's text to what is read of it (``MAX_ITEM_CHARS``).
"""

from __future__ import annotations

import re
from functools import cached_property

from etl.parsing.news_mentions import platform_spans
from etl.parsing.news_money import TABLES, Raw, currency_context, mask
from etl.parsing.news_names import (
    PLACE_RULES,
    Spans,
    authority_code,
    authority_of,
    first_code,
)
from etl.parsing.news_sentences import sentence_spans

# An item's text is read up to this many characters (a long article is 30,000 to 60,000): only the
# lead's figures become facts, and a longer item is a list, a dump or a hostile source.
MAX_ITEM_CHARS = 100_000
_MAX_TITLE_CHARS = 1_000
_SHOWN_CHARS = 300  # of the text left unread, shown to a reviewer


def bounded(title: str, summary: str) -> tuple[str, str, str | None]:
    """The title and summary as read (``MAX_ITEM_CHARS`` in all) and the start of what is not read.

    The summary is cut after the last full stop in the second half of what fits, else at the bound.
    The third value is None when the whole item is read; otherwise the first ``_SHOWN_CHARS``
    characters left unread (of the summary, or of the title when the title alone is too long).
    """
    if len(title) + len(summary) <= MAX_ITEM_CHARS:
        return title, summary, None
    if len(title) > _MAX_TITLE_CHARS:
        return title[:_MAX_TITLE_CHARS], "", title[_MAX_TITLE_CHARS:][:_SHOWN_CHARS]
    room = MAX_ITEM_CHARS - len(title)
    cut = summary.rfind(". ", room // 2, room)
    cut = room if cut < 0 else cut + 1
    return title, summary[:cut], summary[cut:].lstrip()[:_SHOWN_CHARS]


# A dateline opens the summary: "SEOUL - ", "MOSCOW, Aug 26 - ", "ABUJA, Nigeria (AP) - ": where the copy was
# filed, which is where the news is when nothing else in the item says where. The city is written in
# capitals (any script: "SÃO PAULO", "İSTANBUL"); a region after the comma ("DUBLIN, Ohio") names its state.
_DATELINE = re.compile(
    r"\s*([^\W\d_a-z](?:[^\W\d_a-z]|[ .'’-]){1,30}?)\s*(?:,\s*([^-–—\n(]{1,30}?))?\s*(?:\([^)]{1,20}\)\s*)?[-–—]+\s"
)
# Each place name of the tables, read whole and whatever its case ("US", "PARIS").
_PLACE_WHOLE = tuple((code, re.compile(f"(?i:{rx})")) for code, rx in TABLES["places"].items())
# What the tables list that a dateline never names: adjectives ("AMERICAN EXPRESS - ", "GERMAN - ").
_DEMONYM = re.compile(
    r"(?i)[\w ]*(?:ians?|eans?|ish|ese|can|tch|nch|ech|wiss|ndan|nyan|ban|ghan|alan|rman|kan)|"
    r"(?i:Pakistani|Bangladeshi|Israeli|Saudi|Thai|Emirati|Iraqi|Qatari|Kuwaiti|Omani|Yemeni|Bahraini|Nepali|"
    r"Somali|Azerbaijani)"
)
# A dateline's region that is its date, not a place: "MOSCOW, Aug 26 - ", "SEOUL, Tuesday - ".
_DATE_REGION = re.compile(
    r"(?i)(?:.*\d.*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|"
    r"sun)[a-z]*\.?(?:\s.*)?)"
)
# Wire abbreviations of U.S. states and Canadian provinces ("DUBLIN, Calif. - ", "LONDON, Ont. - ").
_STATE_ABBREVIATIONS = (
    (
        "US",
        re.compile(
            r"(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|"
            r"N\.H|N\.J|N\.M|N\.Y|N\.C|N\.D|Okla|Ore|Pa|R\.I|S\.C|S\.D|Tenn|Tex|Vt|Va|Wash|W\.Va|Wis|Wyo|D\.C)\.?"
        ),
    ),
    ("CA", re.compile(r"(?:Ont|Que|Alta|B\.C|Man|Sask|N\.S|N\.B)\.?")),
)
_DATELINE_PLACES = (*_PLACE_WHOLE, *_STATE_ABBREVIATIONS)


def _dateline_place(name: str) -> str | None:
    """The jurisdiction a dateline's city or region names, read whole ("PARIS", "Texas"), or None."""
    if _DEMONYM.fullmatch(name):
        return None
    return next((code for code, rx in _DATELINE_PLACES if rx.fullmatch(name)), None)


def dateline_code(summary: str) -> str | None:
    """The jurisdiction of the place a summary's dateline names ("SEOUL - ..." gives KR), or None.

    A region after the comma wins ("DUBLIN, Ohio - " is in the US); one the tables do not know
    leaves the dateline unread, since the city alone may name another state.
    """
    found = _DATELINE.match(summary)
    if not found or found[1] != found[1].upper():
        return None
    city, region = found[1].strip(), (found[2] or "").strip()
    if region and not _DATE_REGION.fullmatch(region):
        return _dateline_place(region)
    return _dateline_place(city)


class Item:
    """One news item (``text``: its title, a line break, its summary; ``raws``: the money it mentions)."""

    def __init__(self, title: str, text: str, raws: list[Raw]) -> None:
        self.title = title.strip()
        self.title_spans = Spans(self.title, platform_spans(self.title))
        self.text, self._raws, self._title_end = text, raws, len(title)
        # ``authority_of`` of a span of the text (amounts blanked), with the text read there: what a
        # sentence and the item's own reading may share (keyed by where, never by what a text says)
        self._read: dict[tuple[int, int], tuple[str, str | None]] = {}

    @cached_property
    def currency(self) -> tuple[set[str], set[str]]:
        """See ``currency_context``."""
        return currency_context(self.text, self._raws)

    @cached_property
    def _masked(self) -> str:
        return mask(self.text, self._raws)  # a currency ("US$", "U.S. dollars") never names the jurisdiction

    @cached_property
    def jurisdiction(self) -> str | None:
        """From the title, else the first place or institution the item names, else its dateline's city."""
        masked = self._masked
        found = first_code(masked[: self._title_end], PLACE_RULES) or first_code(masked, PLACE_RULES)
        return found or dateline_code(self.text[self._title_end + 1 :])

    @cached_property
    def authority(self) -> str | None:
        """The title's authority ("Russian court fines TikTok"), else the first the item names."""
        masked, end = self._masked, self._title_end
        spans = [(0, end), *((end + start, end + stop) for start, stop in sentence_spans(masked[end:]))]
        return next(filter(None, (self.authority_at(masked[a:b], (a, b), kept=True) for a, b in spans)), None)

    def authority_state(self, masked: str, authority: str) -> str | None:
        """The state of an authority a sentence (``masked``) names, or the item names elsewhere.

        The state owning it where it is named ("Japan's FTC") counts: in the sentence, else where the
        item first names it ("Thailand's Securities and Exchange Commission" for a later sentence that
        does not), else its name's own.
        """
        return authority_code(masked if authority in masked else self._masked, authority)

    def authority_at(self, masked: str, span: tuple[int, int], *, kept: bool = False) -> str | None:
        """``authority_of(masked)``, for ``masked`` read at ``span`` of the text; ``kept``: for the sentence there.

        Each reading is used once at most: the item reads a span once, and so does its sentence. A
        sentence's is kept only while the item's own reading may yet use it: the first one, and one
        without an authority (the item's is read right after).
        """
        read = self._read.pop(span, None)
        if read is not None and read[0] == masked:
            return read[1]
        found = authority_of(masked)
        if kept or ("authority" not in self.__dict__ and (not found or not self._read)):
            self._read[span] = (masked, found)
        return found
