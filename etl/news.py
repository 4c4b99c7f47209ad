"""Extract candidate enforcement actions (fines, blocks, ...) from news text.

Pure functions: no I/O, no network, no clock. ``parse_money`` reads money amounts,
``split_sentences`` splits a summary, ``extract_candidates`` turns one news item into
candidate rows for review. Rules, measured quality and limits: docs/news_extraction.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Context, Decimal, InvalidOperation

_CTX = Context(prec=80)  # exact for real outliers (2 undecillion rubles) times 10**12 scales
_MAX_DIGITS = 40


def _codes(spec: str) -> dict[str, tuple[str, ...]]:
    """Parse "key=CODE,CODE key=CODE" (an underscore in a key stands for a space)."""
    pairs = (item.split("=") for item in spec.split())
    return {key.replace("_", " "): tuple(value.split(",")) for key, value in pairs}


def _rules(spec: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Parse "KEY regex" entries, separated by newlines or " ; ", into compiled rules."""
    entries = (e.strip().split(None, 1) for e in re.split(r"\n| ; ", spec) if e.strip())
    return tuple((key, re.compile(rx)) for key, rx in entries)


_DOLLARS = ("USD", "AUD", "CAD", "NZD", "HKD", "SGD", "TWD")
# Symbols, codes and currency words; several codes mean a symbol shared by several currencies.
_CURRENCIES = _codes(
    "$=USD,AUD,CAD,NZD,HKD,SGD,TWD dollar=USD,AUD,CAD,NZD,HKD,SGD,TWD ¥=JPY,CNY rs=INR,PKR,LKR,NPR "
    "rupee=INR,PKR,LKR,NPR kr=SEK,NOK,DKK,ISK krona=SEK,ISK kronor=SEK kronur=ISK krone=NOK,DKK "
    "kroner=NOK,DKK franc=CHF,XOF,XAF peso=MXN,PHP,ARS,CLP,COP dirham=AED,MAD US$=USD A$=AUD AU$=AUD "
    "C$=CAD CA$=CAD NZ$=NZD HK$=HKD S$=SGD NT$=TWD R$=BRL €=EUR £=GBP ₹=INR ₩=KRW ₽=RUB ₺=TRY zł=PLN "
    "ft=HUF rmb=CNY euro=EUR ruble=RUB rouble=RUB pound=GBP sterling=GBP yen=JPY yuan=CNY "
    "renminbi=CNY won=KRW lira=TRY lire=TRY reais=BRL forint=HUF zloty=PLN hryvnia=UAH tenge=KZT "
    "rand=ZAR ringgit=MYR baht=THB rupiah=IDR lei=RON naira=NGN shekel=ILS riyal=SAR"
)
_ISO = frozenset(
    "USD EUR GBP RUB JPY CNY KRW INR BRL TRY HUF PLN AUD CAD NZD HKD SGD TWD CHF SEK NOK DKK ISK ZAR MXN "
    "IDR MYR THB VND PHP UAH KZT ILS AED SAR EGP NGN KES PKR BDT LKR NPR CZK RON BGN RSD ARS CLP COP "
    "PEN BYN GEL".split()
)
_ADJECTIVES = _codes(
    "u.s.=USD us=USD american=USD australian=AUD canadian=CAD new_zealand=NZD hong_kong=HKD "
    "singapore=SGD taiwan=TWD indian=INR pakistani=PKR sri_lankan=LKR nepalese=NPR swiss=CHF "
    "swedish=SEK norwegian=NOK danish=DKK icelandic=ISK egyptian=EGP mexican=MXN philippine=PHP "
    "argentine=ARS chilean=CLP colombian=COP moroccan=MAD uae=AED emirati=AED"
)
# A country named anywhere in the item picks one code out of a shared symbol's options.
_CURRENCY_HINTS = _rules(r"""
USD U\.S\.|\bUS\b|United States|\bAmerican\b|\bFTC\b|Federal Trade Commission|Justice Department
AUD Australia|\bACCC\b|Sydney|Melbourne|Canberra ; NZD New Zealand|\bNZ\b|Auckland|Wellington
CAD Canad|Ottawa|Toronto ; HKD Hong Kong ; SGD Singapore ; TWD Taiwan ; JPY Japan|Tokyo|\bJFTC\b
CNY China|Chinese|Beijing|\bSAMR\b ; INR India\b|Indian|Delhi|\bCCI\b ; LKR Sri Lanka ; NPR Nepal
PKR Pakistan|Islamabad|Karachi|Lahore ; SEK Swed ; NOK Norw ; DKK Denmark|Danish ; ISK Iceland
CHF Switzerland|Swiss ; MXN Mexic ; PHP Philippin ; AED Emirates|\bUAE\b|Dubai ; MAD Morocc
""")

_QUAL = (
    r"add(?:s|ed|ing)?\s+up\s+to|just\s+over|just\s+under|more\s+than|less\s+than|up\s+to|at\s+least|"
    r"close\s+to|as\s+much\s+as|in\s+excess\s+of|upwards\s+of|an\s+estimated|approximately|approx\.|"
    r"roughly|around|about|nearly|almost|over|under|some|circa|cca\.|ca\.|~"
)
_QUAL_ALIASES = {"cca.": "about", "ca.": "about", "circa": "about", "~": "about"}
_APPROXIMATE = {"about", "around", "approximately", "approx.", "roughly", "nearly", "almost", "some"}
_APPROXIMATE |= {"close to", "an estimated"}
_ISO_ALT = "|".join(sorted(_ISO))
_PREFIX = (
    r"(?<![A-Za-z])(?:U\.S\.\s?\$|US\s?\$|AU\$|A\$|CA\$|C\$|NZ\$|HK\$|NT\$|S\$|R\$|Rs\.?|"
    rf"{_ISO_ALT})(?![A-Za-z])|[$€£¥￥₹₩₽₺]"
)
_DIGITS = r"(?<![0-9A-Za-z.,])[0-9]+(?:[.,][0-9]+)*"
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_UNITS = {w: i for i, w in enumerate(f"{_ONES} sixteen seventeen eighteen nineteen".split())}
_UNITS |= {
    w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_SCALE_EXP = {key: int(exp[0]) for key, exp in _codes(
    "hundred=2 k=3 thousand=3 lakh=5 lac=5 m=6 mn=6 mln=6 million=6 mio=6 millionen=6 millones=6 "
    "crore=7 cr=7 b=9 bn=9 bln=9 billion=9 mrd=9 milliard=9 milliarden=9 tn=12 trillion=12").items()}  # fmt: skip
_EUROPEAN = {"mio", "mrd", "millionen", "milliarden", "millones", "milliard"}  # decimal comma
_NUMW = "|".join(sorted(_UNITS, key=len, reverse=True))
_SCALEW = "hundred|thousand|lakh|million|crore|billion|trillion"
_WORDNUM = (
    rf"(?i:\b(?:(?:an?|half(?:\s+an?)?)\s+(?:{_SCALEW})|{_NUMW})"
    rf"(?:[\s-]+(?:and\s+)?(?:a\s+)?(?:{_NUMW}|{_SCALEW}|half))*\b)"
)
_LONG_SCALES = (
    r"thousand|millions?|billions?|trillion|lakhs?|lacs?|crores?|milliards?|millones|millionen|"
    r"milliarden|mln|mn|bln|bn|tn|cr|mio\.?|mrd\.?"
)
_CURWORD = (
    r"dollars?|euros?|rubles?|roubles?|pounds?(?:\s+sterling)?|sterling|yen|yuan|renminbi|won|rupees?|"
    r"liras?|lire|reais|forints?|zlotys?|hryvnias?|tenge|francs?|kronor|kronur|krona|kroner|krone|rand|"
    r"pesos?|ringgit|baht|rupiah|lei|naira|shekels?|dirhams?|riyals?"
)
_MONEY_RE = re.compile(
    rf"(?:(?<![A-Za-z])(?P<qual>(?i:{_QUAL}))[\s\\]*)?(?P<pre>{_PREFIX})?\s?(?P<num>{_DIGITS}|{_WORDNUM})"
    rf"(?:(?:\s*-\s*|\s+)?(?P<scale>(?i:{_LONG_SCALES}))(?![A-Za-z])|(?P<short>[kKmMbB])(?![A-Za-z]))?"
    rf"(?:\s*-?\s*(?:de\s+|d['’]\s*|of\s+)?(?P<adj>(?:[A-Z][\w.]*\s+){{0,2}})"
    rf"(?P<word>(?i:{_CURWORD}))(?![A-Za-z])|\s?(?P<siso>{_ISO_ALT}|RMB|Ft|kr\.?|zł)(?![A-Za-z]))?"
)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")
_BRACKET_GAP = re.compile(rf"[\s(\[,;/]*(?:(?:or|and)\s+)?(?:(?:{_QUAL})\s*)?", re.I)
_AFTER_GAP = re.compile(
    rf"\s*(?:[—–/-]+|,?\s*or\b|,)\s*(?:(?:equivalent\s+to|worth)\s+)?(?:(?:{_QUAL})\s*)?", re.I
)


@dataclass(frozen=True)
class MoneyMention:
    """A money amount found in a text; ``text == source[start:end]``, without the qualifier."""

    amount: Decimal | None  # exact, e.g. Decimal("2500000") for "2.5 million"
    currency: str | None  # ISO 4217; None when a shared symbol is not resolved by context
    qualifier: str | None  # "about", "nearly", "over", "more than", "up to", ...
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    """A candidate enforcement action read from one sentence of a news item."""

    platform: str | None  # canonical name ("TikTok", "Twitter", "X", "Meta", ...)
    jurisdiction: str | None  # ISO 3166-1 alpha-2, or "EU"
    authority: str | None  # as named in the text ("Tagansky District Court", "CNIL")
    action_type: str  # fine, turnover_fine, periodic_penalty, block, throttle, warning, order, other
    amount: Decimal | None  # as imposed, in the fine's own currency
    currency: str | None  # ISO 4217; None when unknown or ambiguous
    reported_usd: Decimal | None  # a USD conversion the text itself states
    reported_eur: Decimal | None  # a EUR conversion the text itself states
    sentence: str  # verbatim
    confidence: float  # 1.0 minus a penalty per reason, in [0, 1]
    reasons: tuple[str, ...]  # why confidence is lowered: "currency_ambiguous", "no_platform", ...


@dataclass(frozen=True)
class _Raw:
    amount: Decimal
    options: tuple[str, ...]
    qualifier: str | None
    start: int
    end: int


def parse_money(text: str, *, context: str = "") -> list[MoneyMention]:
    """Find money amounts in a text, resolving shared currency symbols from context.

    Bare "$" (or "dollars") is USD only (a) as a converted figure (in brackets, after a dash
    or "or about") after an amount in a non-dollar currency, or (b) when the item names the
    United States; in both cases only if the item names no other dollar country. If the item
    writes one dollar explicitly (A$, US$) and names exactly one other dollar country, bare
    "$" is that country's dollar (NZ Herald: "A$60 million ($65m)" is NZD). Otherwise the
    currency is None. "¥", "Rs", "kr", "pesos" likewise need their country in the item.

    Args:
        text: The text to scan, usually one sentence.
        context: The rest of the news item (title and summary), used only to resolve symbols.

    Returns:
        The mentions in order of position.
    """
    return [mention for mention, _ in _scan(text, _currency_context(f"{text}\n{context}"))]


def _currency_context(text: str) -> tuple[set[str], set[str]]:
    """Currencies of the countries a text names, and the dollars it writes explicitly (A$, US$)."""
    hints = {code for code, rx in _CURRENCY_HINTS if rx.search(text)}
    explicit = {o[0] for r in _raw_mentions(text) if len(o := r.options) == 1 and o[0] in _DOLLARS}
    return hints, explicit


def _scan(text: str, context: tuple[set[str], set[str]]) -> list[tuple[MoneyMention, int | None]]:
    """Mentions, each with the index of the amount it converts (None for a primary amount)."""
    raws, (hints, explicit) = _raw_mentions(text), context
    out = []
    for raw, role in zip(raws, _roles(text, raws), strict=True):
        currency = _resolve(raw.options, raws[role] if role is not None else None, hints, explicit)
        start, end = raw.start, raw.end
        out.append((MoneyMention(raw.amount, currency, raw.qualifier, text[start:end], start, end), role))
    return out


def _raw_mentions(text: str) -> list[_Raw]:
    """Mentions with a currency; "3.2 million, 3.3 million and 2.4 million rubles" share one."""
    raws: list[_Raw] = []
    pending: list[re.Match[str]] = []
    for m in _MONEY_RE.finditer(text):
        options, amount = _options(m), _amount(m)
        listed = bool(pending) and _LIST_GAP.fullmatch(text[pending[-1].end() : m.start("num")])
        if amount is None or not options:
            scaled = amount is not None and bool(m["scale"] or m["short"])
            pending = (pending if listed else []) + [m] if scaled else []
            continue
        for p in pending if listed and not m["pre"] else []:  # pending amounts are never None
            raws.append(
                _Raw(_amount(p) or Decimal(0), options, _qualifier(p["qual"]), p.start("num"), p.end())
            )
        pending = []
        start = m.start("pre") if m["pre"] else m.start("num")
        raws.append(_Raw(amount, options, _qualifier(m["qual"]), start, m.end()))
    return raws


def _lookup(token: str) -> tuple[str, ...]:
    key = re.sub(r"[\s.]", "", token).replace("￥", "¥")
    return (key,) if key in _ISO else _CURRENCIES.get(key) or _CURRENCIES.get(key.lower(), ())


def _options(m: re.Match[str]) -> tuple[str, ...]:
    """Candidate ISO codes of a match: a prefix, else a suffix code or currency word."""
    pre = _lookup(m["pre"]) if m["pre"] else ()
    post = _lookup(m["siso"]) if m["siso"] else ()
    if m["word"]:
        word = m["word"].lower().split()[0]
        post = _lookup(word[:-1] if word.endswith("s") and word[:-1] in _CURRENCIES else word)
        adjective = _ADJECTIVES.get(" ".join(m["adj"].lower().split()), ())
        post = adjective if adjective and (len(post) > 1 or word.startswith("pound")) else post
    return next((o for o in (pre, post) if len(o) == 1), pre or post)


def _amount(m: re.Match[str]) -> Decimal | None:
    scale = (m["scale"] or m["short"] or "").lower().rstrip(".")
    scale = scale[:-1] if scale not in _SCALE_EXP and scale.endswith("s") else scale
    num = m["num"]
    try:
        base = _parse_digits(num, european=scale in _EUROPEAN) if num[0].isdigit() else _parse_words(num)
        value = base.scaleb(_SCALE_EXP.get(scale, 0), _CTX) if base is not None else None
        if value is not None and value == value.to_integral_value(context=_CTX):
            return value.quantize(Decimal(1), context=_CTX)
        return value
    except InvalidOperation:
        return None


def _parse_digits(raw: str, *, european: bool) -> Decimal | None:
    """Read "1,337.76", "7,221,916,235", "1,33,776" (lakh grouping), "1,5", "4.342 millones"."""
    if sum(ch.isdigit() for ch in raw) > _MAX_DIGITS:
        return None
    seps, groups = re.findall(r"[.,]", raw), re.split(r"[.,]", raw)
    if len(set(seps)) == 2:
        decimal = seps[-1]
    elif european:  # "1,5 Mio." and "1.5 Mrd" are decimals; "4.342 millones" is 4342 million
        decimal = seps[0] if len(seps) == 1 and (seps[0] == "," or len(groups[1]) != 3) else None
    else:  # "2.5 million" and "1,5 million" are decimals; "32,700" is thousands
        decimal = seps[0] if len(seps) == 1 and (seps[0] == "." or len(groups[1]) != 3) else None
    whole, frac = raw.rsplit(decimal, 1) if decimal else (raw, "")
    parts = re.split(r"[.,]", whole)
    sizes = [len(p) for p in parts[1:]]
    western = len(parts[0]) <= 3 and all(n == 3 for n in sizes)
    lakh = len(parts[0]) <= 2 and sizes[-1:] == [3] and all(n == 2 for n in sizes[:-1])
    if sizes and not (western or lakh):
        return None
    return Decimal("".join(parts) + (f".{frac}" if frac else ""))


def _parse_words(raw: str) -> Decimal:
    """Read "two million", "a billion", "three hundred thousand", "one and a half million"."""
    words = [w for w in re.split(r"[\s-]+", raw.lower()) if w]
    total = current = Decimal(0)
    for i, word in enumerate(words):
        if word in ("a", "an") and i == 0 and words[1:2] != ["half"]:
            current = Decimal(1)
        elif word in _UNITS or word == "half":
            current += _UNITS.get(word, Decimal("0.5"))
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALE_EXP:
            total, current = total + (current or 1) * 10 ** _SCALE_EXP[word], Decimal(0)
    return total + current


def _qualifier(raw: str | None) -> str | None:
    text = " ".join((raw or "").lower().split())
    return None if not text or text.startswith("add") else _QUAL_ALIASES.get(text, text)


def _roles(text: str, raws: list[_Raw]) -> list[int | None]:
    """For each mention, the index of the amount it converts, or None for a primary amount."""
    roles: list[int | None] = []
    primary: int | None = None
    for i, raw in enumerate(raws):
        converts = False
        if primary is not None:
            gap = text[raws[i - 1].end : raw.start].replace("\\", "")
            between = text[raws[primary].end : raw.start]
            if between.count("(") + between.count("[") > between.count(")") + between.count("]"):
                converts = bool(_BRACKET_GAP.fullmatch(gap))
            elif i - 1 == primary:
                converts = bool(_AFTER_GAP.fullmatch(gap)) and raw.options != raws[i - 1].options
        roles.append(primary if converts else None)
        primary = primary if converts else i
    return roles


def _resolve(
    options: tuple[str, ...], converts: _Raw | None, hints: set[str], explicit: set[str]
) -> str | None:
    """Pick one ISO code for a mention, or None (see ``parse_money`` for the dollar rule)."""
    if len(options) == 1:
        return options[0]
    if options != _DOLLARS:
        found = [code for code in options if code in hints]
        return found[0] if len(found) == 1 else None
    others = hints.intersection(_DOLLARS) - explicit - {"USD"}
    if others:
        return others.pop() if len(others) == 1 and explicit else None
    if converts is not None:
        return "USD" if converts.options != _DOLLARS and "USD" not in explicit else None
    return "USD" if "USD" in hints and not explicit else None


_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(\s+)(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = set(
    "u.s u.k u.n e.u mr mrs ms dr st no nos art inc corp ltd co jr sr vs etc approx cca ca jan feb mar "
    "apr jun jul aug sep sept oct nov dec gov sen rep rs mio mrd para".split()
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at paragraph breaks and sentence-final punctuation.

    Abbreviations ("U.S.", "Art.", "No.", "Jan.", initials) and decimal points do not end a
    sentence.

    Args:
        text: Plain or Markdown news text.

    Returns:
        The non-empty sentences in order, each a stripped, verbatim substring of ``text``.
    """
    sentences = []
    for paragraph in re.split(r"\n\s*\n", text):
        start = 0
        for m in _BOUNDARY.finditer(paragraph):
            chunk = paragraph[start : m.start(1)]
            last = (chunk.split() or [""])[-1].strip("\"'”’)]([“‘").rstrip(".").lower()
            if m.group(0)[0] == "." and (last in _ABBREVIATIONS or len(last) == 1):
                continue
            sentences.append(chunk)
            start = m.end(1)
        sentences.append(paragraph[start:])
    return [s.strip() for s in sentences if s.strip()]


_CASE_FREE = (
    "TikTok Twitter YouTube Google Facebook Instagram WhatsApp Microsoft Alibaba Wikipedia Spotify "
    "LinkedIn Snapchat VKontakte Yandex Pinterest Reddit Netflix WeChat Booking.com Airbnb AliExpress"
)
_CASE_SENSITIVE = "Meta Telegram Amazon Apple Twitch Discord Uber Tencent Periscope eBay Temu Shein Threads"
_PLATFORMS = (
    tuple((name, re.compile(rf"(?i:\b{re.escape(name)}\b)")) for name in _CASE_FREE.split())
    + tuple((name, re.compile(rf"\b{re.escape(name)}\b")) for name in _CASE_SENSITIVE.split())
    + _rules(r"""
TikTok \bByteDance\b|(?i:\btik\s+tok\b) ; Google \bAlphabet\b ; Wikipedia (?i:\bwikimedia\b)
VKontakte \bVK\b ; Snapchat \bSnap\s+Inc ; X (?<![\w$-])(?<!Article )(?<!Section )(?<!Model )X(?![\w$-])
""")
)
_PARENT = {key: codes[0] for key, codes in _codes(
    "Facebook=Meta Instagram=Meta WhatsApp=Meta Threads=Meta YouTube=Google Twitter=X Periscope=X "
    "AliExpress=Alibaba WeChat=Tencent").items()}  # fmt: skip
_OWNER_GAP = re.compile(r"(?:['’´]s)?\s+(?:owner|parent)(?:\s+(?:firm|company))?,?\s+")
_AUTHORITY = re.compile(
    r"(?:[A-Z][\w'’´.-]*\s+(?:and\s+)?){1,6}(?:Court|Tribunal|Commissioner['’]s\s+Office|Commission(?:er)?|"
    r"Authority|Agency|Office|Service|Administration|Bureau|Ministry|Inspectorate)\b"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z]\w*(?:\s+[A-Z]\w*){0,2})?|"
    r"\b(?:Roskomnadzor|CNIL|Bundeskartellamt|Ofcom|ACCC|KFTC|FTC|ICO|CCI|STF|SAMR|JFTC|GVH|CNPD|CMA|AGCM|"
    r"AEPD|DPC)\b"
)
_AUTHORITY_LEAD = re.compile(r"^(?:(?:The|A|An)\s+)?(?:[A-Z][\w.-]*['’´]s\s+)?")
_INSTITUTIONS = _rules(r"""
RU Roskomnadzor|Federal Antimonopoly Service ; EU European Commission ; FR \bCNIL\b ; KR \bKFTC\b
IE Data Protection Commission|\bDPC\b ; GB Information Commissioner|\bICO\b|\bCMA\b|Ofcom ; IN \bCCI\b
BR \bSTF\b|Supreme Federal Court|de Moraes ; AU \bACCC\b ; JP \bJFTC\b ; HU \bGVH\b ; ES \bAEPD\b
US Federal Trade Commission|\bFTC\b|Justice Department|Department of Justice ; DE Bundeskartellamt
CN State Administration for Market Regulation|\bSAMR\b ; IT \bAGCM\b|Garante
""")
_PLACES = tuple(
    (code, rf"(?<!\w)(?:{rx.pattern})(?!\w)")
    for code, rx in _rules(r"""
RU Russian?|Moscow|Tagansky|Meshchansky|Kremlin ; EU EU|European Union|Brussels ; LU Luxembourg
IE Ireland|Irish|Dublin ; FR France|French|Paris ; DE Germany?|German|Berlin ; PL Poland|Polish
GB Britain|British|UK|U\.K\.|United Kingdom|England|London ; KR (?:South\s+)?Korean?|Seoul
US U\.S\.|US|United States|American|Washington ; IN India|Indian|New Delhi|Delhi ; AU Australian?
BR Brazil|Brazilian|Brasilia ; TR Turkey|Turkish|Türkiye|Ankara ; CN China|Chinese|Beijing
JP Japan|Japanese|Tokyo ; HU Hungary|Hungarian|Budapest ; IT Italy|Italian|Rome ; CA Canada|Canadian
ES Spain|Spanish|Madrid ; NL Netherlands|Dutch ; NO Norway|Norwegian ; SE Sweden|Swedish
""")
)
_BODY = (
    r"(?i:court|judge|magistrate|regulators?|watchdog|authorit(?:y|ies)|government|ministry|commission|"
    r"agency|prosecutors?|officials)\b"
)
_VERB = (
    r"(?i:fines?|fined|blocks?|blocked|bans?|banned|slows?|throttled?|orders?|ordered|warn|slaps?|hits?)\b"
)
# "Russian court", "Ireland's regulator", "a court in Moscow", "Russia fines ...", "banned in Russia".
_PLACE_FORMS = (
    r"{p}(?:['’´]s)?\s+(?:[\w-]+\s+){{0,3}}?{body}",
    r"{body}\s+(?:of|in)\s+(?:the\s+)?{p}",
    r"{p}\s+{verb}",
    r"(?i:fined|penali[sz]ed|blocked|banned|throttled|slowed)\s+in\s+{p}",
)
_PLACE_RULES = tuple(
    (code, re.compile(form.format(p=p, body=_BODY, verb=_VERB)))
    for code, p in _PLACES
    for form in _PLACE_FORMS
)
_BARE_PLACES = tuple((code, re.compile(p)) for code, p in _PLACES)

_FINE = re.compile(r"(?i)\bfin(?:e|es|ed|ing)\b|\bpenalt|\bpenali[sz]|\bmult(?:a|ó)|\bamende|bu(?:ß|ss)geld")
_AVOIDED = re.compile(r"(?i)\b(?:avoid|avert|escap)\w*\s+(?:\w+\s+){0,2}(?:fines?|penalt\w*)")
_PAY = re.compile(
    r"(?i)\b(?:order|agree|must|will|require|force)\w*\s+(?:\w+\s+){0,3}?(?:to\s+)?pay\b|"
    r"\bimpos(?:e|es|ed|ing)\b|\blev(?:y|ied)\b|\bslap"
)
_PER_DAY = re.compile(r"(?i)\s*(?:a|per|each|every|for\s+each)\s+(?:day|week)\b|\s*daily\b")
_DAILY = re.compile(r"(?i)daily\s+(?:fines?|penalt\w*)|periodic\s+penalt\w*|\bper\s+day\b")
_NON_MONETARY = _rules(r"""
throttle (?i)throttl|\bslow(?:s|ed|ing)\b|\bslow\s+down\b|slowdown
block (?i)\bblock(?:s|ed|ing)?\b|\bban(?:s|ned|ning)?\b ; warning (?i)\bwarn(?:s|ed|ing)?\b
order (?i)(?<!in )\border(?:s|ed|ing)?\b
""")
_EACH = re.compile(r"[)\]\s—–-]*each\b")  # "... 10 million lira ($1.2 million) each"
_EACH_BEFORE = re.compile(r"(?i)\beach\s+(?:\w+\s+){0,2}(?:fined|penali[sz]ed|ordered)")
_POTENTIAL = re.compile(r"(?i)\b(?:fac(?:e|es|ing)|could|may|might|risks?|threat\w*)\b")
_MONETARY = {"fine", "turnover_fine", "periodic_penalty"}
_NOT_PENALTY = re.compile(
    r"(?i)\b(?:revenues?|sales|profits?|earn\w*|income|valu\w*|worth|market\s+cap\w*|shares?|stocks?|"
    r"invest\w*|acquir\w*|bought|buy\w*|spen[dt]\w*|raised|budget|salar\w*|damages|seek\w*|sought|"
    r"lawsuit|claim\w*|bail|cost\w*|pric\w*|fell|rose|dropped|lost|proposed|provisional\w*|initially|"
    r"originally)\b"
)
_NOT_PENALTY_AFTER = re.compile(r"(?i)\s*(?:in\s+)?(?:revenues?|sales|profits?|income)\b")
_ItemContext = tuple[str, tuple[set[str], set[str]], str | None]
_PENALTIES = {
    "no_platform": 0.35, "no_action_verb": 0.3, "currency_ambiguous": 0.3, "no_amount": 0.2,
    "amount_qualified_bound": 0.2, "multiple_platforms": 0.15, "platform_from_context": 0.1,
    "amount_qualified_approximate": 0.1, "no_jurisdiction": 0.1, "conversion_currency_ambiguous": 0.05,
}  # fmt: skip


def extract_candidates(title: str, summary: str) -> list[Candidate]:
    """Read candidate enforcement actions from a news item's title and summary.

    A sentence yields a candidate when it has an action verb (fined, blocked, ...) and a
    platform or an imposed amount, or else an authority, a platform and an amount ("other").
    "... each" after an amount gives one candidate per platform named. Converted figures
    become ``reported_usd`` / ``reported_eur``. Candidates from different sentences that
    report one action (headline and body, a converted figure quoted again) are merged.

    Args:
        title: The item's headline (may be empty).
        summary: The item's text or summary.

    Returns:
        Candidates in order of first appearance.
    """
    item = f"{title}\n{summary}"
    sentences = ([title.strip()] if title.strip() else []) + split_sentences(summary)
    context = (
        title,
        _currency_context(item),
        _first_code(title, _PLACE_RULES) or _first_code(item, _PLACE_RULES),
    )
    kept: list[Candidate] = []
    for cand in (c for s in sentences for c in _sentence_candidates(s, context)):
        twin = next((i for i, k in enumerate(kept) if _same_action(k, cand)), None)
        if twin is None:
            kept.append(cand)
        else:
            kept[twin] = _combine(kept[twin], cand)
    return kept


def _sentence_candidates(sentence: str, context: _ItemContext) -> list[Candidate]:
    """Candidates of one sentence; context is (title, currency context, the item's jurisdiction)."""
    title, currency_context, item_jurisdiction = context
    scan = _scan(sentence, currency_context)
    primaries = [(i, m) for i, (m, role) in enumerate(scan) if role is None and _is_penalty(sentence, m)]
    spans = _platform_spans(sentence)
    authority = _authority(sentence)
    jurisdiction = (
        _first_code(authority or "", _BARE_PLACES) or _first_code(sentence, _PLACE_RULES) or item_jurisdiction
    )
    out = []
    for index, mention in primaries or ([(None, None)] if spans else []):
        action = _action_type(sentence, mention)
        if action is None and not (authority and mention and spans):
            continue
        conversions = [m for m, role in scan if index is not None and role == index]
        platform, reasons = _platform(sentence, spans, mention, title)
        end = max((m.end for m in [*conversions, mention] if m), default=0)
        each = mention is not None and (_EACH.match(sentence, end) or _EACH_BEFORE.search(sentence))
        for name in dict.fromkeys(n for _, n in spans) if each else [platform]:
            fields = (name, jurisdiction, authority, action)
            out.append(_build(sentence, mention, conversions, fields, reasons))
    return out


def _build(sentence: str, mention: MoneyMention | None, conversions: list[MoneyMention],
           fields: tuple[str | None, ...], reasons: list[str]) -> Candidate:  # fmt: skip
    platform, jurisdiction, authority, action = fields
    amount, currency, qualifier = (
        (mention.amount, mention.currency, mention.qualifier) if mention else [None] * 3
    )
    reasons = reasons + [r for r, bad in (
        ("no_action_verb", action is None),
        ("no_amount", mention is None and action in _MONETARY),
        ("currency_ambiguous", mention is not None and currency is None),
        ("amount_qualified_approximate", qualifier in _APPROXIMATE),
        ("amount_qualified_bound", qualifier is not None and qualifier not in _APPROXIMATE),
        ("conversion_currency_ambiguous", any(c.currency is None for c in conversions)),
        ("no_jurisdiction", jurisdiction is None),
    ) if bad]  # fmt: skip
    usd = next((c.amount for c in conversions if c.currency == "USD"), None)
    eur = next((c.amount for c in conversions if c.currency == "EUR"), None)
    core = (platform, jurisdiction, authority, action or "other", amount, currency, usd, eur, sentence)
    return Candidate(*core, _confidence(reasons), tuple(dict.fromkeys(reasons)))


def _confidence(reasons: tuple[str, ...] | list[str]) -> float:
    return round(max(0.0, 1.0 - sum(_PENALTIES.get(r, 0.1) for r in reasons)), 2)


def _is_penalty(sentence: str, mention: MoneyMention) -> bool:
    """False for amounts that are revenue, prices, claims or proposals rather than penalties."""
    clause = re.split(r"[,;:(—–]", sentence[max(0, mention.start - 60) : mention.start])[-1]
    after = sentence[mention.end : mention.end + 25]
    if mention.qualifier in ("up to", "as much as") and _POTENTIAL.search(clause):
        return False  # "faces a fine of up to £10m" is a maximum, not a decision
    return not (_NOT_PENALTY.search(clause) or _NOT_PENALTY_AFTER.match(after))


def _action_type(sentence: str, mention: MoneyMention | None) -> str | None:
    fine = _FINE.search(_AVOIDED.sub("", sentence))  # "to avoid penalties" is no penalty
    if mention is not None:
        before = sentence[max(0, mention.start - 30) : mention.start]
        if _PER_DAY.match(sentence, mention.end) or _DAILY.search(before):
            return "periodic_penalty"
    elif fine and _DAILY.search(sentence):
        return "periodic_penalty"
    if fine or (mention is not None and _PAY.search(sentence)):
        return "turnover_fine" if "turnover" in sentence.lower() else "fine"
    hits = sorted((m.start(), kind) for kind, rx in _NON_MONETARY if (m := rx.search(sentence)))
    kinds = [k for _, k in hits if k != "order"] or [k for _, k in hits]  # "ordered ... blocked": block
    return kinds[0] if kinds else None


def _platform_spans(text: str) -> list[tuple[int, str]]:
    """Platform mentions by position, without the owner in "Facebook owner Meta"."""
    spans = sorted((m.start(), m.end(), name) for name, rx in _PLATFORMS for m in rx.finditer(text))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if not (kept and _OWNER_GAP.fullmatch(text[kept[-1][1] : span[0]])):
            kept.append(span)
    return [(start, name) for start, _, name in kept]


def _platform(sentence: str, spans: list[tuple[int, str]], mention: MoneyMention | None,
              title: str) -> tuple[str | None, list[str]]:  # fmt: skip
    """The platform nearest before the amount (or the verb), else the title's platform."""
    reasons = []
    if not spans and sentence != title.strip():
        spans, reasons = _platform_spans(title), ["platform_from_context"]
    if not spans:
        return None, ["no_platform"]
    anchor = mention.start if mention else _cue_position(sentence)
    before = [name for start, name in spans if start < anchor]
    if len({name for _, name in spans}) > 1:
        reasons.append("multiple_platforms")
    return (before[-1] if before else spans[0][1]), reasons


def _cue_position(text: str) -> int:
    cues = [_FINE, *(rx for _, rx in _NON_MONETARY)]
    return min((m.start() for rx in cues if (m := rx.search(text))), default=0)


# Wire copy often names a court only by its city: "a Moscow court", "a court in Moscow".
_CITY_COURT = re.compile(
    r"\b(?:(?P<city>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+(?:(?:district|city|magistrate'?s?|arbitration)\s+)?court"
    r"|court\s+in\s+(?P<city2>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?))\b"
)


def _authority(sentence: str) -> str | None:
    m = _AUTHORITY.search(sentence)
    if m:
        return _AUTHORITY_LEAD.sub("", m.group(0))
    city = _CITY_COURT.search(sentence)
    name = city and (city.group("city") or city.group("city2"))
    # "A Russian court" names a country, not a court: leave it to the jurisdiction rules.
    if name and name not in ("A", "The") and not re.search(r"(?:ian|ese|ish|an)$", name):
        return f"court in {name}"
    return None


def _first_code(text: str, rules: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """The code of the earliest match of a known institution or of the place rules in a text."""
    hits = [(m.start(), code) for code, rx in _INSTITUTIONS + rules if (m := rx.search(text))]
    return min(hits)[1] if hits else None


def _same_action(a: Candidate, b: Candidate) -> bool:
    """Whether candidates from two sentences report one action (same amount, or a repeat)."""
    family = {c.platform: _PARENT.get(c.platform or "", c.platform) for c in (a, b)}
    if a.sentence == b.sentence or (a.platform and b.platform and family[a.platform] != family[b.platform]):
        return False
    if a.amount is None or b.amount is None:
        same_kind = a.action_type == b.action_type or {a.action_type, b.action_type} <= _MONETARY
        return same_kind and bool(a.platform and b.platform)
    if a.currency and b.currency:
        return a.currency == b.currency and a.amount == b.amount
    pairs = ((a, b), (b, a))
    return any(
        x.currency is None and x.amount in (y.amount, y.reported_usd, y.reported_eur) for x, y in pairs
    )


def _combine(a: Candidate, b: Candidate) -> Candidate:
    """Keep the richer of two candidates for one action, filling its gaps from the other."""

    def richness(c: Candidate) -> tuple[bool, bool, int, float]:
        reported = (c.reported_usd is not None) + (c.reported_eur is not None)
        return c.amount is not None, c.currency is not None, reported, c.confidence

    best, other = (a, b) if richness(a) >= richness(b) else (b, a)
    fields = ("platform", "authority", "jurisdiction")
    fills = {f: getattr(other, f) for f in fields if getattr(best, f) is None and getattr(other, f)}
    if best.action_type == "fine" and other.action_type in _MONETARY:
        fills["action_type"] = other.action_type  # the more specific kind of fine
    renamed = {"no_platform": "platform_from_context"} if "platform" in fills else {}
    dropped = {"no_jurisdiction"} if "jurisdiction" in fills else set()
    reasons = tuple(renamed.get(r, r) for r in best.reasons if r not in dropped)
    return replace(best, **fills, reasons=reasons, confidence=_confidence(reasons))
