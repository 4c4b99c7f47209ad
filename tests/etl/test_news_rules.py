"""Tests for the news extraction rules that keep invented facts out of the warehouse.

One action per item, converted figures, exchange-rate notes, jurisdiction, large number words,
review versus facts, the amount qualifier, the authority as the text names it, local dollars,
who was fined when several platforms are named, and totals, ranges and possible fines. The
sentences are written for these tests in wire phrasing. Real figures: Google's 7.2 and 21.1
billion rouble fines in Moscow (Dec 2021, July 2022), the KFTC's 207.4 billion won fine (Sept
2021), Twitter's 8.9 million rouble fines (April 2021), Turkey's 10 million lira fines (Nov
2020) and 296 million lira fine on Google (Oct 2021), the CNIL's cookie fines, Apple's 1.84
billion euro and Google's 2.42 and 4.34 billion euro EU fines (cut to 4.125 billion by the
General Court), Meta's 1.2 billion euros and Amazon's 746 million, the AGCM's Amazon fine, the
FTC's $5 billion, Spotify's 58 million kronor (IMY), WhatsApp's 225 million euros, TikTok's
750,000 euros in the Netherlands, the CNMC's 194 million euros on Amazon and Apple, the DPC's
€210m (Facebook) and €180m (Instagram) on Meta (Jan 2023, €390m together), the PIPC's 69.2 and
30.8 billion won on Google and Meta (Sept 2022), the CMA's £50.5 million on Facebook (Oct 2021),
the CCI's Rs 213.14 crore on Meta (Nov 2024), Microsoft's 561 million euros (EU, 2013), the
French competition authority's 1.1 billion euros on Apple and 139 million on its wholesalers
(2020), and the 13 billion euros of Irish back taxes the EU's top court upheld against Apple
(2024). Every other figure (the small rouble fines, the qualifier examples, the Tokyo, Italian
ride-hailing, Meta-and-TikTok, settlement-offer, dollar-country, range and possible-fine items)
is invented.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.parsing.news import Candidate, extract_candidates, parse_money
from etl.parsing.news_feed import MIN_CONFIDENCE, read_news
from etl.parsing.transform import split_extraction_issues

D = Decimal


def passing(title: str, summary: str) -> list[Candidate]:
    """The candidates confident enough to become facts."""
    return [c for c in extract_candidates(title, summary) if c.confidence >= MIN_CONFIDENCE]


def fact(c: Candidate) -> tuple:
    return (c.platform, c.jurisdiction, c.action_type, c.amount, c.currency, c.reported_usd, c.reported_eur)


# Rule 1: one action per item unless the item clearly reports several.


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        pytest.param(
            "Moscow court fines Google 7.2 bln roubles",
            "A court in Moscow fined Google 7,221,916,235 roubles on Friday for not deleting banned posts.",
            ("Google", "RU", "fine", D(7221916235), "RUB", None, None),
            id="headline-rounds-the-body-figure",
        ),
        pytest.param(
            "Russia fines Google $98 million",
            "A Moscow court on Friday fined Google 7.2 billion roubles for repeatedly failing to delete banned posts.",
            ("Google", "RU", "fine", D(7200000000), "RUB", None, None),
            id="headline-gives-only-an-unresolved-dollar-conversion",
        ),
        pytest.param(
            "South Korea fines Google $177 million over Android",
            "South Korea's antitrust regulator fined Google 207.4 billion won ($176.6 million) on Tuesday, "
            "a setback for the U.S. company.",
            ("Google", "KR", "fine", D(207400000000), "KRW", D(176600000), None),
            id="headline-dollar-rounds-the-bracketed-conversion",
        ),
        pytest.param(
            "Korea fines Google US$177 mln",
            "The Korea Fair Trade Commission ordered Google to pay 207.4 billion won on Tuesday.",
            ("Google", "KR", "fine", D(207400000000), "KRW", D(177000000), None),
            id="headline-usd-becomes-the-stated-conversion",
        ),
        pytest.param(
            "Google fined 7.2 billion roubles in Russia",
            "The fine, about $98 million, is the largest a Russian court has imposed on a foreign tech company.",
            ("Google", "RU", "fine", D(7200000000), "RUB", None, None),
            id="body-repeats-the-fine-only-as-a-dollar-figure",
        ),
        pytest.param(
            "EU fines Apple nearly 1.8 billion euros",
            "Apple was fined 1.84 billion euros ($2 billion) by the European Commission on Monday over music "
            "streaming.",
            ("Apple", "EU", "fine", D(1840000000), "EUR", D(2000000000), None),
            id="qualified-rounded-headline-and-exact-body",
        ),
    ],
)
def test_headline_and_body_repeating_one_fine_give_one_fact(
    title: str, summary: str, expected: tuple
) -> None:
    """A fine told twice (rounded, or once only as a conversion) is one fact in its own currency."""
    candidates = extract_candidates(title, summary)
    assert [fact(c) for c in candidates] == [expected]
    assert candidates[0].confidence >= MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        pytest.param(
            "Turkey fines Facebook, Twitter and TikTok",
            "Each was fined 10 million lira ($1.2 million) on Wednesday, a deputy minister said.",
            [(name, D(10000000), "TRY") for name in ("Facebook", "Twitter", "TikTok")],
            id="each-after-the-platforms-in-the-headline",
        ),
        pytest.param(
            "",
            "France's CNIL fined Google 150 million euros and Facebook 60 million euros over cookie banners.",
            [("Google", D(150000000), "EUR"), ("Facebook", D(60000000), "EUR")],
            id="distinct-platforms-each-with-its-amount",
        ),
        pytest.param(
            "",
            "A Moscow court fined Twitter 3.2 million, 3.3 million and 2.4 million roubles on three counts.",
            [("Twitter", D(3200000), "RUB"), ("Twitter", D(3300000), "RUB"), ("Twitter", D(2400000), "RUB")],
            id="a-list-in-one-currency",
        ),
        pytest.param(
            "Moscow court fines Google twice",
            "A Moscow court fined Google 3 million roubles on Tuesday and, in a separate case, another "
            "2 million roubles.",
            [("Google", D(3000000), "RUB"), ("Google", D(2000000), "RUB")],
            id="the-text-says-separate",
        ),
        pytest.param(
            "",
            "France's CNIL fined Google and Facebook 150 million euros and 60 million euros respectively.",
            [("Google", D(150000000), "EUR"), ("Facebook", D(60000000), "EUR")],
            id="respectively",
        ),
        pytest.param(
            "",
            "France's CNIL fined Google 100 million euros and imposed a penalty of 100,000 euros a day until "
            "it complies.",
            [("Google", D(100000000), "EUR"), ("Google", D(100000), "EUR")],
            id="a-fine-and-a-daily-penalty",
        ),
    ],
)
def test_items_that_clearly_report_several_fines_keep_them_all(
    title: str, summary: str, expected: list[tuple]
) -> None:
    """Several facts when "each", distinct platforms, a one-currency list, "separate" or a daily penalty say so."""
    assert [(c.platform, c.amount, c.currency) for c in passing(title, summary)] == expected


@pytest.mark.parametrize(
    ("title", "summary", "kept"),
    [
        pytest.param(
            "Google fined in Moscow",
            "A Moscow court fined Google 3 million roubles on Tuesday. Interfax said the court fined Google "
            "5 million roubles.",
            [],
            id="two-figures-and-no-headline-figure",
        ),
        pytest.param(
            "Moscow court fines Google 3 mln roubles",
            "A Moscow court fined Google 3 million roubles on Tuesday. Interfax said Google was fined 5 million "
            "roubles.",
            [D(3000000)],
            id="the-headline-figure-stands",
        ),
    ],
)
def test_conflicting_figures_for_one_fine_go_to_review(title: str, summary: str, kept: list[Decimal]) -> None:
    """Two figures for what reads as one fine are held for review, except the one the headline gives."""
    candidates = extract_candidates(title, summary)
    assert [c.amount for c in candidates if c.confidence >= MIN_CONFIDENCE] == kept
    held = [c for c in candidates if c.confidence < MIN_CONFIDENCE]
    assert held and all("conflicting_amounts" in c.reasons for c in held)


@pytest.mark.parametrize(
    ("title", "summary", "passed"),
    [
        pytest.param(
            "",
            "The EU General Court cut Google's fine to 4.125 billion euros from 4.34 billion euros.",
            [D(4125000000)],  # "to X from Y": Y is the former figure (round 15, news_changes.former_figure)
            id="a-changed-figure-is-no-list",
        ),
        pytest.param(
            "EU court cuts Google fine to 4.1 billion euros",
            "The EU General Court cut Google's fine to 4.125 billion euros from 4.34 billion euros.",
            [D(4125000000)],
            id="the-headline-says-which",
        ),
    ],
)
def test_a_fine_changed_from_one_figure_to_another_is_one_fine(
    title: str, summary: str, passed: list[Decimal]
) -> None:
    """A fine "cut to X from Y" has two figures, not two fines: X, the figure it now stands at, passes."""
    assert [c.amount for c in passing(title, summary)] == passed


@pytest.mark.parametrize(
    "summary",
    [
        "Spain's competition watchdog CNMC fined Amazon and Apple 194 million euros over sales restrictions.",
        "Facebook, like Google, must pay 60 million euros, the CNIL said.",
        "Meta and TikTok were fined a combined 2 million euros by the Dutch regulator.",
    ],
)
def test_platforms_listed_together_or_compared_leave_the_fined_one_unclear(summary: str) -> None:
    """One amount next to "Amazon and Apple" or "like Google" is not attributed to either: review."""
    [candidate] = extract_candidates("", summary)
    assert "platform_unclear" in candidate.reasons and candidate.confidence < MIN_CONFIDENCE


# Rule 2: a conversion belongs to the amount before it.


KRW_FINE = "South Korea's regulator fined Google 207.4 billion won"
RUB_FINE = "A Moscow court fined Twitter 8.9 million roubles"


@pytest.mark.parametrize(
    ("sentence", "amount", "currency", "usd", "eur"),
    [
        (f"{KRW_FINE} ($177 million).", "207400000000", "KRW", "177000000", None),
        (f"{RUB_FINE} - about $117,000 - on Friday.", "8900000", "RUB", "117000", None),
        (f"{RUB_FINE}, or about $117,000, on Friday.", "8900000", "RUB", "117000", None),
        (f"{KRW_FINE}, equivalent to $177 million.", "207400000000", "KRW", "177000000", None),
        (f"{KRW_FINE} (equivalent to about $177 million).", "207400000000", "KRW", "177000000", None),
        (f"{KRW_FINE}, which is about $177 million.", "207400000000", "KRW", "177000000", None),
        (
            "Turkey's competition board fined Google 296 million lira (roughly 30 million euros).",
            "296000000",
            "TRY",
            None,
            "30000000",
        ),
    ],
)
def test_a_conversion_is_stored_with_its_fine_never_as_a_fine(
    sentence: str, amount: str, currency: str, usd: str | None, eur: str | None
) -> None:
    """A figure in brackets, after a dash, "or about", "equivalent to" or "which is" is the fine's conversion."""
    [candidate] = extract_candidates("", sentence)
    reported = (candidate.reported_usd, candidate.reported_eur)
    assert (candidate.amount, candidate.currency) == (D(amount), currency)
    assert reported == (usd and D(usd), eur and D(eur))


# Rule 3: exchange-rate notes are never amounts.


@pytest.mark.parametrize(
    "note",
    [
        "($1 = 73.6 roubles)",
        "(1 euro = 1.09 dollars)",
        "($1 = 1,300 won)",
        "(£1 = $1.27)",
        "(US$1 = 1,174.2 won)",
        "at an exchange rate of 1,300 won per dollar",
        "converted at 74.2 roubles to the dollar",
    ],
)
def test_exchange_rate_notes_are_not_amounts(note: str) -> None:
    """Both sides of a rate note ("$1 = 73.6 roubles") are left out of the amounts."""
    assert parse_money(note) == []


@pytest.mark.parametrize(
    "summary",
    [
        "A Moscow court fined Google 7.2 billion roubles ($98 million) on Friday. ($1 = 73.6 roubles)",
        "A Moscow court fined Google 7.2 billion roubles ($98 million) on Friday.\n\n($1 = 73.6 roubles)",
        "A Moscow court fined Google 7.2 billion roubles ($98 million) on Friday, at an exchange rate of 73.6 "
        "roubles per dollar.",
    ],
)
def test_a_rate_note_after_the_fine_adds_no_candidate(summary: str) -> None:
    """The wire's trailing "($1 = 73.6 roubles)" neither adds a fine nor changes the one reported."""
    candidates = extract_candidates("Russia fines Google $98 million", summary)
    assert [fact(c) for c in candidates] == [
        ("Google", "RU", "fine", D(7200000000), "RUB", D(98000000), None)
    ]


def test_a_one_rouble_amount_is_still_an_amount() -> None:
    """Only a rate note drops a "1": a symbolic one-rouble fine is read."""
    assert [(m.amount, m.currency) for m in parse_money("a symbolic fine of 1 rouble")] == [(D(1), "RUB")]


# Rule 4: a currency never gives the jurisdiction.


@pytest.mark.parametrize(
    ("title", "summary", "jurisdiction"),
    [
        ("", "Google was ordered to pay about 177 million US dollars by the regulator in Seoul.", "KR"),
        ("", "Google was fined 177 million U.S. dollars by the regulator.", None),
        ("Google fined US$177 mln by Korean regulator", "", "KR"),
        ("", "Twitch was fined $3 million.", None),
        ("", "The U.S. company said the regulator had fined Google 207.4 billion won.", None),
        ("", "The US Federal Trade Commission fined Facebook $5 billion.", "US"),
    ],
)
def test_jurisdiction_comes_from_the_authority_or_place_never_the_currency(
    title: str, summary: str, jurisdiction: str | None
) -> None:
    """A "US$", "U.S. dollars" or "$" says nothing about who imposed the fine."""
    [candidate] = extract_candidates(title, summary)
    assert candidate.jurisdiction == jurisdiction


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Google fined US$177 mln by Korean regulator", ""),
        ("", "A Moscow court fined Google some 126 million U.S. dollars."),
    ],
)
def test_a_fine_in_another_currency_than_its_jurisdictions_goes_to_review(title: str, summary: str) -> None:
    """A Korean or Russian fine reported only in dollars is a conversion, not a USD fine."""
    [candidate] = extract_candidates(title, summary)
    assert candidate.currency == "USD" and candidate.jurisdiction in ("KR", "RU")
    assert "currency_not_local" in candidate.reasons and candidate.confidence < MIN_CONFIDENCE


# Rule 5: number words up to undecillion, and singular currency words.


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("two undecillion rubles", "2" + "0" * 36, "RUB"),
        ("2 undecillion roubles", "2" + "0" * 36, "RUB"),
        ("1.5 undecillion roubles", "15" + "0" * 35, "RUB"),
        ("twenty decillion dollars", "2" + "0" * 34, None),
        ("$20 decillion", "2" + "0" * 34, None),
        ("seven nonillion rubles", "7" + "0" * 30, "RUB"),
        ("6 octillion roubles", "6" + "0" * 27, "RUB"),
        ("five septillion euros", "5" + "0" * 24, "EUR"),
        ("4 sextillion rubles", "4" + "0" * 21, "RUB"),
        ("three quintillion won", "3" + "0" * 18, "KRW"),
        ("2.5 quadrillion won", "25" + "0" * 14, "KRW"),
        ("1.49 billion euro", "1490000000", "EUR"),
        ("a 50 million euro fine", "50000000", "EUR"),
        ("1 rouble", "1", "RUB"),
        ("65 million Norwegian crowns", "65000000", "NOK"),
        ("one dollar", "1", None),
    ],
)
def test_parse_money_reads_the_largest_named_scales_and_singular_currencies(
    text: str, amount: str, currency: str | None
) -> None:
    """Short-scale words to undecillion (10**36), as words or after digits, are exact integers."""
    [mention] = parse_money(text)
    assert (str(mention.amount), mention.currency) == (amount, currency)


def test_a_two_undecillion_rouble_figure_is_read_exactly() -> None:
    """Russia's 2 x 10**36 rouble tally of Google's fines is one exact RUB figure."""
    [candidate] = passing(
        "Google's Russian fines reach two undecillion roubles",
        "The fines owed by Google for blocking Russian state media channels on YouTube have grown to "
        "two undecillion roubles, RBC reported.",
    )
    assert fact(candidate) == ("Google", "RU", "fine", D(2 * 10**36), "RUB", None, None)


# Rule 6: certain items become facts, uncertain ones go to review with the reason.


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        (
            "Russia fines Google $98 million",
            "MOSCOW, Dec 24 (Wire) - A Moscow court on Friday fined Alphabet Inc's Google 7.2 billion roubles "
            "($98 million) for repeatedly failing to delete banned content.\n\n($1 = 73.6 roubles)",
            ("Google", "RU", "fine", D(7200000000), "RUB", D(98000000), None),
        ),
        (
            "Turkey fines Google 296 mln lira",
            "ISTANBUL (Wire) - Turkey's competition board fined Alphabet's Google 296 million lira on Thursday.",
            ("Google", "TR", "fine", D(296000000), "TRY", None, None),
        ),
        (
            "Amazon ordered to pay",
            "A Tokyo court ordered Amazon to pay ¥300 million over unfair supplier terms.",
            ("Amazon", "JP", "fine", D(300000000), "JPY", None, None),
        ),
        (
            "",
            "WhatsApp was told to pay 225 million euros by Ireland's privacy watchdog.",
            ("WhatsApp", "IE", "fine", D(225000000), "EUR", None, None),
        ),
        (
            "",
            "The Netherlands' privacy watchdog fined TikTok 750,000 euros over its privacy notice.",
            ("TikTok", "NL", "fine", D(750000), "EUR", None, None),
        ),
    ],
)
def test_a_certain_item_becomes_one_fact(title: str, summary: str, expected: tuple) -> None:
    """An item with a named platform, place and local amount passes, once, without doubts."""
    candidates = extract_candidates(title, summary)
    assert [fact(c) for c in candidates] == [expected]
    assert candidates[0].confidence >= MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("title", "summary", "reason"),
    [
        ("Moscow court hits Google with $98 million fine", "", "currency_ambiguous"),
        ("", "Spotify was fined 58 million kronor over data access requests.", "no_jurisdiction"),
        ("", "Italy's antitrust authority fined a ride-hailing app 4 million euros.", "no_platform"),
        ("Russia fines Twitter", "", "no_amount"),
        (
            "Russia threatens to block Twitter",
            "Roskomnadzor said it could block it within a month.",
            "planned_action",
        ),
        ("", "A Moscow court fined Telegram's founder 5,000 roubles.", "fined_party_not_platform"),
        ("", "Google was fined over $130 million at the current exchange rate.", "amount_is_conversion"),
        ("", "Google offered to pay 500 million euros, the European Commission said.", "planned_action"),
    ],
)
def test_an_uncertain_item_goes_to_review_with_its_reason(title: str, summary: str, reason: str) -> None:
    """Any one of these doubts alone keeps the candidate out of the facts."""
    [candidate] = extract_candidates(title, summary)
    assert reason in candidate.reasons
    assert candidate.confidence < MIN_CONFIDENCE


def test_an_earlier_fine_recalled_in_the_body_is_held_but_the_news_stands() -> None:
    """A recalled fine ("The Commission fined Google ... in 2017") is background, not a fact of this item."""
    candidates = extract_candidates(
        "Apple fined 1.8 billion euros by EU",
        "Apple was fined 1.84 billion euros by the European Commission on Monday. The Commission fined Google "
        "2.42 billion euros in 2017.",
    )
    assert [(c.platform, c.confidence >= MIN_CONFIDENCE) for c in candidates] == [
        ("Apple", True),
        ("Google", False),
    ]
    assert "earlier_action" in candidates[1].reasons


@pytest.mark.parametrize(
    "summary",
    [
        "Regulators circulated a draft decision proposing a fine of 500 million euros for TikTok.",
        "The maximum fine Meta faced under the law was 4 billion euros.",
        "Analysts estimated the fine on Google at 3 billion euros.",
    ],
)
def test_draft_maximum_and_estimated_figures_are_not_fines(summary: str) -> None:
    """A draft, a legal maximum or an analyst's estimate is no decided amount."""
    assert [c.amount for c in extract_candidates("", summary) if c.amount is not None] == []


@pytest.mark.parametrize(
    ("summary", "recalled"),
    [
        ("The Commission fined Google 2.42 billion euros in 2017.", True),
        (
            "Ireland's DPC fined Meta 1.2 billion euros, surpassing the 746 million euros imposed on Amazon.",
            False,
        ),
    ],
)
def test_a_clause_that_looks_back_marks_an_earlier_action(summary: str, recalled: bool) -> None:
    """A year, "previously", "surpassing ..." put the amount in their clause in the past."""
    candidates = extract_candidates("", summary)
    assert ["earlier_action" in c.reasons for c in candidates][-1] is True
    assert ("earlier_action" in candidates[0].reasons) is recalled


@pytest.mark.parametrize(
    ("sentence", "action_type"),
    [
        ("A Moscow court hit Google with a turnover-based fine of 7.2 billion roubles.", "turnover_fine"),
        ("A Moscow court fined Google 21.1 billion roubles, calculated as a share of its turnover.", "turnover_fine"),
        ("The European Commission fined Google 4.34 billion euros; fines can reach 10% of global turnover.", "fine"),
    ],
)  # fmt: skip
def test_a_turnover_fine_is_one_computed_from_turnover(sentence: str, action_type: str) -> None:
    """Turnover named as the basis of the fine makes a turnover fine; turnover named as a cap does not."""
    [candidate] = extract_candidates("", sentence)
    assert candidate.action_type == action_type


@pytest.mark.parametrize(
    "summary",
    ["Reddit has never been fined by the regulator.", "Pinterest was not fined, the regulator said."],
)
def test_a_negated_fine_is_no_action(summary: str) -> None:
    """A negated verb ("never been fined", "was not fined") gives no candidate."""
    assert extract_candidates("", summary) == []


def test_a_long_noisy_item_stays_in_review_and_does_not_explode() -> None:
    """Hundreds of figures for one platform are not hundreds of facts (and stay cheap to read)."""
    summary = " ".join(f"Google was fined {n} million roubles." for n in range(1, 301))
    candidates = extract_candidates("Google fined", summary)
    assert len(candidates) == 300
    assert all(c.confidence < MIN_CONFIDENCE for c in candidates)
    assert "too_many_candidates" in candidates[-1].reasons


# Rule 7: the amount's qualifier, normalised, reaches the candidate row.


@pytest.mark.parametrize(
    ("phrase", "qualifier"),
    [
        ("fined Amazon 5 million euros", None),
        ("fined Amazon about 5 million euros", "about"),
        ("fined Amazon roughly 5 million euros", "about"),
        ("fined Amazon approximately 5 million euros", "about"),
        ("fined Amazon ~€5 million", "about"),
        ("fined Amazon nearly 5 million euros", "nearly"),
        ("fined Amazon almost 5 million euros", "nearly"),
        ("fined Amazon over 5 million euros", "more than"),
        ("fined Amazon more than 5 million euros", "more than"),
        ("fined Amazon in excess of 5 million euros", "more than"),
        ("fined Amazon at least 5 million euros", "at least"),
        ("fined Amazon less than 5 million euros", "less than"),
        ("ordered Amazon to pay up to 5 million euros", "up to"),
    ],
)
def test_candidate_carries_the_normalised_qualifier(phrase: str, qualifier: str | None) -> None:
    """Synonyms map onto about, nearly, more than, at least, less than and up to."""
    [candidate] = extract_candidates("", f"Italy's competition authority AGCM {phrase}.")
    assert (candidate.amount, candidate.qualifier) == (D(5000000), qualifier)


RSS = """<rss version="2.0"><channel>
<item><title>Italy fines Amazon</title>
<description>Italy's AGCM fined Amazon more than 1.1 billion euros on Thursday.</description>
<guid>synthetic-qualifier-1</guid><pubDate>Thu, 09 Dec 2021 10:00:00 +0000</pubDate></item>
<item><title>Moscow court hits Google with $98 million fine</title><description></description>
<guid>synthetic-qualifier-2</guid><pubDate>Fri, 24 Dec 2021 10:00:00 +0000</pubDate></item>
</channel></rss>"""


def test_read_news_rows_carry_the_amount_qualifier_and_the_review_reason() -> None:
    """Each news row has ``amount_qualifier``; a held row names its reasons, a soft doubt included."""
    frame = read_news(RSS.encode())
    rows = frame.select("platform", "amount", "amount_qualifier", "currency", "extraction_issue").rows()
    assert rows[0][:4] == ("Amazon", "1100000000", "more than", "EUR")
    assert rows[0][4] == "extraction doubt (0.80): amount_qualified_bound"  # a bound is not the fine itself
    assert rows[1][:4] == ("Google", "98000000", None, None)
    assert rows[1][4].startswith("low-confidence extraction") and "currency_ambiguous" in rows[1][4]


@pytest.mark.parametrize(
    ("summary", "issue"),
    [
        ("A Moscow court fined TikTok 2.5 million rubles on Tuesday.", None),
        # Two names of one platform downstream are no doubt about which platform was fined.
        (
            "Ireland's Data Protection Commission fined Meta 1.2 billion euros over Facebook users' data.",
            None,
        ),
        (
            "Italy's AGCM fined Amazon more than 1.1 billion euros.",
            "extraction doubt (0.80): amount_qualified_bound",
        ),
        # "about" is a soft doubt, and every doubt holds
        (
            "Italy's AGCM fined Amazon about 1.1 billion euros.",
            "extraction doubt (0.90): amount_qualified_approximate",
        ),
        (
            "Russia's communications regulator Roskomnadzor blocked LinkedIn on Thursday.",
            "block from news: a measure without a fine waits for review",
        ),
    ],
)
def test_only_a_news_fine_read_without_doubt_becomes_a_fact(summary: str, issue: str | None) -> None:
    """Any doubt, a soft one too, or a measure without money holds a candidate."""
    item = f"<item><title></title><description>{summary}</description><guid>synthetic-policy</guid></item>"
    rows = read_news(f'<rss version="2.0"><channel>{item}</channel></rss>'.encode())
    assert rows["extraction_issue"].to_list() == [issue]


# Rule 8: the authority is taken as the text names or describes it, so a fact can pass the contract.


@pytest.mark.parametrize(
    ("title", "summary", "authority", "jurisdiction"),
    [
        ("", "A Russian court fined Twitch 3 million roubles.", "Russian court", "RU"),
        ("", "A Moscow court fined Twitch 3 million roubles.", "Moscow court", "RU"),
        ("", "Moscow's Tagansky court fined Twitch 3 million roubles.", "Moscow's Tagansky court", "RU"),
        ("", "Twitch must pay 3 million roubles after a Moscow magistrate ruled.", "Moscow magistrate", "RU"),
        ("", "Turkey's competition authority fined Google 296 million lira.", "Turkey's competition authority", "TR"),
        ("", "The Irish data regulator fined Meta 390 million euros.", "Irish data regulator", "IE"),
        ("", "South Korea's antitrust regulator fined Google 207.4 billion won.", "South Korea's antitrust regulator",
         "KR"),
        ("", "Regulators in Beijing fined Tencent 500,000 yuan.", "Regulators in Beijing", "CN"),
        ("", "Amazon was ordered to pay 10 lakh rupees by an Indian consumer court.", "Indian consumer court", "IN"),
        ("", "India's antitrust body fined Meta Rs 213.14 crore.", "India's antitrust body", "IN"),
        ("Russia fines Google", "Google was fined 500,000 roubles, the communications watchdog said.",
         "communications watchdog", "RU"),
        ("Russian court fines TikTok", "TikTok was fined 2.6 million roubles on Tuesday.", "Russian court", "RU"),
        ("Twitch fined", "Twitch was fined 3 million roubles on Tuesday. The Tagansky court gave no details.",
         "Tagansky court", "RU"),
        ("", "The Competition and Markets Authority fined Facebook £50.5 million.",
         "Competition and Markets Authority", "GB"),
        ("", "Spotify was fined SEK 58 million by Sweden's IMY.", "IMY", "SE"),
        ("", "Turkey fined Twitter 10 million lira.", "Turkey", "TR"),
        ("", "Ankara has imposed fines of 10 million lira each on Twitter and TikTok.", "Ankara", "TR"),
    ],
)  # fmt: skip
def test_the_authority_is_taken_as_the_text_names_it(
    title: str, summary: str, authority: str, jurisdiction: str
) -> None:
    """A described authority ("a Russian court", "Turkey's competition authority") is kept as written."""
    candidates = extract_candidates(title, summary)
    assert candidates and all((c.authority, c.jurisdiction) == (authority, jurisdiction) for c in candidates)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Turkey fines social networks", "Twitter was fined 10 million lira, a deputy minister said."),
        ("", "The court ordered Telegram blocked in Russia."),
        ("", "Reddit was fined 2 million euros, the regulator said."),
    ],
)
def test_a_state_in_another_sentence_or_a_bare_court_is_no_authority(title: str, summary: str) -> None:
    """A headline "Turkey fines ..." does not say which body fined; nor does "the court": review."""
    [candidate] = extract_candidates(title, summary)
    assert candidate.authority is None


def test_a_fact_with_a_described_authority_passes_the_contract() -> None:
    """A Russian court's fine read from a feed is a fact, not an item held for a missing authority."""
    rss = (
        "<rss><channel><item><title>Russian court fines Twitch</title><description>A Russian court fined "
        "Twitch 3 million roubles on Tuesday.</description><guid>synthetic-authority-1</guid>"
        "<pubDate>Tue, 05 Mar 2024 10:00:00 +0000</pubDate></item></channel></rss>"
    )
    certain, held = split_extraction_issues(read_news(rss.encode()))
    assert held.is_empty()
    assert certain.select("authority", "jurisdiction", "amount", "currency").rows() == [
        ("Russian court", "RU", "3000000", "RUB")
    ]


# Rule 9: bare "$" is the local dollar of the fine's only dollar country.


@pytest.mark.parametrize(
    ("title", "summary", "currency"),
    [
        ("Australian court fines Twitch", "Australia's Federal Court fined Twitch $600,000.", "AUD"),
        ("", "Microsoft was fined 20 million dollars by a Canadian court.", "CAD"),
        ("", "New Zealand's privacy commissioner fined Uber $1.2 million.", "NZD"),
        # Another dollar country named, a dollar written out, or the figure is a conversion: unresolved.
        ("", "Australia's Federal Court fined Twitch $600,000, a U.S. company.", None),
        ("", "Canada's regulator fined Twitch $600,000; a New Zealand fine is pending.", None),
        ("", "A Russian court fined Twitch $600,000.", None),
    ],
)
def test_bare_dollars_of_a_fine_in_a_dollar_country_are_its_dollars(
    title: str, summary: str, currency: str | None
) -> None:
    """Bare "$" is AUD in an Australian court's fine when the item names no other dollar country (invented)."""
    candidates = extract_candidates(title, summary)
    assert candidates[0].currency == currency


def test_a_bare_dollar_conversion_in_an_australian_item_stays_unresolved() -> None:
    """A bracketed "$" after a yuan figure in an Australian item is not read as USD nor as AUD."""
    [candidate] = extract_candidates(
        "", "Australia's regulator noted China fined Alibaba 18 billion yuan ($3.7 billion)."
    )
    assert (candidate.currency, candidate.reported_usd) == ("CNY", None)


# Rule 10: who was fined, when several platforms are named.


@pytest.mark.parametrize(
    ("summary", "platform"),
    [
        ("Meta, the owner of Facebook and Instagram, was fined 2 billion roubles by a Moscow court.", "Meta"),
        ("Meta, which owns WhatsApp, was fined 2 billion roubles by a Moscow court.", "Meta"),
        ("Meta, Instagram's owner, was fined 2 billion roubles by a Moscow court.", "Meta"),
        ("Instagram owner Meta was fined 2 billion roubles by a Moscow court.", "Meta"),
        ("A Moscow court fined Meta 2 billion roubles over posts on Instagram and WhatsApp.", "Meta"),
        ("A Moscow court fined Google 2 million roubles over YouTube videos.", "Google"),
    ],
)
def test_platforms_that_describe_the_owner_or_the_subject_are_not_the_party_fined(
    summary: str, platform: str
) -> None:
    """Platforms in an apposition ("the owner of ...") or a subject ("over ...") do not take the fine (invented)."""
    [candidate] = extract_candidates("", summary)
    assert candidate.platform == platform and candidate.confidence >= MIN_CONFIDENCE


def test_two_amounts_each_over_a_service_of_one_family_are_that_services_fines() -> None:
    """The DPC's €210m over Facebook and €180m over Instagram (Jan 2023) are facts; €390m is their total."""
    candidates = extract_candidates(
        "Data Protection Commission fines Meta €390m",
        "Ireland's Data Protection Commission has fined Meta €210m over Facebook and €180m over Instagram.",
    )
    assert [(c.platform, c.amount) for c in candidates if c.confidence >= MIN_CONFIDENCE] == [
        ("Facebook", D(210000000)),
        ("Instagram", D(180000000)),
    ]
    assert "amount_is_total" in candidates[0].reasons and candidates[0].amount == D(390000000)


def test_a_headline_sure_of_the_platform_names_a_repeated_fine() -> None:
    """A body that names two platforms of one family takes the platform from the headline naming one."""
    [candidate] = extract_candidates(
        "Russia fines Google 5 billion roubles",
        "Russian courts have fined Google over YouTube channels a total of 5 billion roubles, RBC said.",
    )
    assert (candidate.platform, "multiple_platforms" in candidate.reasons) == ("Google", False)


def test_another_party_between_two_amounts_leaves_the_second_unclear() -> None:
    """A second amount "... and its wholesalers ... 139 million euros" is not Apple's (French 2020 case)."""
    candidates = extract_candidates(
        "",
        "France's competition authority fined Apple 1.1 billion euros, and its wholesalers Tech Data and Ingram "
        "Micro 139 million euros together.",
    )
    assert [(c.amount, c.confidence >= MIN_CONFIDENCE) for c in candidates] == [
        (D(1100000000), True),
        (D(139000000), False),
    ]
    assert "platform_unclear" in candidates[1].reasons


# Rule 11: totals, ranges, possible fines and figures that are something else are no facts.


def test_a_sum_of_the_items_fines_is_their_total() -> None:
    """The PIPC's 69.2 and 30.8 billion won (Sept 2022) are facts; "the combined 100 billion won" is not a third."""
    candidates = extract_candidates(
        "South Korea fines Google, Meta",
        "South Korea's privacy regulator fined Google 69.2 billion won and Meta 30.8 billion won. The combined "
        "100 billion won is its largest penalty.",
    )
    assert [(c.platform, c.amount) for c in candidates if c.confidence >= MIN_CONFIDENCE] == [
        ("Google", D(69200000000)),
        ("Meta", D(30800000000)),
    ]
    assert ["amount_is_total" in c.reasons for c in candidates] == [False, False, True]


@pytest.mark.parametrize(
    ("title", "summary", "reason"),
    [
        ("Twitter expects FTC fine of $150 million to $250 million", "", "amount_is_range"),
        ("", "The FTC said Twitter could pay between $150 million and $250 million.", "amount_is_range"),
        ("", "A Moscow court said Google, Apple and Twitch together face fines of 140 million roubles.",
         "planned_action"),
        ("Twitch expects fine", "Twitch expects a fine of 5 million roubles from a Moscow court.", "planned_action"),
        ("Apple ordered to pay 13 billion euros", "The EU's top court ordered Apple to pay 13 billion euros in back "
         "taxes to Ireland.", "amount_not_penalty"),
    ],
)  # fmt: skip
def test_ranges_possible_fines_and_taxes_go_to_review(title: str, summary: str, reason: str) -> None:
    """A range, a fine that could come, or a figure the item calls back taxes is held with its reason (invented)."""
    candidates = extract_candidates(title, summary)
    assert candidates and all(c.confidence < MIN_CONFIDENCE for c in candidates)
    assert all(reason in c.reasons for c in candidates if c.amount is not None)


def test_a_possible_fine_casts_no_doubt_on_the_decided_one() -> None:
    """Fines that Twitter "together face" leave its decided 3 million rouble fine a fact (invented)."""
    candidates = extract_candidates(
        "Court upholds Twitter fine",
        "Moscow's Tagansky court confirmed a 3 million rouble fine on Twitter. Google, Facebook and Twitter "
        "together face fines of more than 140 million roubles, an official said.",
    )
    assert [c.amount for c in candidates if c.confidence >= MIN_CONFIDENCE] == [D(3000000)]


def test_a_warning_that_fines_could_follow_is_a_warning() -> None:
    """A court that "warned ... it could face fines" gave a warning, not a fine (invented)."""
    [candidate] = extract_candidates(
        "", "A Moscow court warned Wikipedia it could face fines of up to 4 million roubles."
    )
    assert (candidate.action_type, candidate.amount) == ("warning", None)


@pytest.mark.parametrize(
    "summary",
    [
        "EU regulators fined Microsoft 561 million euros ($731 million) in 2013 for its browser choice.",
        "A Moscow court fined Twitch 3 million roubles. Earlier this year Twitch was fined 2 million roubles.",
    ],
)
def test_a_year_after_the_conversion_or_earlier_this_year_looks_back(summary: str) -> None:
    """A year after the conversion, or "earlier this year", puts the amount in the past (the 2013 fine is real)."""
    assert "earlier_action" in extract_candidates("", summary)[-1].reasons


def test_a_conversion_the_local_figure_already_states_is_not_taken_again() -> None:
    """A figure stating its conversion ("about $37.5 million") absorbs no other dollar figure (invented)."""
    candidates = extract_candidates(
        "Nigeria fines Meta",
        "Nigeria's advertising regulator fined Meta ₦60 billion (about $37.5 million). The data regulator "
        "imposed $32.8 million on Meta.",
    )
    assert len(candidates) == 2
    assert (candidates[0].amount, candidates[0].currency, candidates[0].reported_usd) == (
        D(60000000000),
        "NGN",
        D(37500000),
    )


def test_raising_a_penalty_is_no_change_of_figure() -> None:
    """Being told to "raise the penalties" does not make two listed fines one changed figure (invented)."""
    candidates = extract_candidates(
        "",
        "The regulator in Dublin fined TikTok €20m and Snapchat €10m after European regulators told it to "
        "raise the penalties.",
    )
    assert "conflicting_amounts" not in {r for c in candidates for r in c.reasons}


# Rule 12: more money forms.


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Rp 202.5 billion", "202500000000", "IDR"),
        ("IDR202.5 billion", "202500000000", "IDR"),
        ("USD12.4 million", "12400000", "USD"),
        ("RMB18.23 billion", "18230000000", "CNY"),
        ("₦60 billion", "60000000000", "NGN"),
        ("42-point-one billion won", "42100000000", "KRW"),
    ],
)
def test_parse_money_reads_attached_codes_rupiah_naira_and_spoken_decimals(
    text: str, amount: str, currency: str
) -> None:
    """Codes written against the digits, "Rp", "₦" and broadcast "42-point-one" are read exactly."""
    [mention] = parse_money(text)
    assert (str(mention.amount), mention.currency) == (amount, currency)


def test_a_lead_eu_regulator_is_no_eu_jurisdiction() -> None:
    """A "lead EU privacy regulator" is a national regulator: without its country, no jurisdiction (invented)."""
    [candidate] = extract_candidates(
        "", "Twitch was fined 90 million euros by its lead EU privacy regulator."
    )
    assert candidate.jurisdiction is None and candidate.confidence < MIN_CONFIDENCE


def test_a_fine_compared_with_another_platforms_is_not_this_items_fact() -> None:
    """Another platform's fine it is compared with ("after Snapchat's 12 million euros") is held (invented)."""
    candidates = extract_candidates(
        "",
        "Ireland's regulator fined Twitch 9 million euros, the second-largest fine after Snapchat's 12 million euros.",
    )
    assert [(c.amount, c.confidence >= MIN_CONFIDENCE) for c in candidates] == [
        (D(9000000), True),
        (D(12000000), False),
    ]
    assert "earlier_action" in candidates[1].reasons


# Scope: only the lead's figures report the item's own decision; plans are no decisions
# (etl/parsing/news_scope.py). Every sentence below is invented.


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        pytest.param(
            "Moscow court fines Viber and Discord",
            "A Moscow court on Tuesday fined Viber 3 million roubles and Discord 2 million roubles for not deleting "
            "banned posts. Viber was first fined 1 million roubles under the same law in March 2022, and Zoom was "
            "ordered on May 4 to pay 500,000 roubles.",
            id="first-fined-and-another-date-after-the-lead",
        ),
        pytest.param(
            "Naver fined 12 billion won",
            "South Korea's Fair Trade Commission has fined Naver 12 billion won for favouring its own shopping "
            "listings. The regulator fined the company 4.5 billion won in October 2019.",
            id="an-earlier-fine-after-the-lead",
        ),
        pytest.param(
            "Polish watchdog fines Allegro rival Shopee",
            "Poland's competition authority fined Shopee 40 million zlotys on Monday. The authority also fined "
            "the marketplace 12 million zlotys for misleading discounts.",
            id="an-undated-other-fine-after-the-lead",
        ),
        pytest.param(
            "Moscow court fines Google twice",
            "A Moscow court fined Google 3 million roubles on Tuesday. In a separate case, it also fined Google "
            "2 million roubles.",
            id="a-separate-case-after-the-lead",
        ),
    ],
)
def test_figures_after_the_lead_are_no_facts_of_their_own(title: str, summary: str) -> None:
    """Amounts told after the lead (an earlier fine, another case) never become facts; the lead's fines stay facts."""
    lead = summary.split(". ")[0]
    kept = passing(title, summary)
    assert kept and all(c.sentence in (title, lead + ".", lead) for c in kept)
    later = [c for c in extract_candidates(title, summary) if c.sentence not in (title, lead, lead + ".")]
    assert later and all(c.confidence < MIN_CONFIDENCE for c in later)


def test_a_later_sentence_repeating_the_lead_fine_keeps_it_a_fact() -> None:
    """A later, more precise restatement of the lead's fine is the lead's fine, not background."""
    kept = passing(
        "Turkey fines Google 296 mln lira",
        "Turkey's competition board fined Google on Thursday for abusing its dominant position. The fine of "
        "296.1 million lira is the board's largest.",
    )
    assert [(c.platform, c.jurisdiction, c.amount, c.currency) for c in kept] == [
        ("Google", "TR", D("296.1e6"), "TRY")
    ]


def test_a_later_undated_figure_for_the_same_fine_still_conflicts() -> None:
    """A later figure that reads as another report of the lead's fine sends both to review."""
    assert not passing(
        "Polish watchdog fines Shopee",
        "Poland's competition authority fined Shopee 40 million zlotys on Monday. Reuters said the authority "
        "fined Shopee 45 million zlotys.",
    )


def test_the_list_in_the_lead_gives_one_fact_each() -> None:
    """Two fines listed in the lead sentence both become facts, and the earlier one after it does not."""
    kept = passing(
        "Moscow court fines WhatsApp and Snapchat",
        "A Moscow court fined WhatsApp 15 million rubles and Snapchat 2 million rubles for storing data abroad. "
        "WhatsApp was previously fined 3 million rubles in 2021.",
    )
    assert sorted((c.platform, c.amount) for c in kept) == [
        ("Snapchat", D(2000000)),
        ("WhatsApp", D(15000000)),
    ]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Dutch regulator to fine Uber and Bolt",
         "The Dutch data protection authority said it plans to fine Uber 10 million euros and Bolt 4 million euros."),
        ("Korean regulator proposes fines for Coupang",
         "The Korea Fair Trade Commission fined Coupang 3 billion won in a preliminary ruling."),
        ("Coupang fined 3 billion won",
         "The Korea Fair Trade Commission fined Coupang 3 billion won. The fine will be finalised after it "
         "responds."),
        ("Regulator intends to fine Yahoo", "Japan's privacy commission intends to penalise Yahoo 90 million yen."),
    ],
)  # fmt: skip
def test_a_planned_fine_is_no_fact(title: str, summary: str) -> None:
    """An amount the authority plans, proposes or has yet to finalise is planned_action, not a fact."""
    candidates = [c for c in extract_candidates(title, summary) if c.amount is not None]
    assert candidates and all("planned_action" in c.reasons for c in candidates)
    assert passing(title, summary) == []


def test_planning_to_appeal_a_fine_leaves_it_a_fact() -> None:
    """A company that plans to appeal was fined: the plan is not the authority's."""
    [c] = passing(
        "Grab fined", "Indonesia's KPPU fined Grab 30 billion rupiah; Grab plans to appeal the fine."
    )
    assert (c.platform, c.amount, c.currency) == ("Grab", D(30e9), "IDR")


@pytest.mark.parametrize(
    ("title", "summary", "code"),
    [
        ("Japan's FTC orders Apple to open its app store", "", "JP"),
        (
            "",
            "The Korea Fair Trade Commission ordered Google, one of the U.S. tech giants, to stop tying apps.",
            "KR",
        ),
        ("", "Turkey's competition board fined the American company Meta 10 million lira.", "TR"),
        ("The FTC orders Amazon to change its sign-up pages", "", "US"),
    ],
)
def test_the_authoritys_state_beats_a_companys_nationality(title: str, summary: str, code: str) -> None:
    """An authority's own state ("Japan's FTC") gives the jurisdiction, never a company's ("U.S. tech giants")."""
    assert {c.jurisdiction for c in extract_candidates(title, summary)} == {code}


@pytest.mark.parametrize(
    ("summary", "kind"),
    [
        ("Russia's antitrust service fined Apple 900 million roubles. The penalty is calculated on the company's "
         "revenue in Russia.", "turnover_fine"),
        ("A Moscow court fined Google 2 billion roubles, a revenue-based penalty.", "turnover_fine"),
        ("China's market regulator fined Meituan 3 billion yuan, a sum equal to 3% of its domestic sales.", "fine"),
        ("Italy's watchdog fined TikTok 5 million euros; fines can reach 4% of global turnover.", "fine"),
    ],
)  # fmt: skip
def test_a_fine_computed_from_revenue_is_a_turnover_fine(summary: str, kind: str) -> None:
    """A fine calculated on revenue or turnover is a turnover_fine; a share of revenue for scale or a cap is not."""
    assert {c.action_type for c in extract_candidates("", summary) if c.amount is not None} == {kind}


def test_a_ban_on_advertising_is_no_block() -> None:
    """Banning a platform's advertising is an 'other' action, not a block of the platform."""
    [c] = extract_candidates("", "Turkey's telecom authority on Friday banned new advertising on Twitter.")
    assert (c.platform, c.jurisdiction, c.action_type) == ("Twitter", "TR", "other")


def test_a_justice_of_the_peace_is_an_authority() -> None:
    """A justice of the peace ("in Moscow") is an authority, and its place gives the jurisdiction."""
    [c] = extract_candidates("", "A justice of the peace in Moscow fined Twitch 3 mln rubles on Monday.")
    assert (c.authority, c.jurisdiction, c.amount) == ("justice of the peace in Moscow", "RU", D(3e6))
