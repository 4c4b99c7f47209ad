"""News rules added after blind rounds 19 and 20 were consumed (docs/news_extraction.md, "Rounds 19 and 20").

Each test reads invented sentences, never the fixture items: the rule must hold for any company,
authority and figure. Each rule removed one of round 19's wrong facts (or one a rule of this round
exposed in the studied files) by holding the reading the text leaves open.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.parsing.news import extract_candidates
from etl.parsing.news_feed import extraction_issue
from etl.parsing.news_money import parse_money


def _held(title: str, summary: str) -> list[tuple[str | None, Decimal | None, bool]]:
    """(platform, amount, held for review) of each candidate."""
    return [
        (c.platform, c.amount, extraction_issue(c) is not None) for c in extract_candidates(title, summary)
    ]


def _reasons(title: str, summary: str) -> list[tuple[Decimal | None, tuple[str, ...]]]:
    return [(c.amount, c.reasons) for c in extract_candidates(title, summary)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The market regulator fined Zalando 1.5 billion yuan (about $230 million), or 4% of its 2022 revenue in China.",
        "The market regulator fined Zalando 1.5 billion yuan, a sum equal to 4% of its domestic sales in 2022.",
        "The market regulator fined Zalando 1.5 billion yuan, equivalent to 3 per cent of its annual turnover.",
        "The market regulator fined Zalando 1.5 billion yuan, which is about 2.5 percent of its sales.",
    ],
)
def test_a_fine_said_as_a_share_of_revenue_waits_for_its_kind(sentence: str) -> None:
    """Records call "N billion, or 4% of its revenue" a turnover fine or a plain one: the kind waits."""
    [(amount, reasons)] = _reasons("Regulator fines Zalando", sentence)
    assert amount == Decimal("1500000000")
    assert "action_type_unclear" in reasons


@pytest.mark.parametrize(
    "summary",
    [
        "The market regulator fined Zalando 1.5 billion yuan. Fines can reach 20 million yuan or 4% of turnover.",
        "The market regulator fined Zalando 1.5 billion yuan for abusing its dominance, the agency said.",
    ],
)
def test_a_cap_or_no_share_leaves_the_fine_plain(summary: str) -> None:
    """A maximum in another sentence, or no share at all, casts no doubt on the fine's kind."""
    first = extract_candidates("Regulator fines Zalando", summary)[0]
    assert first.amount == Decimal("1500000000")
    assert "action_type_unclear" not in first.reasons


@pytest.mark.parametrize(
    ("sentence", "platform"),
    [
        (
            "NEW DELHI - India's Financial Intelligence Unit imposed a 3 crore rupee penalty on Paytm Payments Bank.",
            "Paytm",
        ),
        (
            "TOKYO - Japan's Financial Services Agency fined Rakuten Securities 200 million yen over client checks.",
            "Rakuten",
        ),
        (
            "VILNIUS - Lithuania's central bank fined Revolut Bank 3 million euros over money laundering lapses.",
            "Revolut",
        ),
    ],
)
def test_a_bank_under_a_platforms_name_waits(sentence: str, platform: str) -> None:
    """A bank or broker carrying a known brand is a company of its own, or a namesake: held, not the brand."""
    [found] = extract_candidates("Regulator fines firm", sentence)
    assert found.platform == platform
    assert found.reasons == ("platform_unclear",)


def test_a_known_bank_name_and_a_brand_alone_are_read_as_they_are() -> None:
    """A bank the tables list by its own name, and the brand alone, stay facts."""
    [(name, _, held)] = _held(
        "Regulator fines Kakao Bank", "SEOUL - The regulator fined Kakao Bank 2 billion won."
    )
    assert (name, held) == ("Kakao Bank", False)
    summary = "NEW DELHI - India's competition regulator fined Paytm 3 crore rupees."
    [(name, _, held)] = _held("Regulator fines Paytm", summary)
    assert (name, held) == ("Paytm", False)


def test_a_short_name_in_brackets_after_a_company_waits() -> None:
    """A short name after the full one ("... Joint Stock Company (ZRetail)"): records keep either name."""
    summary = "HANOI - The telecoms authority fined the Zalando Retail Joint Stock Company (ZRetail) 90 million dong."
    [(name, amount, held)] = _held("Vietnam fines online retailer", summary)
    assert (name, amount, held) == ("Zalando", Decimal("90000000"), True)


def test_a_place_in_brackets_is_no_second_name() -> None:
    """A place in brackets ("Zalando (Germany)") names where the company is, not another name for it."""
    summary = "The regulator fined Zalando (Germany) 4 million euros over late deliveries, the ministry said in Berlin."
    assert "platform_unclear" not in extract_candidates("Germany fines Zalando", summary)[0].reasons


def test_a_sentence_opened_by_an_earlier_time_dates_each_of_its_clauses() -> None:
    """An opening time ("In early May a court fined A ..., and B was fined ..."): both are earlier."""
    summary = (
        "MOSCOW, June 14 - A Moscow court has fined Telegram 4 million roubles for failing to remove banned posts. "
        "In early May a Moscow court fined Twitter 3 million roubles, and Zalando was fined 1.2 million roubles "
        "for a similar violation."
    )
    found = {c.amount: c.reasons for c in extract_candidates("Court fines Telegram 4 mln roubles", summary)}
    assert "earlier_action" not in found[Decimal("4000000")]
    assert "earlier_action" in found[Decimal("3000000")]
    assert "earlier_action" in found[Decimal("1200000")]


def test_a_figure_on_each_of_several_reports_counts_once_per_report() -> None:
    """A figure "on each of the three reports" is three fines of 2 million."""
    summary = (
        "A Moscow court fined Telegram a total of 6 million roubles. The messenger was fined 2 million roubles "
        "on each of the three reports filed by the media regulator."
    )
    kept = [(p, a) for p, a, held in _held("Court fines Telegram 6 mln roubles", summary) if not held]
    assert kept == [("Telegram", Decimal("2000000"))] * 3


# After round 20 (consumed 2026-12-03): each rule holds a reading writers label both ways.


def test_the_fine_said_as_a_share_of_revenue_in_a_sentence_of_its_own_waits() -> None:
    """A sentence saying "the fine is equivalent to 4 per cent of its sales": the kind waits."""
    summary = (
        "The competition authority fined Zalando 1.2 billion yuan for abusing its dominance. "
        "The fine is equivalent to about 4 per cent of Zalando's 2020 domestic sales."
    )
    [found] = extract_candidates("Regulator fines Zalando 1.2 bln yuan", summary)
    assert "action_type_unclear" in found.reasons


def test_a_cap_on_fines_in_a_sentence_of_its_own_casts_no_doubt() -> None:
    """A legal maximum ("fines of up to 10 per cent of annual sales") says nothing of this fine's kind."""
    summary = (
        "The competition authority fined Zalando 1.2 billion yuan for abusing its dominance. "
        "The law allows fines of up to 10 per cent of annual sales."
    )
    found = extract_candidates("Regulator fines Zalando 1.2 bln yuan", summary)[0]
    assert "action_type_unclear" not in found.reasons


@pytest.mark.parametrize(
    "sentence",
    [
        "The court ordered Zalando to verify ages and set a fine of 10,000 euros for each breach.",
        "Zalando must hand over the data or face fines of 50,000 reais ($15,000) a day, the judge said.",
        "Zalando was told to fix its cookie banner within three months, failing which it will owe "
        "20,000 euros for each day of delay.",
        "The regulator gave Zalando three months to comply, under a penalty of 100,000 euros for each day of delay.",
    ],
)
def test_a_penalty_owed_only_if_the_company_fails_to_comply_waits(sentence: str) -> None:
    """Per breach, or per day with "or face" / "failing which" / "of delay": not yet a penalty incurred."""
    money = [c for c in extract_candidates("Court rules against Zalando", sentence) if c.amount is not None]
    assert money
    assert all("planned_action" in c.reasons for c in money)


@pytest.mark.parametrize(
    "sentence",
    [
        "Norway's regulator said Zalando will be fined 1 million crowns ($98,500) a day from August 14.",
        "The judge fined Zalando 5 million reais ($912,000) per day for evading the suspension.",
    ],
)
def test_a_daily_fine_imposed_is_no_condition(sentence: str) -> None:
    """A daily fine set to run from a date, or imposed, is the item's periodic penalty."""
    [found] = [
        c for c in extract_candidates("Regulator fines Zalando daily", sentence) if c.amount is not None
    ]
    assert found.action_type == "periodic_penalty"
    assert "planned_action" not in found.reasons


def test_a_combined_figure_of_several_parties_is_their_total() -> None:
    """A figure several parties were fined "combined" ("A and five publishers") is their total."""
    summary = "BRUSSELS - The European Commission fined Zalando and five retailers a combined €7.8 million."
    [found] = extract_candidates("EU fines Zalando and five retailers", summary)
    assert "amount_is_total" in found.reasons


def test_one_partys_combined_figure_is_its_fine() -> None:
    """One party's "combined" figure ("under four protocols") is its fine."""
    summary = "MOSCOW - A Moscow court fined Telegram a combined 10 mln rubles under four protocols."
    [found] = extract_candidates("Court fines Telegram", summary)
    assert "amount_is_total" not in found.reasons


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("fined the app Rp15 billion", "15000000000", "IDR"),
        ("fined the app Rp.7.5 billion", "7500000000", "IDR"),
        ("fined the app Tk15 lakh", "1500000", "BDT"),
        ("fined the app KSh2.9 million", "2900000", "KES"),
        ("fined the app Ksh 2.9m", "2900000", "KES"),
        ("fined the app USh15 million", "15000000", "UGX"),
        ("fined the app ₱15 million", "15000000", "PHP"),
    ],
)
def test_a_currency_sign_glued_to_its_digits_is_read(text: str, amount: str, currency: str) -> None:
    """A sign right before the digits, as local papers print it ("Rp15 billion", "KSh2.9 million")."""
    [found] = parse_money(text)
    assert (found.amount, found.currency) == (Decimal(amount), currency)


@pytest.mark.parametrize("text", ["the Rps15 scheme", "Carps15 million", "Versions15 million"])
def test_letters_that_end_a_word_are_no_currency_sign(text: str) -> None:
    """The sign must start its word: "Carps15" holds no rupiah."""
    assert parse_money(text) == []


def test_a_figure_listed_after_one_of_an_unclear_party_is_unclear_too() -> None:
    """In "Zeta Rentals must pay Rp4 billion and Rp15 billion" both figures are Zeta's, not the platform's."""
    summary = (
        "JAKARTA - Indonesia's competition commission KPPU has fined Zalando and its partner Zeta Rentals. "
        "Zalando was fined Rp7.5 billion, while Zeta Rentals must pay Rp4 billion and Rp15 billion."
    )
    held = {
        c.amount: "platform_unclear" in c.reasons for c in extract_candidates("KPPU fines Zalando", summary)
    }
    assert held[Decimal("4000000000")] and held[Decimal("15000000000")]
    assert not held[Decimal("7500000000")]


# A review of these rules (probes of the reviewer's, with invented figures): each reading stays as it was.


def test_news_reports_are_no_count_of_fines() -> None:
    """News reports ("Two reports said ...") count no fines; a watchdog's reports "on each of" them do."""
    summary = "Two reports said a Moscow court fined Telegram 4 million roubles for each channel it kept."
    amounts = [c.amount for c in extract_candidates("Court fines Telegram", summary)]
    assert amounts == [Decimal("4000000")]


@pytest.mark.parametrize(
    "summary",
    [
        "BRUSSELS - The European Commission fined Alphabet's Google (GOOGL.O) 2.42 billion euros on Tuesday.",
        "BRUSSELS - The European Commission fined TikTok (ByteDance) 345 million euros on Friday.",
    ],
)
def test_a_ticker_or_a_known_owner_in_brackets_is_no_second_name(summary: str) -> None:
    """A stock ticker ("(GOOGL.O)") or the owner the tables know ("(ByteDance)") gives no second name."""
    assert "platform_unclear" not in extract_candidates("EU fines company", summary)[0].reasons


@pytest.mark.parametrize(
    "summary",
    [
        "In 2023 Italy's antitrust authority fined Apple 10 million euros, and on Tuesday it fined Amazon "
        "20 million euros.",
        "Last week, a Moscow court fined Telegram 7 million roubles for keeping banned channels.",
    ],
)
def test_an_action_with_a_newer_time_of_its_own_is_the_news(summary: str) -> None:
    """A clause with its own time ("and on Tuesday it fined Amazon"), or "last week", is the item's news."""
    last = extract_candidates("Regulator fines company", summary)[-1]
    assert "earlier_action" not in last.reasons


@pytest.mark.parametrize(
    "sentence",
    [
        "A Moscow court fined Zalando 3 million roubles for each violation it found.",
        "The decision, which is subject to appeal, imposes a daily fine of 500,000 roubles on Zalando.",
    ],
)
def test_a_penalty_imposed_for_breaches_found_is_no_condition(sentence: str) -> None:
    """A figure fined "for each violation" found, or a daily fine "subject to appeal", is imposed."""
    money = [c for c in extract_candidates("Court fines Zalando", sentence) if c.amount is not None]
    assert money
    assert all("planned_action" not in c.reasons for c in money)


def test_a_turnover_fine_said_as_a_share_keeps_its_kind() -> None:
    """A fine the text already calls turnover-based stays one when its share is given too."""
    summary = (
        "MOSCOW - A Moscow court fined Google 21 billion roubles, or about 10% of its Russian revenue, "
        "under the rules for turnover-based fines."
    )
    found = [c for c in extract_candidates("Court fines Google", summary) if c.amount is not None]
    assert all("action_type_unclear" not in c.reasons for c in found)


def test_the_share_of_another_partys_fine_leaves_the_first_fine_alone() -> None:
    """A share said of a fine two sentences on ("That fine amounts to 1% of Spotify's sales") leaves Apple's."""
    summary = (
        "The regulator fined Apple 10 million euros. It also fined Spotify 5 million euros over its app. "
        "That fine amounts to 1% of Spotify's sales in Italy."
    )
    first = extract_candidates("Regulator fines Apple", summary)[0]
    assert first.amount == Decimal("10000000")
    assert "action_type_unclear" not in first.reasons


def test_one_partys_figure_combined_over_two_breaches_is_its_fine() -> None:
    """One party's figure "combined" over two kinds of breach is its fine, not a total of parties."""
    summary = (
        "PARIS - The regulator fined Zalando for privacy and consumer breaches a combined 39 million euros."
    )
    assert "amount_is_total" not in extract_candidates("Regulator fines Zalando", summary)[0].reasons


def test_a_fine_the_company_earlier_paid_is_background() -> None:
    """A fine the company "earlier paid" is an earlier action, and no longer clashes with the news."""
    summary = (
        "A Moscow court has fined Zalando 400,000 roubles for keeping banned content online. "
        "Zalando earlier paid a 906 million rouble antitrust fine over its app store."
    )
    found = {c.amount: c.reasons for c in extract_candidates("Court fines Zalando", summary)}
    assert "earlier_action" in found[Decimal("906000000")]
    assert found[Decimal("400000")] == ()


def test_the_fines_of_several_companies_said_to_total_a_figure_are_their_tally() -> None:
    """Fines of several companies said to "total about 1 billion won" are their tally."""
    summary = (
        "SEOUL - The Fair Trade Commission levied a 939 million won penalty on Zalando Korea. "
        "Penalties on leading game developers in the probe total about 1 billion won."
    )
    found = {c.amount: c.reasons for c in extract_candidates("Regulator fines Zalando", summary)}
    assert "amount_is_total" in found[Decimal("1000000000")]


def test_one_partys_fines_totalling_a_figure_are_its_fine() -> None:
    """One party's "penalties totalling 8.9 million rubles", parts not given, is its fine as reported."""
    summary = "A Moscow court told Zalando to pay penalties totalling 8.9 million rubles on three counts."
    [found] = extract_candidates("Court fines Zalando", summary)
    assert found.amount == Decimal("8900000")
    assert "amount_is_total" not in found.reasons


def test_a_fine_along_with_another_is_a_second_fine() -> None:
    """A penalty "along with a 5.5 million won fine" is two fines, not two readings of one."""
    title = "Regulator penalises Zalando 939 mln won"
    summary = (
        "SEOUL - The Fair Trade Commission has levied a 939 million won penalty on Zalando Korea, along with "
        "a 5.5 million won fine, for hiding the odds of its randomised items."
    )
    found = {c.amount: c.reasons for c in extract_candidates(title, summary)}
    assert "conflicting_amounts" not in found[Decimal("5500000")]


# After round 20: a block or slowdown the headline states plainly is a fact (news_measured.confirm_measures).


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Russia blocks Zalando", "MOSCOW - Russia's communications regulator has blocked Zalando.", "block"),
        (
            "Turkey blocks access to Zalando",
            "Turkey's telecoms authority blocked Zalando on Friday.",
            "block",
        ),
        (
            "Russia slows down Zalando",
            "Russia's regulator said on Tuesday it had slowed down Zalando.",
            "throttle",
        ),
    ],
)
def test_a_block_the_headline_states_plainly_is_a_fact(title: str, summary: str, expected: str) -> None:
    [found] = extract_candidates(title, summary)
    assert (found.platform, found.action_type, found.reasons) == ("Zalando", expected, ())
    assert extraction_issue(found) is None


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Russia blocks Zalando",
            "MOSCOW - Russia's regulator blocked Zalando and warned Telegram it could be next.",
        ),
        (
            "Russia blocks Zalando",
            "MOSCOW - Russia's regulator blocked Zalando and said it may lift the block soon.",
        ),
        ("Russia blocks Zalando's app", "MOSCOW - Russia's regulator has blocked the retailer's app."),
        ("Russia blocks Zalando", "MOSCOW - Russia's regulator blocked Zalando pages carrying banned posts."),
        ("Indonesia suspends Zalando", "JAKARTA - Indonesia's ministry suspended Zalando's services."),
        (
            "Regulator orders Zalando to stop",
            "The regulator ordered Zalando to stop selling the device in Russia.",
        ),
    ],
)
def test_a_measure_the_headline_does_not_state_plainly_waits(title: str, summary: str) -> None:
    """Another platform, a word of doubt, something of the platform, a suspension or an order: it waits."""
    measures = [c for c in extract_candidates(title, summary) if c.amount is None]
    assert measures
    assert all(extraction_issue(c) is not None for c in measures)


@pytest.mark.parametrize(
    ("title", "summary", "platform"),
    [
        (
            "Turkey shuts off Zalando",
            "ISTANBUL, May 12 - Turkey blocked access to Zalando on Friday.",
            "Zalando",
        ),
        (
            "Russia cuts off Zalando after it ignores takedown orders",
            "MOSCOW - Russian authorities have blocked the Zalando service, TASS reported on Tuesday.",
            "Zalando",
        ),
        (
            "Dhaka blocks YouTube over a film",
            "DHAKA - Bangladesh has shut off access to YouTube after Google did not remove a film.",
            "YouTube",
        ),
    ],
)
def test_a_headline_block_stays_plain_with_a_may_date_a_body_sentence_or_the_owner_named(
    title: str, summary: str, platform: str
) -> None:
    """A date in May is no "may"; a block the body repeats is the headline's; the owner is no other platform."""
    blocks = [c for c in extract_candidates(title, summary) if c.action_type == "block"]
    assert [(c.platform, extraction_issue(c)) for c in blocks] == [(platform, None)]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "US court blocks TikTok ban",
            "A federal judge on Thursday blocked Montana's ban on TikTok from taking effect.",
        ),
        ("Judge blocks Google settlement", "A U.S. judge on Friday rejected the settlement."),
        ("EU bans RT on YouTube", "The European Union on Wednesday banned RT on YouTube."),
        (
            "Australia bans children from TikTok",
            "Australia passed a law banning children under 16 from TikTok.",
        ),
        ("Canada bans TikTok on government devices", "Canada banned TikTok from government-issued devices."),
        (
            "Pakistan blocks X",
            "Pakistan blocked X in February. Access resumed on Wednesday after a court order.",
        ),
        ("Montana bans TikTok", "Montana Governor Greg Gianforte signed a bill banning TikTok in the state."),
        (
            "Two years after Russia blocked LinkedIn, users still use VPNs",
            "Roskomnadzor blocked LinkedIn in 2016.",
        ),
        ("Barcelona bans Airbnb rentals", "The city of Barcelona banned Airbnb rentals in the old town."),
        ("Russia blocks Wikipedia article", "Russia's regulator blocked a Wikipedia article on the war."),
    ],
)
def test_a_headline_block_of_something_else_waits(title: str, summary: str) -> None:
    """None of these is a block of the service that the headline decides.

    A ban blocked, content or children banned on a platform, officials' devices, a block over, a
    state's law, a past block, something of the platform (the probes of a review of the rule).
    """
    measures = [c for c in extract_candidates(title, summary) if c.amount is None]
    assert all(extraction_issue(c) is not None for c in measures)


def test_a_block_a_state_says_it_made_is_a_fact() -> None:
    """A state that "confirms it blocked X" reports its news in the past tense of reported speech."""
    found = [
        c
        for c in extract_candidates(
            "Pakistan confirms it blocked X",
            "ISLAMABAD - Pakistan's telecoms regulator has blocked X across the country.",
        )
        if c.action_type == "block"
    ]
    assert [(c.platform, extraction_issue(c)) for c in found] == [("X", None)]


@pytest.mark.parametrize(
    ("sentence", "planned"),
    [
        ("The decision is not final and can be challenged before the National High Court.", False),
        ("The decision is not final, and it can be appealed within a month.", False),
        (
            "The regulator stressed the decision was not final: the firm has 30 days to make representations.",
            True,
        ),
        ("The latest ruling is not yet final.", True),
    ],
)
def test_a_decision_not_final_but_open_to_appeal_is_taken(sentence: str, planned: bool) -> None:
    """A fine "not final and can be challenged" is imposed; "not final: 30 days to respond" is a proposal."""
    summary = (
        f"MADRID - Spain's data agency has fined Zalando 25,000 euros for lacking a data officer. {sentence}"
    )
    [found] = extract_candidates("Spain fines Zalando 25,000 euros", summary)
    assert ("planned_action" in found.reasons) is planned


def test_platforms_fined_by_one_sentence_share_its_authority() -> None:
    """The platforms the headline names take its authority when merged; the others of the sentence share it."""
    title = "Turkey fines Zalando, Telegram 10 mln lira each"
    summary = (
        "ANKARA, Nov 4 - Turkey on Wednesday fined Zalando, Snapchat, Telegram and Pinterest 10 million lira "
        "each for failing to name a local representative, a deputy minister said."
    )
    found = {c.platform: c.authority for c in extract_candidates(title, summary)}
    assert set(found) == {"Zalando", "Snapchat", "Telegram", "Pinterest"}
    assert len(set(found.values())) == 1 and None not in found.values()


@pytest.mark.parametrize(
    ("sentence", "authority"),
    [
        (
            "India's insurance regulator has imposed a penalty of Rs 5 crore on Zalando.",
            "India's insurance regulator",
        ),
        ("Britain's gambling regulator fined Zalando 5 million pounds.", "Britain's gambling regulator"),
    ],
)
def test_a_regulator_described_by_its_field_is_the_authority(sentence: str, authority: str) -> None:
    """An insurance, banking, gambling, transport ... regulator, as outlets describe it, is the authority."""
    [found] = extract_candidates("", sentence)
    assert found.authority == authority


@pytest.mark.parametrize(
    ("text", "amount"),
    [("fined Entel 1.2 million soles ($320,000)", "1200000"), ("a fine of 500,000 Peruvian soles", "500000")],
)
def test_soles_are_peruvian_money(text: str, amount: str) -> None:
    """Peru's sol in its plural is money in PEN; "the soles of his shoes" is none."""
    assert (parse_money(text)[0].amount, parse_money(text)[0].currency) == (Decimal(amount), "PEN")
    assert parse_money("the soles of his shoes") == []
