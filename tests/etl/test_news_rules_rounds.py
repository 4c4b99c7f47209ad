"""Tests for the news rules added after the third to fifteenth blind rounds (docs/news_extraction.md).

Each case is one invented item in wire phrasing: the figures, dates and most pairings of platform
and authority are made up for the rule under test, never a real report. A case lists the facts
the extraction must keep (confidence at least ``news_feed.MIN_CONFIDENCE``) and nothing else.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from etl.parsing.news import extract_candidates
from etl.parsing.news_doubts import appealed
from etl.parsing.news_feed import MIN_CONFIDENCE, extraction_issue
from etl.parsing.news_measured import measured_list
from etl.parsing.news_mentions import platform_spans
from etl.parsing.news_money import TABLES
from etl.parsing.news_names import PLACE_RULES, Spans, _alternatives, first_code
from etl.parsing.platform_files import same_platform

D = Decimal


def facts(title: str, summary: str) -> list[tuple]:
    """What would become facts: (platform, jurisdiction, action type, amount, currency), in order."""
    return [
        (c.platform, c.jurisdiction, c.action_type, c.amount, c.currency)
        for c in extract_candidates(title, summary)
        if c.confidence >= MIN_CONFIDENCE
    ]


CASES = [
    pytest.param(
        "Italy fines Google €40 million",
        "Italy's antitrust authority said it had fined Google more than 40 million euros ($44 million) "
        "for abusing its dominance. The exact penalty is 40,612,345.17 euros.",
        [("Google", "IT", "fine", D("40612345.17"), "EUR")],
        id="the-exact-figure-wins-over-a-bound",
    ),
    pytest.param(
        "Turkey fines Google $31m",
        "Turkey's competition authority fined Google 240.5 million lira (31.87 million dollars) for abusing "
        "its search dominance.",
        [("Google", "TR", "fine", D("240500000"), "TRY")],
        id="a-headline-cuts-its-conversion-short",
    ),
    pytest.param(
        "Turkish board fines Google 1.2 billion lira",
        "Turkey's Competition Authority has fined Google 1.2 billion lira over ad tech. Google has six months "
        "to comply or face daily fines.",
        [("Google", "TR", "fine", D("1200000000"), "TRY")],
        id="daily-fines-it-may-face-do-not-retype-the-fine",
    ),
    pytest.param(
        "Court orders messaging app blocked",
        "A judge in Madrid has ordered telecom operators to suspend Telegram nationwide in a copyright case.",
        [("Telegram", "ES", "block", None, None)],
        id="an-order-to-suspend-is-one-block",
    ),
    pytest.param(
        "Judge halts blocking of Telegram",
        "A Spanish judge on Monday halted his own order to suspend Telegram until a police report is ready.",
        [],
        id="a-halted-block-is-no-action",
    ),
    pytest.param(
        "Seoul court overturns 12.3 bln won KFTC penalty on Naver",
        "Naver has won the cancellation of a ₩12.3 billion penalty the Korea Fair Trade Commission imposed.",
        [],
        id="a-cancelled-fine-is-no-fact",
    ),
    pytest.param(
        "Dutch regulator: Apple reaches penalty cap",
        "The Dutch competition regulator ACM said Apple must pay a fourth weekly penalty payment of 3 million "
        "euros, bringing the total to 12 million euros.",
        [("Apple", "NL", "periodic_penalty", D("3000000"), "EUR")],
        id="a-running-total-is-no-fine",
    ),
    pytest.param(
        "Spain fines Airbnb €50 million",
        "Spain's competition watchdog fined Airbnb €50 million on Tuesday. The sanction is made up of two fines "
        "of €25 million each, one for each of two infringements.",
        [("Airbnb", "ES", "fine", D("25000000"), "EUR"), ("Airbnb", "ES", "fine", D("25000000"), "EUR")],
        id="two-fines-each-are-the-parts-of-the-total",
    ),
    pytest.param(
        "Apple fined over 7 million rubles in Moscow",
        "A Moscow court fined Apple more than 7 million rubles on Monday: 2 million rubles on each of three "
        "counts of 'banned content' and 1 million rubles for refusing to delete posts.",
        [("Apple", "RU", "fine", D("2000000"), "RUB")] * 3 + [("Apple", "RU", "fine", D("1000000"), "RUB")],
        id="counts-and-a-quoted-charge-name",
    ),
    pytest.param(
        "Brazil fines WhatsApp",
        "A judge in Brazil has ordered operators to block WhatsApp for 48 hours. Carriers that fail to comply "
        "face a fine of 100,000 reais per day.",
        [("WhatsApp", "BR", "block", None, None)],
        id="a-penalty-on-carriers-is-not-the-platforms",
    ),
    pytest.param(
        "France fines Microsoft €20 million",
        "France's data protection authority CNIL fined Microsoft €20 million over cookies. The company has "
        "three months to comply or pay a further €10,000 for every day of delay.",
        # the penalty for delay is owed only if Microsoft fails to comply: it waits (after round 20)
        [("Microsoft", "FR", "fine", D("20000000"), "EUR")],
        id="a-penalty-for-delay-right-after-the-lead",
    ),
    pytest.param(
        "Regulator fines ride-hailing firm",
        "Australia's Federal Court handed ride-hailing company Zipcab an A$3.5m fine on Friday for misleading "
        "riders about fares.",
        [("Zipcab", "AU", "fine", D("3500000"), "AUD")],
        id="an-unknown-company-introduced-by-what-it-is",
    ),
    pytest.param(
        "Nepal bans TikTok",
        "Nepal's cabinet decided on Monday to ban TikTok, saying it disrupted social harmony.",
        [("TikTok", "NP", "block", None, None)],
        id="a-country-and-its-cabinet",
    ),
    pytest.param(
        "Russia slows down Twitter",
        "Russia's communications watchdog Roskomnadzor said it was slowing down Twitter. It warned that "
        "measures could go as far as blocking the service.",
        [("Twitter", "RU", "throttle", None, None)],
        id="warned-that-is-no-warning",
    ),
    pytest.param(
        "Moscow court fines Twitch 2 mln rubles",
        "The Tagansky Court of Moscow has fined the streaming service Twitch, an Amazon subsidiary, 2,000,000 "
        "rubles for failing to remove content.",
        [("Twitch", "RU", "fine", D("2000000"), "RUB")],
        id="the-owner-in-an-apposition-is-not-fined",
    ),
    pytest.param(
        "CCI fines two travel sites",
        "The regulator imposed ₹100.5 crore on MakeMyTrip and ₹50.25 crore on OYO, the Competition Commission "
        "of India said.",
        [("MakeMyTrip", "IN", "fine", D("1005000000"), "INR"), ("OYO", "IN", "fine", D("502500000"), "INR")],
        id="imposed-on-names-the-party-after-the-amount",
    ),
    pytest.param(
        "Amazon to pay $20 million in FTC case",
        "Amazon will pay $20 million to settle Federal Trade Commission charges over Alexa, and $3.1 million "
        "over its Ring doorbell unit's handling of videos.",
        [("Amazon", "US", "fine", D("20000000"), "USD")],
        id="its-unit-is-another-party",
    ),
    pytest.param(
        "KFTC fines Kakao Mobility 10 bln won",
        "The Korea Fair Trade Commission said it had fined Kakao Mobility 10 billion won over taxi dispatch.",
        [("Kakao Mobility", "KR", "fine", D("10000000000"), "KRW")],
        id="the-longest-platform-name",
    ),
    pytest.param(
        "Epic to pay $300 million to settle FTC cases",
        "Epic Games will pay a total of $300 million in penalties and refunds to settle FTC complaints. "
        "It agreed to a $200 million fine over children's data.",
        [],
        id="penalties-and-refunds-is-no-fine",
    ),
    pytest.param(
        "EU fines chipmaker 310 million euros",
        "The European Commission on Thursday fined Zentrachip 310 million euros for selling chipsets below cost. "
        "The chipmaker said it would appeal.",
        [("Zentrachip", "EU", "fine", D("310000000"), "EUR")],
        id="an-unknown-company-after-the-verb",
    ),
    pytest.param(
        "Korea fines chipmaker",
        "South Korea's Fair Trade Commission imposed a 20.5 billion won ($17 million) fine on Zentrachip Korea Ltd, "
        "saying the company abused its patents.",
        [("Zentrachip Korea", "KR", "fine", D("20500000000"), "KRW")],
        id="an-unknown-company-after-the-amount-without-its-legal-form",
    ),
    pytest.param(
        "Court fines blogger",
        "A Moscow court fined Ivan Sidorov 30,000 roubles for posting a banned video, his lawyer said.",
        [],
        id="a-name-that-may-be-a-persons-waits",
    ),
    pytest.param(
        "EU fines chipmaker over deal with Apple",
        "EU regulators fined Zentrachip 500 million euros for paying Apple to use only its chips. The chipmaker "
        "will appeal.",
        [("Zentrachip", "EU", "fine", D("500000000"), "EUR")],
        id="a-known-platform-after-the-amount-is-not-the-party",
    ),
    pytest.param(
        "Data watchdog fines app",
        "The Personal Information Protection Commission said it had imposed a fine of 4.2 million won on "
        "OpenAI for reporting a leak late.",
        [("OpenAI", "KR", "fine", D("4200000"), "KRW")],
        id="a-currency-only-one-country-fines-in",
    ),
    pytest.param(
        "Tribunal cuts Google penalty",
        "The appellate tribunal NCLAT upheld the Competition Commission of India's finding but reduced the "
        "penalty from Rs 500.5 crore to Rs 120.25 crore.",
        [("Google", "IN", "fine", D("1202500000"), "INR")],
        id="a-figure-reduced-from-one-to-another-is-no-range",
    ),
    pytest.param(
        "Regulator fines AliExpress",
        "The Personal Information Protection Commission decided to fine AliExpress one-point-23 billion won, or "
        "about one-point-one million U.S. dollars.",
        [("AliExpress", "KR", "fine", D("1230000000"), "KRW")],
        id="a-spelled-whole-and-a-decimal-point",
    ),
    pytest.param(
        "China fines three firms",
        "China's market regulator fined Alibaba and Tencent-backed Zenlit 500,000 yuan each for unreported deals.",
        [("Alibaba", "CN", "fine", D("500000"), "CNY")],
        id="the-backer-is-not-fined",
    ),
    pytest.param(
        "Shopzen agrees $900 mln FTC settlement",
        "Shopzen will pay $900 million to settle Federal Trade Commission claims over subscriptions. The agreement "
        "comprises a $400 million civil penalty and $500 million in refunds to customers.",
        [],
        id="a-settlement-broken-into-penalty-and-refunds-is-a-total",
    ),
    pytest.param(
        "SEC deal: Telegram to pay $5 mln penalty",
        "Telegram must disgorge $300 million under a court-approved judgment, the SEC said.",
        [("Telegram", "US", "fine", D("5000000"), "USD"), ("Telegram", "US", "other", D("300000000"), "USD")],
        id="money-handed-back-is-no-fine",
    ),
    pytest.param(
        "Tinder owner Matchly to pay $9 mln to end FTC lawsuit",
        "Matchly, owner of Tinder and Hinge, will pay $9 million to resolve a Federal Trade Commission lawsuit. "
        "The dating company denied wrongdoing.",
        [("Matchly", "US", "fine", D("9000000"), "USD")],
        id="the-owner-named-with-its-platform-pays",
    ),
    pytest.param(
        "Court orders reseller to pay penalty",
        "Ticket reseller tixhub must pay $2 million after the Federal Court found it misled consumers in Google ads.",
        [],
        id="a-platform-named-only-after-the-amount-is-no-party",
    ),
    pytest.param(
        "Indonesia freezes TikTok's registration",
        "Indonesia's digital ministry has temporarily suspended TikTok's registration as a system operator.",
        [],
        id="a-suspended-registration-is-no-block",
    ),
    pytest.param(
        "Mexico's regulator orders no remedies for Amazon",
        "Mexico's antitrust authority found barriers on Amazon but its board orders no remedies.",
        [],
        id="orders-no-remedies-is-no-order",
    ),
    pytest.param(
        "Data Protection Commission fines Meta €430m",
        "Ireland's Data Protection Commission has fined Meta €250m over Facebook and €180m over Instagram. Its "
        "draft decisions had proposed €76m and €40m.",
        [
            ("Facebook", "IE", "fine", D("250000000"), "EUR"),
            ("Instagram", "IE", "fine", D("180000000"), "EUR"),
        ],
        id="a-sum-of-other-figures-must-round-not-cut-to-the-total",
    ),
    # Round 7: safeguards that hold a reading the wording leaves open, whatever the names and figures.
    pytest.param(
        "Regulator blocks Vimeo",
        "Pakistan's telecom authority blocked Vimeo on Friday. Previously, the authority fined the site "
        "9 million rupees over its content rules.",
        [("Vimeo", "PK", "block", None, None)],
        id="a-sentence-that-steps-back-tells-an-earlier-fine",
    ),
    pytest.param(
        "Regulator blocks Vimeo",
        "Pakistan's telecom authority blocked Vimeo on Friday. The authority had fined the site 9 million rupees "
        "over its content rules.",
        [("Vimeo", "PK", "block", None, None)],
        id="a-fine-in-the-past-perfect-is-earlier",
    ),
    pytest.param(
        "Regulator blocks Vimeo",
        "Pakistan's telecom authority blocked Vimeo on Friday. The Islamabad High Court fined the site "
        "9 million rupees over its content rules.",
        [("Vimeo", "PK", "block", None, None)],
        id="a-fine-by-another-body-than-the-headlines-is-another-decision",
    ),
    pytest.param(
        "Ministry orders Shein to stop trading",
        "Vietnam's trade ministry has ordered Shein to halt its operations in the country until it registers.",
        [],
        id="an-order-to-stop-operating-may-be-a-block-or-an-order",
    ),
    pytest.param(
        "Quillo to pay $4 million to settle FTC charges",
        "Delivery app Quillo will pay $4 million to settle Federal Trade Commission charges over hidden fees. "
        "The agency said the money will be returned to customers who were overcharged.",
        [],
        id="a-payment-handed-back-to-customers-may-be-no-fine",
    ),
    pytest.param(
        "Quillo to pay $4 million penalty",
        "Delivery app Quillo will pay a $4 million civil penalty to settle Federal Trade Commission charges. "
        "Customers who were overcharged will get refunds under a separate order.",
        [("Quillo", "US", "fine", D("4000000"), "USD")],
        id="a-payment-called-a-penalty-stays-a-fine-beside-refunds",
    ),
    pytest.param(
        "Central bank fines payments firm",
        "The Reserve Bank of India has imposed a penalty of Rs 3.2 crore on Zentrapay Payments Bank for lapses "
        "in its customer checks.",
        [],
        id="an-entity-named-with-its-line-of-business-may-be-recorded-by-its-brand",
    ),
    pytest.param(
        "FTC fines game publisher",
        "Lunaworks, the developer of the game Skyreach, will pay a $6 million penalty to settle Federal Trade "
        "Commission charges over loot boxes.",
        [],
        id="a-party-given-a-second-name-in-an-apposition-is-unclear",
    ),
    pytest.param(
        "EU fines chipmaker",
        "The European Commission fined Zentrachip, the largest supplier in its market, 80 million euros for "
        "tying its products.",
        [("Zentrachip", "EU", "fine", D("80000000"), "EUR")],
        id="an-apposition-without-a-second-name-keeps-the-party",
    ),
    pytest.param(
        "Turkey fines Vimeo",
        "Turkey's competition board fined Vimeo 7 million lira on Monday, its second penalty after the 3 million "
        "lira it paid in a related case.",
        [("Vimeo", "TR", "fine", D("7000000"), "TRY")],
        id="a-figure-the-fine-follows-is-another-fine",
    ),
    pytest.param(
        "Commission fines Vimeo",
        "The European Commission fined Vimeo 30 million euros, while the 12 million euros it fixed on "
        "Quora for the same conduct was being appealed.",
        [("Vimeo", "EU", "fine", D("30000000"), "EUR")],
        id="a-second-figure-imposed-on-another-platform-is-not-the-first-ones",
    ),
    pytest.param(
        "Quillo settles FTC case",
        "Delivery app Quillo will pay $4 million to settle Federal Trade Commission charges, with $3 million "
        "going back to overcharged customers.",
        [],
        id="a-payment-partly-going-back-to-customers-may-be-no-fine",
    ),
    # Round 8: a total told with its parts, a product of the platform, a company's other name, figures
    # written in two scales.
    pytest.param(
        "Court fines Vimeo 6 mln roubles",
        "A Moscow court fined Vimeo 6 million roubles on Monday. The site was found guilty of three separate "
        "offences and fined 2 million roubles for each.",
        [("Vimeo", "RU", "fine", D("2000000"), "RUB")] * 3,
        id="a-figure-whose-parts-are-told-for-each-count-is-a-total",
    ),
    pytest.param(
        "Regulator blocks chat service",
        "The communications regulator of Pakistan said it had blocked Google's Duolinkly, a chat service.",
        [],
        id="a-named-product-of-the-platform-is-not-clearly-the-platform",
    ),
    pytest.param(
        "Regulator blocks Google's Russian unit",
        "Russia's communications regulator Roskomnadzor blocked Google's Russian news service on Friday.",
        [("Google", "RU", "block", None, None)],
        id="a-place-after-the-platforms-name-is-no-product",
    ),
    pytest.param(
        "Data regulator fines Quillo",
        "Kenya's Data Protection Commissioner has fined delivery company Quillo Kenya 4,500,000 Kenyan shillings "
        "over text messages. Quillo said it would appeal.",
        [("Quillo", "KE", "fine", D("4500000"), "KES")],
        id="a-trailing-state-goes-when-the-item-names-the-company-without-it",
    ),
    pytest.param(
        "Data regulator fines Quillo",
        "Kenya's Data Protection Commissioner has fined delivery company Quillo Nairobi 4,500,000 Kenyan shillings "
        "over text messages.",
        [("Quillo Nairobi", "KE", "fine", D("4500000"), "KES")],
        id="a-trailing-place-stays-when-the-item-never-names-the-company-without-it",
    ),
    pytest.param(
        "Quillo Group to pay $2 million penalty",
        "The Federal Trade Commission said delivery company Quillo Group will pay a $2 million civil penalty. "
        "The complaint names Quillo Group, formerly Fastbite, and two of its units.",
        [],
        id="a-party-given-another-name-elsewhere-in-the-item-is-unclear",
    ),
    pytest.param(
        "Court fines Vimeo",
        "Moscow's Tagansky District Court has fined Vimeo 2 billion 350 million roubles for failing to delete "
        "banned content.",
        [("Vimeo", "RU", "fine", D("2350000000"), "RUB")],
        id="a-figure-in-two-scales-is-one-figure",
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), CASES)
def test_rule(title: str, summary: str, expected: list[tuple]) -> None:
    """The item gives exactly the expected facts."""
    assert facts(title, summary) == expected


def test_a_later_block_is_not_the_items_action() -> None:
    """A measure named after the lead ("removed or blocked updates") waits for review, the lead's fine stays."""
    got = facts(
        "KPPU fines Google Rp 50 billion",
        "Indonesia's antimonopoly watchdog KPPU has fined Google Rp 50 billion over billing rules. The commission "
        "found Google removed or blocked updates for apps that refused.",
    )
    assert got == [("Google", "ID", "fine", D("50000000000"), "IDR")]


def test_one_figure_for_two_unrelated_platforms_is_unclear() -> None:
    """The same figure given to two unrelated platforms in two sentences is no fact for either."""
    got = facts(
        "Court fines Spotify 1 mln rubles",
        "A Moscow court fined TikTok 1 million rubles on Tuesday for failing to delete posts.",
    )
    assert got == []


# After rounds 9 and 10 (consumed 2026-12-02): each rule removed a wrong fact of those rounds. These
# cases are scored as the pipeline decides (etl.parsing.news_feed.extraction_issue: any doubt holds).


# Doubts that say only that the tables do not know something the item states: a company, the state of
# a named authority (read from the one currency it fines in), an approximate figure. They hold a fine
# for review like any doubt (news_feed.extraction_issue); these tests check what is read.
TABLE_DOUBTS = frozenset({"platform_unknown", "jurisdiction_from_currency", "amount_qualified_approximate"})


def read_fines(title: str, summary: str) -> list[tuple]:
    """Fines read without a doubt but the tables': (platform, jurisdiction, action type, amount, currency).

    These are the facts the pipeline keeps plus the fines that wait for review only because of
    :data:`TABLE_DOUBTS`, as read.
    """
    return [
        (c.platform, c.jurisdiction, c.action_type, c.amount, c.currency)
        for c in extract_candidates(title, summary)
        if c.confidence >= MIN_CONFIDENCE
        and set(c.reasons) <= TABLE_DOUBTS
        and c.action_type in ("fine", "turnover_fine", "periodic_penalty")
    ]


def read_measures(title: str, summary: str) -> list[tuple]:
    """Measures without money read without any doubt of their reading: (platform, jurisdiction, type).

    Most wait for review all the same (``measure_unconfirmed``: only a block the headline states plainly
    does not).
    """
    return [
        (c.platform, c.jurisdiction, c.action_type)
        for c in extract_candidates(title, summary)
        if c.confidence >= MIN_CONFIDENCE and set(c.reasons) <= {"measure_unconfirmed"} and c.amount is None
    ]


def reasons_of(title: str, summary: str, amount: Decimal) -> tuple[str, ...]:
    """The reasons of the item's candidate with this figure (exactly one)."""
    [candidate] = [c for c in extract_candidates(title, summary) if c.amount == amount]
    return candidate.reasons


def test_a_year_qualified_by_early_or_late_looks_back() -> None:
    """A clause "In late 2017 ... fined" looks back like "in 2017": the fine is earlier_action, no fact."""
    title, summary = (
        "Turkey restricts access to Wikipedia",
        "Turkish users could not reach Wikipedia on Saturday, a monitoring group said. In late 2017 Turkey "
        "fined Twitter 200,000 lira over posts it called propaganda.",
    )
    assert "earlier_action" in reasons_of(title, summary, D("200000"))
    assert read_fines(title, summary) == []
    assert "earlier_action" in reasons_of(
        "Turkey restricts access to Wikipedia", "In mid-2016 Turkey fined Twitter 200,000 lira.", D("200000")
    )


def test_a_fine_set_at_a_share_of_revenue_is_turnover_based() -> None:
    """A fine "set at one fifth of its revenue" is computed from revenue: a turnover fine."""
    assert read_fines(
        "Russian court fines Viber 40 mln roubles",
        "A Moscow court has fined Viber 40 million roubles for failing to open a local office. The judge said "
        "the sum was set at about one fifth of the company's revenue in Russia last year.",
    ) == [("Viber", "RU", "turnover_fine", D("40000000"), "RUB")]
    assert read_fines(
        "Russian court fines Viber 40 mln roubles",
        "A Moscow court has fined Viber 40 million roubles for failing to open a local office, a sum equal to "
        "a fifth of its revenue in Russia.",
    ) == [("Viber", "RU", "fine", D("40000000"), "RUB")]


def test_a_fine_the_company_appeals_is_an_earlier_decision() -> None:
    """A headline "X appeals 200 mln euro fine": the news is the appeal, the fine was imposed before: no fact."""
    assert (
        read_fines(
            "Booking appeals 200 mln euro Spanish fine",
            "Booking.com has lodged an appeal with Spain's High Court against a 200 million euro fine the "
            "competition authority imposed for abusing its dominance, the court said on Monday.",
        )
        == []
    )
    assert read_fines(
        "Booking to appeal 200 mln euro Spanish fine",
        "Spain's competition authority fined Booking.com 200 million euros on Monday for abusing its "
        "dominance. Booking said it will appeal.",
    ) == [("Booking.com", "ES", "fine", D("200000000"), "EUR")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Apple appeals 1.8 bln euro EU fine", True),
        ("Apple has appealed the 1.8 billion euro fine", True),
        ("Apple filed an appeal against a 1.8 billion euro fine", True),
        ("Apple will appeal the 1.8 billion euro fine", True),  # the fine is the appeal's object (round 15)
        ("Apple plans to appeal the 1.8 billion euro fine", True),
        ("Apple will appeal after the EU fined it 1.8 billion euros", False),
        ("Apple plans to appeal, after being fined 1.8 billion euros on Monday", False),
        ("Appeals court upholds 1.8 billion euro fine on Apple", False),
        ("The Court of Appeal upheld the 1.8 billion euro fine", False),
    ],
)
def test_appealed_reads_an_appeal_made_not_one_to_come(sentence: str, expected: bool) -> None:
    """An appeal made before the figure, or one to come whose object is the fine, makes it an earlier decision."""
    assert appealed(sentence, sentence.index("1.8")) is expected


def test_a_figure_imposed_on_each_of_two_protocols_counts_twice() -> None:
    """Two protocols with "3 million roubles in each": the lead's six million is their total."""
    found = extract_candidates(
        "Moscow court fines Google 6 mln roubles over banned videos",
        "A Moscow court has fined Google a total of six million roubles for failing to delete banned videos, the "
        "court said on Monday. The judge ruled on two protocols and imposed a fine of 3 million roubles in each.",
    )
    assert [(c.amount, "amount_is_total" in c.reasons) for c in found] == [
        (D("6000000"), True),
        (D("3000000"), False),
        (D("3000000"), False),
    ]


@pytest.mark.parametrize(
    "summary",
    [
        "Twitch has now been hit with fines totalling 52 million roubles in Russia, the regulator said.",
        "Fines on Twitch totalling 52 million roubles so far were mostly for banned content, the regulator said.",
    ],
)
def test_a_tally_of_fines_so_far_is_no_fine(summary: str) -> None:
    """Fines "now totalling" or totalling "so far" a figure are a tally of earlier decisions: no fact."""
    title = "Twitch fines in Russia top 50 mln roubles"
    assert "amount_is_total" in reasons_of(title, summary, D("52000000"))
    assert read_fines(title, summary) == []


def test_fines_totalling_a_figure_in_one_decision_stay_a_fine() -> None:
    """Without a tally word, "ordered to pay fines totalling A$20 million" is one decision's fine."""
    assert read_fines(
        "Australian court fines Meta A$20 mln",
        "An Australian court on Wednesday ordered Meta to pay fines totalling A$20 million for misleading users.",
    ) == [("Meta", "AU", "fine", D("20000000"), "AUD")]


@pytest.mark.parametrize(
    "summary",
    [
        "Ozon settled a case brought by Russia's Federal Antimonopoly Service, which closed it without any "
        "fines. Ozon will pay 300 million roubles under the agreement.",
        "Russia's Federal Antimonopoly Service closed its case against Ozon under a settlement. Ozon will pay "
        "300 million roubles into a fund that supports small sellers.",
    ],
)
def test_a_payment_into_a_fund_or_without_a_fine_may_be_no_fine(summary: str) -> None:
    """Money paid into a fund, or in a case closed without a fine, is held (amount_may_be_redress)."""
    title = "Ozon settles Russian antitrust case"
    assert "amount_may_be_redress" in reasons_of(title, summary, D("300000000"))
    assert read_fines(title, summary) == []


@pytest.mark.parametrize(
    ("title", "extra", "expected"),
    [
        ("Mexico's consumer agency fines Didi", "Riders were overcharged by 900,000 pesos, it said.", "MXN"),
        ("Mexico's consumer agency fines Didi", "", None),  # no peso written: the "$" may be a dollar
        # the United States named: the dollar rules decide (a bare "$" is the US dollar there)
        (
            "Mexico's agency fines Didi after U.S. complaint",
            "Riders were overcharged by 900,000 pesos.",
            "USD",
        ),
    ],
)
def test_a_bare_dollar_sign_fine_of_a_peso_state_is_its_peso(
    title: str, extra: str, expected: str | None
) -> None:
    """The "$" is the peso's sign too: a bare "$" fine of a Mexican authority in an item writing pesos is MXN."""
    found = extract_candidates(
        title,
        f"Mexico's consumer protection agency Profeco fined Didi $1,500,000 for misleading advertising. {extra}",
    )
    assert [(c.amount, c.currency) for c in found if c.amount == D("1500000")] == [(D("1500000"), expected)]


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Italy's competition watchdog fined Apple 134 million euros and Amazon 68 million euros on Tuesday.",
            [("Apple", "IT", "fine", D("134000000"), "EUR"), ("Amazon", "IT", "fine", D("68000000"), "EUR")],
        ),
        (
            "Italy's competition watchdog fined Apple and Amazon 10 million euros each on Tuesday.",
            [("Apple", "IT", "fine", D("10000000"), "EUR"), ("Amazon", "IT", "fine", D("10000000"), "EUR")],
        ),
        (
            "Italy's competition watchdog fined Apple and Amazon 134 million euros and 68 million euros "
            "respectively on Tuesday.",
            [("Apple", "IT", "fine", D("134000000"), "EUR"), ("Amazon", "IT", "fine", D("68000000"), "EUR")],
        ),
        # whose figure is whose is open: one figure after two platforms, or a platform after the last figure
        ("Italy's competition watchdog fined Apple and Amazon 10 million euros on Tuesday.", []),
        (
            "Italy's competition watchdog fined Apple 134 million euros and Amazon 68 million euros over Beats "
            "sales on eBay.",
            [],
        ),
    ],
)
def test_several_platforms_each_with_its_own_figure_are_no_doubt(summary: str, expected: list[tuple]) -> None:
    """Several platforms in a sentence are no doubt when each figure is one platform's: in turn, each, respectively."""
    assert read_fines("Italy fines Apple and Amazon", summary) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "The European Commission fined Facebook 110 million euros for giving misleading information "
            "during its review of the WhatsApp deal.",
            [("Facebook", "EU", "fine", D("110000000"), "EUR")],
        ),
        (
            "Italy's antitrust watchdog fined WhatsApp 3 million euros for pushing users to share their data "
            "with Facebook.",
            [("WhatsApp", "IT", "fine", D("3000000"), "EUR")],
        ),
        # two platforms named before the figure: which one it is on stays a doubt
        ("The European Commission fined Facebook and WhatsApp 110 million euros over the deal.", []),
        ("Regulators said Facebook's WhatsApp was fined 110 million euros by the European Commission.", []),
    ],
)
def test_a_platform_named_only_after_the_figure_is_no_doubt(summary: str, expected: list[tuple]) -> None:
    """Only platforms named before a figure make ``multiple_platforms``: one after it is what the fine is about."""
    assert read_fines("Brussels fines messaging firm", summary) == expected


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        (
            "Dutch watchdog fines Quillo 2 million euros",
            "The Dutch Data Protection Authority has fined facial recognition company Quillo 2 million euros "
            "for building a database of faces.",
            [("Quillo", "NL", "fine", D("2000000"), "EUR")],
        ),
        (
            "Court orders Quillo to pay A$3 million",
            "Australia's Federal Court has ordered U.S.-based Quillo LLC to pay A$3 million in penalties after "
            "the company admitted misleading consumers.",
            [("Quillo", "AU", "fine", D("3000000"), "AUD")],
        ),
        # a unit of the company ("Zentro's crypto unit"), a name read cut short ("Bank" of "Bank of
        # Wexford"), an entity named with its line of business and legal form: who is fined stays open
        (
            "New York regulator fines Zentro's crypto unit $3 million",
            "New York's Department of Financial Services has fined the unit $3 million over compliance failures.",
            [],
        ),
        (
            "Irish regulator fines bank",
            "Ireland's Data Protection Commission has imposed fines totalling 46,000 euros on Bank of Wexford "
            "over data breaches.",
            [],
        ),
        (
            "Indian central bank fines payments firm",
            "The Reserve Bank of India has fined Zapto Payments Private Ltd Rs 2 crore for breaching its rules.",
            [],
        ),
    ],
)
def test_a_company_the_tables_do_not_know_is_a_fact_when_its_name_is_clean(
    title: str, summary: str, expected: list[tuple]
) -> None:
    """``platform_unknown`` alone holds nothing; a descriptor is not the name; a unit or a cut name is unclear."""
    assert read_fines(title, summary) == expected


def test_a_doubt_of_the_tables_alone_still_holds_a_fine() -> None:
    """A fine whose one reason is ``platform_unknown`` waits for review, as the read fine it is.

    Letting such doubts through made wrong facts on blind items (docs/news_extraction.md, "From
    candidate to fact"): every doubt holds.
    """
    title = "Dutch watchdog fines Quillo"
    summary = "The Dutch Data Protection Authority has fined the company Quillo 2 million euros."
    [alone] = extract_candidates(title, summary)
    assert alone.reasons == ("platform_unknown",)
    assert extraction_issue(alone) == f"extraction doubt ({alone.confidence:.2f}): platform_unknown"
    assert read_fines(title, summary) == [("Quillo", "NL", "fine", D("2000000"), "EUR")]


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        (  # a block the headline states plainly is a fact since round 20 (test_news_rules_round19.py); this
            # one the body casts a doubt on
            "Turkey blocks Instagram",
            "Turkey's telecoms authority blocked Instagram on Friday and warned it could widen the measure.",
            ("Instagram", "TR", "block"),
        ),
        (
            "Japan's FTC orders Google to stop app-store deals",
            "Japan's Fair Trade Commission said on Tuesday it had ordered Google to change its contracts.",
            ("Google", "JP", "order"),
        ),
    ],
)
def test_a_measure_the_headline_reports_still_waits_for_review(
    title: str, summary: str, expected: tuple
) -> None:
    """A block or an order read without doubt, even one the headline reports, is offered for review, not a fact.

    Headline measures as facts gave wrong facts on blind items (docs/news_extraction.md).
    """
    candidates = [c for c in extract_candidates(title, summary) if c.amount is None]
    assert [(c.platform, c.jurisdiction, c.action_type) for c in candidates] == [expected]
    assert all(
        extraction_issue(c) == f"{c.action_type} from news: a measure without a fine waits for review"
        for c in candidates
    )


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        (
            "Judge orders Quillo to pay $12 million civil penalty in SEC case",
            "A U.S. judge ordered the payments company to pay the penalty to the Securities and Exchange "
            "Commission.",
            [("Quillo", "US", "fine", D("12000000"), "USD")],
        ),
        (
            "Quillo ordered to pay record $3.5M over booking fees",
            "Canada's Competition Tribunal said on Monday the cinema company must pay the penalty.",
            [("Quillo", "CA", "fine", D("3500000"), "CAD")],
        ),
        (
            "Australian court penalises airline",
            "SYDNEY - Quillo must pay A$10 million in penalties after Australia's Federal Court found the "
            "company misled customers.",
            [("Quillo", "AU", "fine", D("10000000"), "AUD")],
        ),
        (
            "Polish regulator fines bank",
            "Poland's data protection authority UODO has fined mQuillo 4,053,173 zlotys for failing to notify "
            "customers of a breach, the company said.",
            [("mQuillo", "PL", "fine", D("4053173"), "PLN")],
        ),
    ],
)
def test_a_company_the_tables_do_not_know_is_read_in_more_wire_forms(
    title: str, summary: str, expected: list[tuple]
) -> None:
    """An unknown company after "orders", before "ordered to pay" or a dateline, or named like "mBank"."""
    assert read_fines(title, summary) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Kyrgyzstan blocks Facebook, Telegram and WhatsApp ahead of election",
            [("Facebook", "KG", "block"), ("Telegram", "KG", "block"), ("WhatsApp", "KG", "block")],
        ),
        (
            "Kyrgyzstan has blocked search engine Yahoo, payments firm PayPal and gaming platform Steam",
            [("Yahoo", "KG", "block"), ("PayPal", "KG", "block"), ("Steam", "KG", "block")],
        ),
        # their content, a list that is not the verb's object, or a measure not taken
        ("Kyrgyzstan blocks Facebook and Telegram accounts", []),
        ("Kyrgyzstan blocks Facebook after Telegram outage", []),
        ("Kyrgyzstan threatens to block Facebook, Telegram and WhatsApp", []),
    ],
)
def test_a_headline_blocking_a_list_of_platforms_blocks_each(title: str, expected: list[tuple]) -> None:
    """A block whose object is a list of platforms is one block of each, and each is a fact."""
    summary = "Kyrgyzstan's Ministry of Digital Development confirmed the measure on Monday."
    assert sorted(read_measures(title, summary)) == sorted(expected)


def test_a_state_read_from_the_currency_of_a_named_authority_holds_nothing_alone() -> None:
    """``jurisdiction_from_currency`` alone is no issue: a named authority fining in won is Korea's."""
    title = "OpenAI fined 3.6 mln won over payment data exposure"
    summary = "The Personal Information Protection Commission said it had imposed a fine of 3.6 million won on OpenAI."
    [found] = extract_candidates(title, summary)
    assert found.reasons == ("jurisdiction_from_currency",)
    assert read_fines(title, summary) == [("OpenAI", "KR", "fine", D("3600000"), "KRW")]


def test_a_second_figure_after_a_rival_is_not_the_first_platforms() -> None:
    """In "fined Uber 13.8 million reais and rival 99 3.5 million reais" the rival's figure is not Uber's."""
    title = "Sao Paulo agency fines Uber and rival"
    summary = (
        "Brazil's consumer protection agency Procon-SP said it had fined Uber 13,791,524.54 reais and rival 99 "
        "3,533,836.00 reais for offering motorbike rides."
    )
    assert read_fines(title, summary) == [("Uber", "BR", "fine", D("13791524.54"), "BRL")]


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Italy's competition watchdog fined Apple 134 million euros and Amazon 68 million euros, more than "
            "200 million euros in all, over a deal that kept resellers of Apple products off Amazon.",
            [("Apple", "IT", "fine", D("134000000"), "EUR"), ("Amazon", "IT", "fine", D("68000000"), "EUR")],
        ),
        (
            "Italy's competition watchdog fined Apple 134 million euros and Amazon 68 million euros for agreeing "
            "to restrict which resellers could sell Apple products through Amazon.",
            [("Apple", "IT", "fine", D("134000000"), "EUR"), ("Amazon", "IT", "fine", D("68000000"), "EUR")],
        ),
        # a platform after the last figure that is not what the fines are for: whose figure is whose is open
        (
            "Italy's competition watchdog fined Apple 134 million euros and Amazon 68 million euros, and "
            "Google too.",
            [("Apple", "IT", "fine", D("134000000"), "EUR")],
        ),
    ],
)
def test_figures_in_turn_stay_paired_after_a_total_or_a_cause(summary: str, expected: list[tuple]) -> None:
    """Figures in turn keep their platforms when a sum follows them or later platforms are what the fines are for."""
    assert read_fines("Italy fines Apple and Amazon", summary) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "EU antitrust regulators fined Quillo 997 million euros for abusing its dominance in modem chips.",
            [("Quillo", "EU", "fine", D("997000000"), "EUR")],
        ),
        # "his", "Mr": perhaps a person, not a company
        ("EU antitrust regulators fined Quillo 997,000 euros over his posts.", []),
        ("EU antitrust regulators fined Quillo 997,000 euros; Mr Quillo said it was unfair.", []),
    ],
)
def test_a_name_the_item_calls_it_and_no_one_he_or_she_is_a_companys(
    summary: str, expected: list[tuple]
) -> None:
    """With no company word, an unknown name is a company's when the item says "it"/"its" and never "he"/"his"/"Mr"."""
    assert read_fines("Brussels fines Quillo", summary) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Turkey's competition authority said it had fined Google about 482 million liras for not meeting "
            "its obligations.",
            [("Google", "TR", "fine", D("482000000"), "TRY")],
        ),
        # a bound is still a doubt
        ("Turkey's competition authority said it had fined Google more than 482 million liras.", []),
    ],
)
def test_an_approximate_figure_holds_nothing_alone(summary: str, expected: list[tuple]) -> None:
    """``amount_qualified_approximate`` alone is no issue ("about", "nearly"); a bound ("more than") still is."""
    assert read_fines("Turkey fines Google", summary) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # a country the item never drops: the brand's local entity or the brand, which is open
        (
            "Kenya's data protection commissioner has fined smartphone maker Quillo Kenya 5 million shillings.",
            [],
        ),
        (
            "Kenya's data protection commissioner has fined smartphone maker Quillo Kenya 5 million shillings. "
            "Quillo said it would appeal.",
            [("Quillo", "KE", "fine", D("5000000"), "KES")],
        ),
        # a city is part of a local company's name as often
        (
            "Kenya's data protection commissioner has fined taxi company Taxi Nairobi 5 million shillings.",
            [("Taxi Nairobi", "KE", "fine", D("5000000"), "KES")],
        ),
    ],
)
def test_an_unknown_name_ending_in_a_country_is_unclear(summary: str, expected: list[tuple]) -> None:
    """An unknown name never given without its country (Quillo Kenya) may be the entity or the brand."""
    assert read_fines("Kenyan regulator fines phone maker", summary) == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # a region the item never drops is part of the name: not "Quillo"
        (
            "Quillo Europe, a trade association of ad companies, was fined 250,000 euros by Belgium's data "
            "protection authority.",
            [],
        ),
        (
            "Quillo International, an ad company, was fined 250,000 euros by Belgium's data protection authority.",
            [],
        ),
        # the item names the company without it too: the brand
        (
            "Quillo Europe, an ad company, was fined 250,000 euros by Belgium's data protection authority. "
            "Quillo said it would appeal.",
            [("Quillo", "BE", "fine", D("250000"), "EUR")],
        ),
    ],
)
def test_an_unknown_name_ending_in_a_region_keeps_it_unless_the_item_drops_it(
    summary: str, expected: list[tuple]
) -> None:
    """A region ("Europe", "International") is no legal form: cut off, "IAB Europe" would be read "IAB"."""
    assert read_fines("Belgian watchdog fines ad group", summary) == expected


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Quillo Internet to pay $1.5 million",
            "The Federal Court of Australia ordered Quillo Internet to pay "
            "$1.5 million in penalties for misleading its customers.",
        ),
        (
            "Ofcom fines Quillo Telephony",
            "Ofcom has fined Quillo Integrated Telephony Limited £183,898 for breaching telecoms rules. The "
            "company must also change its procedures.",
        ),
    ],
)
def test_an_unknown_name_ending_in_a_telecom_line_of_business_is_unclear(title: str, summary: str) -> None:
    """A telecom line of business ("Internet", "Telephony") ends the entity: it or its brand is a choice."""
    assert read_fines(title, summary) == []


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # the item names the entity and, alone, its first word: which one a record keeps is open
        (
            "Ofcom has fined Quillo Fibre £183,898 for breaching telecoms rules. Quillo must also change its "
            "procedures.",
            [],
        ),
        (
            "Ofcom has fined Quillo Fibre £183,898 for breaching telecoms rules. The company must also change "
            "its procedures.",
            [("Quillo Fibre", "GB", "fine", D("183898"), "GBP")],
        ),
    ],
)
def test_an_unknown_name_the_item_also_shortens_is_unclear(summary: str, expected: list[tuple]) -> None:
    """An unknown name also given cut to its first word ("Quillo Fibre", "Quillo must") is unclear."""
    assert read_fines("Ofcom fines Quillo Fibre", summary) == expected


def test_papua_new_guinea_and_other_states_are_places() -> None:
    """A block a state's headline reports has its state when the places table knows it (Papua New Guinea)."""
    summary = "Papua New Guinea's government has admitted blocking Facebook for much of Monday in a test."
    assert read_measures("Papua New Guinea blocks Facebook in a test", summary) == [
        ("Facebook", "PG", "block")
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a second verb: two measures, perhaps of two kinds, not one list
        ("Iranian authorities have blocked Instagram and disrupted Twitter amid unrest.", []),
        ("Iran blocks Telegram and throttles Twitter during protests.", []),
        # descriptors still stand before a name
        (
            "Russia has blocked search engine Yahoo, payments firm PayPal and gaming platform Steam.",
            ["Yahoo", "PayPal", "Steam"],
        ),
    ],
)
def test_a_second_verb_ends_a_list_of_blocked_platforms(sentence: str, expected: list[str]) -> None:
    """A lower-case word between two platforms is a descriptor only when it is no verb ("and disrupted X")."""
    assert measured_list(Spans(sentence, platform_spans(sentence))) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # two platforms of one owner are still two platforms blocked
        (
            "Sri Lanka blocks Facebook, WhatsApp after riots",
            [("Facebook", "LK", "block"), ("WhatsApp", "LK", "block")],
        ),
        # the owner and its product are one platform named twice: one block, not two
        ("Sri Lanka blocks Meta, Facebook after riots", [("Meta", "LK", "block")]),
    ],
)
def test_a_list_of_blocked_platforms_may_share_an_owner(title: str, expected: list[tuple]) -> None:
    """A list of platforms of one owner is one block of each; the owner and its product are no list."""
    summary = "The government said the measure was temporary."
    assert [f for f in read_measures(title, summary) if f[2] == "block"] == expected


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Australia's communications regulator on Wednesday announced a three million Australian dollar fine "
            "for Quillo after it breached emergency call rules.",
            [("Quillo", "AU", "fine", D("3000000"), "AUD")],
        ),
        # a word between: what the fine is for, not whom
        (
            "Australia's communications regulator on Wednesday announced a three million Australian dollar fine "
            "for breaching Quillo rules, the company said.",
            [],
        ),
    ],
)
def test_an_unknown_company_right_after_fine_for_is_the_party(summary: str, expected: list[tuple]) -> None:
    """An unknown company named right after "fine for" ("a fine for Quillo after it breached") is the party."""
    assert read_fines("Telco fined over call failures", summary) == expected


def test_a_state_that_suspends_a_platform_is_the_authority() -> None:
    """A state that "suspends" a platform in the headline is its actor, as one that "blocks" it."""
    summary = (
        "The security service said on Wednesday it had decided to temporarily restrict access to TikTok."
    )
    assert read_measures("Azerbaijan suspends TikTok during border fighting", summary) == [
        ("TikTok", "AZ", "block")
    ]


def test_a_place_after_a_company_word_is_no_company() -> None:
    """A place read after a company word ("to store Russian users' data") is no party."""
    summary = (
        "A Moscow court fined 2 million roubles for failing to store Russian users' personal data in Russia."
    )
    assert read_fines("Watchdog fines app maker", summary) == []


def test_a_currency_code_is_no_company() -> None:
    """A currency code before the amount ("fined the company HUF 2.5 billion") is no company."""
    summary = "The authority said on Monday it had fined the company HUF 2.5 billion for unfair practices."
    assert read_fines("Hungarian watchdog fines travel site", summary) == []


def test_a_name_after_hit_with_is_no_party() -> None:
    """After "hit with" comes what the party is hit with ("record Belgian GDPR fine"), not the party."""
    title = "Quillo hit with record Belgian GDPR fine of €50,000 over officer conflict"
    summary = "Belgium's Data Protection Authority has fined Quillo 50,000 euros, its largest penalty so far."
    assert read_fines(title, summary) == [("Quillo", "BE", "fine", D("50000"), "EUR")]


def test_burkina_faso_and_other_states_are_places() -> None:
    """A block that authorities in a state take has its state once the places table knows it (Burkina Faso)."""
    summary = "Authorities in Burkina Faso say they have blocked access to Facebook for security reasons."
    assert read_measures("Burkina Faso says it blocked Facebook", summary) == [("Facebook", "BF", "block")]


# Round 13 (consumed 2026-12-03): its 4 wrong facts on 500e520.


def test_a_reinstated_penalty_is_an_earlier_decision() -> None:
    """A court that reinstates or restores a penalty decides on an earlier one: review, not a new fine."""
    title = "Appeals court reinstates $3 million penalty on Fastlink over broadband ads"
    summary = "Australia's Full Court has reinstated a $3 million penalty against internet provider Fastlink."
    assert read_fines(title, summary) == []
    restore = "A Moscow court ordered Google to restore the channel or pay 100,000 roubles a day."
    assert "earlier_action" not in reasons_of("Court orders Google to restore channel", restore, D("100000"))


def test_a_figure_after_a_figure_in_an_unread_currency_is_no_fine() -> None:
    """A figure right after one in a currency not read ("2.5 million denars, about 40,000 euros") converts it."""
    summary = (
        "North Macedonia's telecom agency has fined telecom operator Nordnet "
        "2.5 million denars, about 40,000 euros."
    )
    assert read_fines("Regulator fines Nordnet", summary) == []


def test_leva_are_bulgarian_and_may_before_a_day_is_the_month() -> None:
    """Leva are BGN, the euro beside them a conversion; "said on May 14" is a date, not a possible fine."""
    summary = (
        "Bulgaria's Commission for Protection of Competition said on May 14 it had fined telecom operator "
        "Vivatel 3.5 million leva, about 1.8 million euro."
    )
    [candidate] = extract_candidates("Bulgarian watchdog fines Vivatel", summary)
    assert (candidate.amount, candidate.currency, candidate.reported_eur) == (
        D("3500000"),
        "BGN",
        D("1800000"),
    )
    assert read_fines("Bulgarian watchdog fines Vivatel", summary) == [
        ("Vivatel", "BG", "fine", D("3500000"), "BGN")
    ]


def test_a_cap_on_a_daily_penalty_is_a_bound() -> None:
    """A daily penalty "capped at €2 million": the cap is a maximum, not a second penalty."""
    summary = (
        "A Dutch court ordered Meta to change its feed. "
        "It imposed a penalty of €50,000 per day until Meta complies, capped at €2 million."
    )
    assert [f[3] for f in read_fines("Dutch court orders Meta to change feed", summary)] == [D("50000")]
    assert "amount_qualified_bound" in reasons_of("Dutch court orders Meta", summary, D("2000000"))


def test_a_fine_between_two_shares_of_revenue_is_turnover_based() -> None:
    """A fine the law sets between two shares of revenue ("1/15 to 1/10 of annual revenue") is a turnover fine."""
    summary = (
        "A Moscow court has fined Spotify 90 million rubles for operating without a Russian office. "
        "The offence carries a fine of 1/15 to 1/10 of a company's annual revenue."
    )
    assert facts("Moscow court fines Spotify", summary) == [
        ("Spotify", "RU", "turnover_fine", D("90000000"), "RUB")
    ]
    capped = (
        "A Moscow court has fined Spotify 90 million rubles. The law allows fines of up to 10% of revenue."
    )
    assert facts("Moscow court fines Spotify", capped) == [("Spotify", "RU", "fine", D("90000000"), "RUB")]


def test_a_business_the_item_abbreviates_is_not_the_brand() -> None:
    """A platform's business the item abbreviates ("Google Cloud Services LLC" ... "GCS"): its name is unclear."""
    summary = (
        "A Moscow court has fined Google Cloud Services LLC 3 million rubles for failing to open a local office. "
        "Roskomnadzor had listed GCS among violators."
    )
    assert read_fines("Moscow court fines Google unit", summary) == []
    entity = (
        "A Moscow court has fined Twitch Interactive Inc. 3 million rubles for failing to delete content."
    )
    assert read_fines("Moscow court fines Twitch", entity) == [("Twitch", "RU", "fine", D("3000000"), "RUB")]


# After round 14 (docs/news_extraction.md, "After round 14").


def clean_fines(title: str, summary: str) -> list[tuple]:
    """Fines read without any doubt, the facts the pipeline keeps: (platform, jurisdiction, type, amount, currency)."""
    return [
        (c.platform, c.jurisdiction, c.action_type, c.amount, c.currency)
        for c in extract_candidates(title, summary)
        if extraction_issue(c) is None
    ]


@pytest.mark.parametrize(
    ("title", "summary", "platform", "state", "amount", "currency"),
    [
        (
            "Lisbon watchdog fines Vodafone",
            "Portugal's data protection authority has fined Vodafone 1.4 million euros over unsolicited sales calls.",
            "Vodafone", "PT", D("1400000"), "EUR",
        ),
        (
            "CNIL fines Orange over passwords",
            "France's CNIL said on Tuesday it had fined Orange 12 million euros for keeping passwords in clear.",
            "Orange", "FR", D("12000000"), "EUR",
        ),
        (
            "FTC fines Binance",
            "The Federal Trade Commission fined crypto exchange Binance $4 million over misleading fee disclosures.",
            "Binance", "US", D("4000000"), "USD",
        ),
    ],
)  # fmt: skip
def test_companies_regulators_often_fine_are_known(
    title: str, summary: str, platform: str, state: str, amount: Decimal, currency: str
) -> None:
    """Operators, exchanges and apps regulators fine often are in the tables: their fine is read without doubt."""
    assert clean_fines(title, summary) == [(platform, state, "fine", amount, currency)]


def test_three_letter_codes_of_more_currencies_are_read() -> None:
    """In "KWD 150,000 (USD 490,000)" the Kuwaiti dinar is the fine, the dollars its conversion."""
    summary = "Kuwait's communications regulator has fined operator Zain KWD 150,000 (USD 490,000) for network outages."
    [candidate] = extract_candidates("Kuwait regulator fines Zain", summary)
    assert (candidate.amount, candidate.currency, candidate.reported_usd) == (D("150000"), "KWD", D("490000"))
    assert read_fines("Kuwait regulator fines Zain", summary) == [("Zain", "KW", "fine", D("150000"), "KWD")]


def test_the_sanctions_office_is_american_whatever_country_the_sanctions_name() -> None:
    """A fine of the Office of Foreign Assets Control over Iran sanctions is the US's, not Iran's."""
    summary = (
        "Crypto exchange Bybit has agreed to pay $1.1 million to settle apparent violations of sanctions on "
        "Iran, the Treasury's Office of Foreign Assets Control said."
    )
    [candidate] = extract_candidates("Bybit settles sanctions case", summary)
    assert candidate.jurisdiction == "US"


def test_a_fine_told_in_a_month_gone_by_or_first_imposed_looks_back() -> None:
    """A fine "had been fined ... in October", or "had first been fined that year, X and Y": earlier actions."""
    summary = (
        "The Cyberspace Administration of China said it had fined live-streaming site Huya 1 million yuan. "
        "The regulator added that the company had been fined 3 million yuan in October."
    )
    assert "earlier_action" in reasons_of("China fines Huya", summary, D("3000000"))
    summary = (
        "A Moscow court fined Tinder and Grindr 4 million roubles each on Tuesday. "
        "Both had first been fined that year, 1 million and 300,000 roubles respectively."
    )
    assert "earlier_action" in reasons_of("Moscow court fines Tinder", summary, D("300000"))


def test_a_fine_a_court_upholds_is_an_earlier_decision() -> None:
    """A court that upholds a fine, or rejects the appeal against it, decides on an earlier one: held."""
    assert read_fines("Istanbul court upholds 5 million lira fine on Google", "") == []
    summary = "Google must pay a 5 million lira penalty after a court rejected its appeal, the board said."
    assert read_fines("Google must pay competition fine", summary) == []


def test_a_total_the_item_gives_each_part_of_is_no_fine() -> None:
    """A fine "a total of 600,000 euros for three breaches ... Each breach carries a 200,000 euro fine": a total."""
    summary = (
        "Spain's CNMC has fined Vodafone a total of 600,000 euros for three serious breaches of portability rules. "
        "Each breach carries a 200,000 euro fine."
    )
    assert "amount_is_total" in reasons_of("Spain fines Vodafone 600,000 euros", summary, D("600000"))


def test_two_brands_in_one_company_name_are_unclear() -> None:
    """Two brands in one name ("Telefónica O2", "Telefónica Czech Republic (O2)"): which one is meant is open."""
    summary = "The Czech Telecommunication Office fined Telefónica Czech Republic (O2) 100,000 crowns over a reseller."
    assert read_fines("Czech regulator fines operator", summary) == []
    assert read_fines("Czech regulator fines Telefónica O2 100,000 crowns", "") == []


@pytest.mark.parametrize(
    ("title", "summary", "fact"),
    [
        (
            "Egypt fines Orange Egypt",
            "Egypt's telecom regulator fined Orange Egypt E£4.2m over billing errors.",
            ("Orange", "EG", "fine", D("4200000"), "EGP"),
        ),
        (
            "Oregon fines Lyft",
            "Oregon's Public Utility Commission fined Lyft $2.5 million for operating without a permit.",
            ("Lyft", "US", "fine", D("2500000"), "USD"),
        ),
        (
            "Chile fines Rappi",
            "Chile's consumer agency Sernac has fined Rappi 150 million pesos over hidden delivery fees.",
            ("Rappi", "CL", "fine", D("150000000"), "CLP"),
        ),
        (
            "Senegal fines Orange",
            "Senegal's telecom regulator has fined Orange 1.5 billion francs over network quality.",
            ("Orange", "SN", "fine", D("1500000000"), "XOF"),
        ),
        (
            "Rwanda fines Airtel",
            "Rwanda's utilities regulator has fined Airtel Rwanda 200 million francs for dropped calls.",
            ("Airtel", "RW", "fine", D("200000000"), "RWF"),
        ),
    ],
)
def test_the_currency_the_country_settles(title: str, summary: str, fact: tuple) -> None:
    """E£ is the Egyptian pound; a US state's "$" is the US dollar, Chile's pesos CLP, Senegal's francs XOF."""
    assert clean_fines(title, summary) == [fact]


@pytest.mark.parametrize(
    ("title", "summary", "state"),
    [
        (
            "UOKiK fines Allegro",
            "UOKiK has fined Allegro 10 million zlotys over misleading promotions.",
            "PL",
        ),
        ("Procon-SP fines Amazon", "Procon-SP has fined Amazon 2 million reais over late deliveries.", "BR"),
        (
            "Dutch bank fines Revolut",
            "De Nederlandsche Bank has fined Revolut 2.6 million euros over checks.",
            "NL",
        ),
        (
            "Hamburg watchdog fines Zalando",
            "The Hamburg data protection commissioner has fined Zalando 900,000 euros over employee data.",
            "DE",
        ),
    ],
)
def test_more_authorities_and_places_give_the_state(title: str, summary: str, state: str) -> None:
    """Poland's UOKiK, Brazil's Procon, the Dutch central bank and a German state's commissioner."""
    [fact] = clean_fines(title, summary)
    assert fact[1] == state


def test_the_parts_of_a_total_are_the_total_platform_s() -> None:
    """A total "made up of" two figures in a sentence naming no platform: both are the total's platform's."""
    summary = (
        "Italy's competition authority fined Netflix a total of 9 million euros on Monday. "
        "The penalty is made up of 6 million euros for unfair renewal terms and 3 million euros for pricing."
    )
    assert clean_fines("Italy fines Netflix 9 million euros", summary) == [
        ("Netflix", "IT", "fine", D("6000000"), "EUR"),
        ("Netflix", "IT", "fine", D("3000000"), "EUR"),
    ]


@pytest.mark.parametrize(
    ("title", "summary", "state"),
    [
        (
            "Watchdog fines Revolut",
            "The Financial Conduct Authority has fined Revolut £3.5 million over checks.",
            "GB",
        ),
        (
            "Central bank fines PhonePe",
            "The RBI has imposed a penalty of Rs 2.5 crore on PhonePe over KYC rules.",
            "IN",
        ),
        (
            "CCPA fines Swiggy",
            "The Central Consumer Protection Authority has fined Swiggy ₹5 lakh over misleading delivery claims.",
            "IN",
        ),
    ],
)
def test_authorities_of_one_state_give_it_without_the_currency(title: str, summary: str, state: str) -> None:
    """The Financial Conduct Authority is British, the Reserve Bank of India and the CCPA Indian."""
    [fact] = clean_fines(title, summary)
    assert fact[1] == state


def test_crore_and_lakh_are_one_figure() -> None:
    """A fine of "Rs 1 crore and 45.5 lakh" is 14,550,000 rupees, not one of one crore."""
    summary = (
        "The Reserve Bank of India has fined PhonePe Rs 1 crore and 45.5 lakh over prepaid wallet rules."
    )
    assert clean_fines("RBI fines PhonePe", summary) == [("PhonePe", "IN", "fine", D("14550000"), "INR")]


def test_a_platform_s_business_known_by_its_own_name() -> None:
    """A business known by its own name: "Google Pay India" is Google Pay, not Google."""
    summary = "The Reserve Bank of India has imposed a penalty of Rs 2 crore on Google Pay India over payment rules."
    assert clean_fines("RBI fines Google Pay", summary) == [
        ("Google Pay", "IN", "fine", D("20000000"), "INR")
    ]


@pytest.mark.parametrize(
    ("title", "summary", "fact"),
    [
        (
            "Uber to pay $2 million",
            "Uber will pay a $2 million fine to settle claims it misled riders about fees, Illinois Attorney "
            "General Kwame Raoul said on Monday.",
            ("Uber", "US", "fine", D("2000000"), "USD"),
        ),
        (
            "Exchange pleads guilty",
            "OKX pleaded guilty to running an unlicensed money transmitter and will pay a $9 million penalty, "
            "federal prosecutors in Brooklyn said.",
            ("OKX", "US", "fine", D("9000000"), "USD"),
        ),
        (
            "Robinhood fined",
            "New Jersey's Department of Banking and Insurance has fined Robinhood $1.5 million over disclosures.",
            ("Robinhood", "US", "fine", D("1500000"), "USD"),
        ),
    ],
)
def test_attorneys_general_prosecutors_and_departments_are_authorities(
    title: str, summary: str, fact: tuple
) -> None:
    """A state's attorney general, federal prosecutors in a city and a "Department of ..." are authorities."""
    assert clean_fines(title, summary) == [fact]


def test_a_fine_an_appeal_to_come_names_as_its_object_was_imposed_before() -> None:
    """Round 15: "X to appeal the 50 mln euro fine ... imposed in March" reports the appeal; no fact."""
    assert (
        read_fines(
            "Zalando to appeal Commission's 50 mln euro fine",
            "Zalando said it will appeal the 50 million euro fine the European Commission imposed on it in "
            "March over its returns policy.",
        )
        == []
    )


def test_the_figure_a_decision_replaced_is_no_fine() -> None:
    """Round 15: "cut a fine to A (conversion) from B": B is the former figure, A the fine."""
    assert read_fines(
        "Madrid court cuts Amazon fine",
        "A Madrid appeals court on Friday cut a fine against Amazon for misleading ads to 45 million euros "
        "($48.6 million) from 90 million euros, the court said.",
    ) == [("Amazon", "ES", "fine", D("45000000"), "EUR")]


def test_each_after_other_parties_than_the_known_platform_is_unclear() -> None:
    """Round 15: "fined Uber A, and Foo and Bar B each": the "each" is Foo's and Bar's, not Uber's."""
    fines = read_fines(
        "Tokyo court fines Uber and two delivery firms",
        "A Tokyo court has fined Uber 30 million yen, and Demaecan and Wolt-owned Menu 5 million yen each "
        "over consumer rules, the court said.",
    )
    assert fines == [("Uber", "JP", "fine", D("30000000"), "JPY")]


@pytest.mark.parametrize(
    ("title", "summary", "fact"),
    [
        (
            "Swiss watchdog fines bank app",
            "Switzerland's Competition Commission has fined Swisscom SFr12.5 million ($14 million) over roaming fees.",
            ("Swisscom", "CH", "fine", D("12500000"), "CHF"),
        ),
        (
            "South African regulator fines MTN",
            "South Africa's communications regulator Icasa has fined MTN R7 million over data bundle prices.",
            ("MTN", "ZA", "fine", D("7000000"), "ZAR"),
        ),
    ],
)
def test_the_swiss_franc_and_rand_signs_are_read(title: str, summary: str, fact: tuple) -> None:
    """Round 15: "SFr12.5 million" is Swiss francs, "R7 million" rand (R right before its digits)."""
    assert read_fines(title, summary) == [fact]


def test_a_share_of_a_fine_is_no_fine_of_its_own() -> None:
    """Round 15: "€3 million of the fine is suspended ... the remaining €4 million": shares, not fines."""
    title, summary = (
        "Regulator fines Vinted",
        "Lithuania's data protection authority has fined Vinted 7 million euros over data requests. "
        "€3 million of the fine is suspended for two years, while the remaining €4 million must be paid "
        "within 60 days.",
    )
    assert all(amount not in (D("3000000"), D("4000000")) for *_, amount, _ in read_fines(title, summary))


def test_a_figure_in_a_headline_clause_without_an_action_word_is_doubtful() -> None:
    """Round 15: "Uber agrees €90 mln package; Bolt handed imposed remedies": "imposed" is Bolt's clause."""
    assert (
        read_fines(
            "Uber agrees €90 mln Dutch driver package; Bolt handed imposed remedies",
            "The Netherlands' competition authority ACM published its final report on Monday.",
        )
        == []
    )


@pytest.mark.parametrize(
    ("title", "summary", "fact"),
    [
        (
            "Telkom fined",
            "South Africa's Competition Tribunal has imposed a penalty of 120 million rand on Telkom over pricing.",
            ("Telkom", "ZA", "fine", D("120000000"), "ZAR"),
        ),
        (
            "Rogers to pay",
            "Ontario's Superior Court of Justice ordered Rogers Communications to pay a C$200,000 penalty over "
            "misleading ads.",
            ("Rogers", "CA", "fine", D("200000"), "CAD"),
        ),
        (
            "Turkiye fines Trendyol",
            "Turkiye's Competition Authority has fined Trendyol 61 million lira over data use.",
            ("Trendyol", "TR", "fine", D("61000000"), "TRY"),
        ),
    ],
)
def test_more_telecoms_canadian_provinces_and_turkiye(title: str, summary: str, fact: tuple) -> None:
    """Round 15: Telkom and Rogers Communications are known, Ontario is Canadian, "Turkiye" is Turkey."""
    assert clean_fines(title, summary) == [fact]


def test_the_same_court_right_after_the_lead_tells_more_of_the_news() -> None:
    """Round 15: "The same court fined Telegram ..." right after the lead is the item's news too."""
    assert clean_fines(
        "Moscow court fines Google and Telegram",
        "A Moscow court on Monday fined Google 4 million roubles for failing to delete banned content. "
        "The same court fined Telegram 7 million roubles on two protocols.",
    ) == [("Google", "RU", "fine", D("4000000"), "RUB"), ("Telegram", "RU", "fine", D("7000000"), "RUB")]


def test_a_figure_in_total_over_several_platforms_is_their_sum() -> None:
    """Round 15: "fines Google, Telegram over $90,000 in total" sums two fines: each body figure stands."""
    assert sorted(
        clean_fines(
            "Moscow court fines Google, Telegram over $90,000 in total",
            "A Moscow court on Friday fined Google 4 million roubles (more than $55,000) and Telegram 3 million "
            "roubles (over $35,000) for failing to delete banned content.",
        )
    ) == [("Google", "RU", "fine", D("4000000"), "RUB"), ("Telegram", "RU", "fine", D("3000000"), "RUB")]


@pytest.mark.parametrize(
    ("summary", "amount", "currency"),
    [
        (
            "Nigeria's consumer protection commission has fined Jumia N20 million over refunds.",
            "20000000",
            "NGN",
        ),
        (
            "Malaysia's communications regulator MCMC has fined Celcom RM2.5 million over outages.",
            "2500000",
            "MYR",
        ),
        (
            "Saudi Arabia's telecom regulator has fined Mobily SR4.2 million over service quality.",
            "4200000",
            "SAR",
        ),
        (
            "Bangladesh's telecom regulator BTRC has fined Grameenphone Tk 30 million over call drops.",
            "30000000",
            "BDT",
        ),
        (
            "Ghana's National Communications Authority has fined Vodafone GH¢60,000 over data bundles.",
            "60000",
            "GHS",
        ),
    ],
)
def test_signs_of_letters_before_their_digits_are_read(summary: str, amount: str, currency: str) -> None:
    """Round 15 study: "N20 million" naira, "RM" ringgit, "SR" riyal, "Tk" taka, "GH¢" cedi."""
    assert [(a, c) for *_, a, c in read_fines("Regulator fines operator", summary)] == [(D(amount), currency)]


def test_a_platform_s_user_fined_is_not_the_platform() -> None:
    """Round 15 study: "fines TikTok user RM5,000": the party fined is a user, not TikTok."""
    assert (
        read_fines(
            "Malaysian regulator fines TikTok user RM5,000",
            "The Malaysian Communications and Multimedia Commission fined a TikTok user 5,000 ringgit over a video.",
        )
        == []
    )


def test_a_later_fine_of_a_platform_the_headline_lists_is_the_items_news() -> None:
    """Studied after round 15: "Court fines TikTok ..., Twitch ...": Twitch's fine in a later sentence is news."""
    assert clean_fines(
        "Moscow court fines Spotify over podcasts, Twitch over a stream",
        "A Moscow court on Monday fined Spotify 2 million roubles for failing to delete banned podcasts, "
        "Interfax reported. In another ruling the court ordered streaming service Twitch to pay 3 million "
        "roubles over a stream.",
    ) == [("Spotify", "RU", "fine", D("2000000"), "RUB"), ("Twitch", "RU", "fine", D("3000000"), "RUB")]


def test_a_running_tally_of_one_platform_s_fines_is_no_fine() -> None:
    """Studied after round 15: "bringing the network's fines in these cases to 6 million roubles" is a tally."""
    assert read_fines(
        "VKontakte fined",
        "A Moscow court fined VKontakte 2 million roubles, bringing the social network's fines in these cases "
        "to 6 million roubles.",
    ) == [("VKontakte", "RU", "fine", D("2000000"), "RUB")]


def test_the_platform_just_fined_named_again_in_its_cause_leaves_the_next_pair_alone() -> None:
    """Studied after round 15: "fined Google €2m over ads on YouTube and fined Twitch €1m": Twitch's €1m."""
    assert clean_fines(
        "Italian regulator fines Google, Twitch",
        "Italy's media watchdog AGCOM has fined Google 2 million euros over betting ads on YouTube and fined "
        "Amazon-owned Twitch 1 million euros over betting streams.",
    ) == [("Google", "IT", "fine", D("2000000"), "EUR"), ("Twitch", "IT", "fine", D("1000000"), "EUR")]


# After round 16


@pytest.mark.parametrize(
    "recap",
    [
        "Telegram was earlier fined 5 million roubles over a channel.",
        "Telegram was earlier hit with a fine of 5 million roubles over a channel.",
        "Telegram has earlier been ordered to pay 5 million roubles over a channel.",
    ],
)
def test_a_fine_the_platform_was_earlier_hit_with_is_an_earlier_action(recap: str) -> None:
    """After round 16: "X was earlier fined 5 million roubles" recalls a fine behind the item's news."""
    summary = (
        f"A Moscow court has received a new case against Telegram over banned content, a source said. {recap}"
    )
    assert clean_fines("Telegram faces new fine in Russia", summary) == []


def test_a_platform_spelled_in_lower_case_by_its_brand_is_one_platform() -> None:
    """After round 16: the tables' "Foodpanda" and the brand's own "foodpanda" are counted as one platform."""
    [fine] = clean_fines(
        "Regulator fines foodpanda", "Pakistan's competition regulator fined foodpanda 5 million rupees."
    )
    assert same_platform(fine[0]) == same_platform("foodpanda") == same_platform("FOODPANDA")


@pytest.mark.parametrize(
    "title",
    [
        "New York regulator: Kraken to pay $30 million penalty in $60 million settlement",
        "Kraken settles with New York for $60 million, including a $30 million fine",
    ],
)
def test_a_settlement_of_a_penalty_and_an_equal_other_sum_is_a_total(title: str) -> None:
    """After round 16: "$30 million penalty" and "an additional $30 million" make the "$60 million settlement"."""
    summary = (
        "New York's financial regulator said Kraken will pay a $30 million penalty. Kraken also agreed to invest "
        "an additional $30 million in its compliance programme."
    )
    assert clean_fines(title, summary) == [("Kraken", "US", "fine", D("30000000"), "USD")]


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        (
            "Thailand fines Bybit",
            "Thailand's Securities and Exchange Commission has opened a case against crypto exchange Bybit. "
            "Bybit was fined 3 million baht for operating without a licence.",
        ),
        (
            "Taiwan FTC fines cable operators",
            "The regulator found the two carriers fixed prices. Kbro was fined NT$4 million and Bybit NT$3 million.",
        ),
    ],
)
def test_an_authority_named_in_another_sentence_keeps_the_state_that_owns_it_there(
    title: str, summary: str
) -> None:
    """After round 16: "Thailand's Securities and Exchange Commission", "Taiwan FTC" named once are not the US's."""
    assert {c.jurisdiction for c in extract_candidates(title, summary) if c.platform == "Bybit"} == {
        "TW" if "Taiwan" in title else "TH"
    }


# World regulators and places: authorities and states the tables did not know (invented sentences).


def _fines_where(title: str, summary: str) -> list[tuple]:
    """(platform, jurisdiction, amount, currency, reasons) of every candidate of an item."""
    return [
        (c.platform, c.jurisdiction, c.amount, c.currency, c.reasons)
        for c in extract_candidates(title, summary)
    ]


@pytest.mark.parametrize(
    ("summary", "platform", "jurisdiction", "amount", "currency"),
    [
        (
            "The ODPC fined Oppo 12 million shillings over customer data it kept too long.",
            "Oppo",
            "KE",
            "12000000",
            "KES",
        ),
        ("OJK fined Shopee 2 billion rupiah over its payments service.", "Shopee", "ID", "2000000000", "IDR"),
        ("Profeco fined Amazon 3 million pesos over late refunds.", "Amazon", "MX", "3000000", "MXN"),
        ("SERNAC fined Uber 200 million pesos over hidden fees.", "Uber", "CL", "200000000", "CLP"),
        ("AGCOM fined Meta 3.5 million euros over gambling ads.", "Meta", "IT", "3500000", "EUR"),
        (
            "The CNMC fined Booking.com 413 million euros for abusing its position.",
            "Booking.com",
            "ES",
            "413000000",
            "EUR",
        ),
        (
            "The Federal Cartel Office fined Google 5 million euros over its maps terms.",
            "Google",
            "DE",
            "5000000",
            "EUR",
        ),
        ("The KCC fined Google 47.5 billion won over in-app payments.", "Google", "KR", "47500000000", "KRW"),
        (
            "The Information Regulator fined TikTok 5 million rand over children's data.",
            "TikTok",
            "ZA",
            "5000000",
            "ZAR",
        ),
        ("The Hellenic Competition Commission fined Apple 2 million euros.", "Apple", "GR", "2000000", "EUR"),
        ("A court in Karachi fined Twitter 1 million rupees over a post.", "Twitter", "PK", "1000000", "PKR"),
        (
            "A Lagos court fined Google 5 million naira over a privacy breach.",
            "Google",
            "NG",
            "5000000",
            "NGN",
        ),
        (
            "A St Petersburg court fined Spotify 3 million roubles over podcasts.",
            "Spotify",
            "RU",
            "3000000",
            "RUB",
        ),
    ],
)
def test_a_known_regulator_or_city_gives_its_state(
    summary: str, platform: str, jurisdiction: str, amount: str, currency: str
) -> None:
    """A regulator's acronym or name, or a city with a court, gives the state without a doubt."""
    assert _fines_where("Regulator fines platform", summary) == [
        (platform, jurisdiction, D(amount), currency, ())
    ]


@pytest.mark.parametrize(
    ("sentence", "jurisdiction"),
    [
        ("A court in Panama fined Google.", "PA"),
        ("Namibia's regulator fined MTN.", "NA"),
        ("A court in Northern Ireland fined Meta.", "GB"),
        ("A New South Wales court fined Uber.", "AU"),
        ("North Korea's court fined nobody.", "KP"),
        ("A Guinea-Bissau court fined Orange.", "GW"),
        ("A South Sudanese court fined MTN.", "SS"),
    ],
)
def test_more_states_are_places(sentence: str, jurisdiction: str) -> None:
    """Every UN member is a place; the longer name wins ("Northern Ireland" over "Ireland")."""
    assert first_code(sentence, PLACE_RULES) == jurisdiction


@pytest.mark.parametrize(
    "sentence",
    [
        "The FASB's PTAs and ACMAs fined nobody.",  # acronyms inside longer words
        "The CAC 40 fell as Google was fined.",  # the Paris index, not China's regulator
        "A Niger Delta court fined Shell.",  # a region of Nigeria, not the state of Niger
    ],
)
def test_an_acronym_inside_a_word_or_a_namesake_gives_no_state(sentence: str) -> None:
    """Acronyms are matched as whole words, with their case; namesakes of a known body give nothing."""
    assert first_code(sentence, PLACE_RULES) is None


def test_a_namesake_of_new_zealand_s_commerce_commission_is_fiji_s() -> None:
    """A bare Commerce Commission is New Zealand's; the Fiji Commerce Commission is Fiji's."""
    assert first_code("The Commerce Commission fined Spark.", PLACE_RULES) == "NZ"
    assert first_code("The Fiji Commerce Commission fined Digicel.", PLACE_RULES) == "FJ"


def test_every_plainly_written_institution_gives_its_own_state() -> None:
    """Each name or acronym of ``[institutions]`` without regex syntax gives its table's state.

    The alternatives are compiled grouped by first letter, so an alternative another one shadows
    (or a name listed under two states) shows here.
    """
    wrong = [
        (name, code, first_code(name, PLACE_RULES))
        for code, rx in TABLES["institutions"].items()
        for name in (alt.removeprefix(r"\b").removesuffix(r"\b") for alt in _alternatives(rx))
        if re.escape(name).replace(r"\ ", " ") == name and first_code(name, PLACE_RULES) != code
    ]
    assert wrong == []


def test_a_penalty_upheld_after_a_semicolon_leaves_the_first_story_s_fine_alone() -> None:
    """After round 16: "fines Coupang 5 billion won; court upholds Kakao fine": two stories, Coupang's is news."""
    assert clean_fines("Korea's KFTC fines Coupang 5 billion won; court upholds Kakao fine", "") == [
        ("Coupang", "KR", "fine", D("5000000000"), "KRW")
    ]


@pytest.mark.parametrize(
    ("summary", "platform", "jurisdiction", "amount", "currency"),
    [
        ("Malta's FIAU has fined Cryptomus 1.1 million euros.", "Cryptomus", "MT", "1100000", "EUR"),
        ("Taiwan's National Communications Commission fined Chunghwa Telecom NT$3 million.", "Chunghwa Telecom",
         "TW", "3000000", "TWD"),
        ("Germany's BaFin fined N26 4.25 million euros over late reports.", "N26", "DE", "4250000", "EUR"),
    ],
)  # fmt: skip
def test_companies_and_a_regulator_round_16_named_are_known(
    summary: str, platform: str, jurisdiction: str, amount: str, currency: str
) -> None:
    """After round 16: companies it named that regulators fine (a bank, an exchange, telecoms) and Malta's FIAU."""
    assert _fines_where("Regulator fines company", summary) == [
        (platform, jurisdiction, D(amount), currency, ())
    ]


# After rounds 17 and 18


def test_a_headline_planning_a_figure_fine_plans_the_item_s_fines() -> None:
    """After rounds 17 and 18: "Spain plans 2.5 mln euro fine on Glovo": a figure between the plan and the fine."""
    assert not facts(
        "Spain plans 2.5 mln euro fine on Glovo over rider data",
        "Spain's data protection agency said it had told Glovo it intends to sanction it with 2.5 million euros "
        "for tracking riders. Glovo can reply within a month.",
    )


def test_a_figure_called_daily_or_weekly_is_a_periodic_penalty() -> None:
    """After rounds 17 and 18: "hits Meta with daily 250,000 euro penalties": the word before the figure."""
    assert facts(
        "Italian regulator hits Meta with daily 250,000 euro penalties over WhatsApp",
        "Italy's competition authority AGCM said Meta must pay a penalty of 250,000 euros (about $270,000) "
        "until it restores access for rival chatbots.",
    ) == [("Meta", "IT", "periodic_penalty", D("250000"), "EUR")]


def test_a_headline_total_broken_down_after_the_body_repeats_it_is_no_fine() -> None:
    """After round 17: the body's first sentence repeats the headline's figure, the next two break it down."""
    got = facts(
        "UK regulator fines Uber 3.2 mln pounds over data breach",
        "Britain's Information Commissioner's Office has fined Uber 3.2 million pounds for failing to protect "
        "riders' data. The watchdog set 3 million pounds for the breach itself. A further 200,000 pounds was "
        "added because Uber waited a year to tell riders.",
    )
    assert D("3200000") not in [amount for *_, amount, _currency in got]


def test_a_figure_counted_in_a_breakdown_counts_as_often_as_said() -> None:
    """After round 17: "two penalties of A$2 million and one of A$5 million" add up to the A$9 million."""
    got = facts(
        "Court orders Uber to pay A$9 mln in penalties",
        "Uber must pay A$9 million in penalties after the Federal Court found it misled riders about "
        "cancellation fees. The judge said the sum comprised two penalties of A$2 million and one of A$5 million.",
    )
    assert D("9000000") not in [amount for *_, amount, _currency in got]


def test_a_fine_computed_from_one_company_s_earnings_is_that_company_s_turnover_fine() -> None:
    """After round 17: "calculated as a share of Yandex's annual earnings" retypes Yandex's fine, not Telegram's."""
    found = extract_candidates(
        "Russian court fines Yandex, Telegram over banned posts",
        "A Moscow court ordered Yandex to pay 2 billion roubles for failing to delete banned posts. The court "
        "said the fine was calculated as a share of Yandex's annual earnings in Russia. Later the same court fined "
        "Telegram 500 million roubles.",
    )
    assert {(c.platform, c.action_type) for c in found if c.amount is not None} == {
        ("Yandex", "turnover_fine"),
        ("Telegram", "fine"),
    }


# Tables after rounds 17 and 18


@pytest.mark.parametrize(
    ("summary", "platform", "jurisdiction", "amount", "currency"),
    [
        ("Poland's UODO fined P4 250,000 zlotys over a late breach report.", "P4", "PL", "250000", "PLN"),
        ("The FTC said Retro Dreamer will pay a $75,000 civil penalty.", "Retro Dreamer", "US", "75000", "USD"),
        ("China's SAMR fined China Literature 500,000 yuan over an unreported deal.", "China Literature", "CN",
         "500000", "CNY"),
        ("Chile's Subtel fined Entel 90 million pesos over unverified mobile lines.", "Entel", "CL", "90000000",
         "CLP"),
        ("Colombia's Superintendence of Industry and Commerce fined Claro 900 million pesos.", "Claro", "CO",
         "900000000", "COP"),
        ("Nigeria's NDPC fined MultiChoice 500 million naira over subscriber data.", "MultiChoice", "NG",
         "500000000", "NGN"),
        ("Indonesia's OJK fined GoPay 3 billion rupiah over late reports.", "GoPay", "ID", "3000000000", "IDR"),
        ("A Moscow court fined Likee 4 million roubles over banned content.", "Likee", "RU", "4000000", "RUB"),
    ],
)  # fmt: skip
def test_companies_rounds_17_and_18_named_and_their_peers_are_known(
    summary: str, platform: str, jurisdiction: str, amount: str, currency: str
) -> None:
    """After rounds 17 and 18: operators, app makers and e-wallets the tables did not know are the fined party."""
    assert _fines_where("Regulator fines company", summary) == [
        (platform, jurisdiction, D(amount), currency, ())
    ]


@pytest.mark.parametrize(
    ("summary", "platform", "jurisdiction", "amount", "currency"),
    [
        ("The Authority of Broadcasting and Electronic Information fined Zalo 70 million dong.", "Zalo", "VN",
         "70000000", "VND"),
        ("The FCA fined Revolut 3.5 million pounds over weak anti-fraud checks.", "Revolut", "GB", "3500000", "GBP"),
        ("FinCEN fined Huobi US$2 million over unreported transactions.", "Huobi", "US", "2000000", "USD"),
        ("The CVM fined Nubank 1.2 million reais over late disclosures.", "Nubank", "BR", "1200000", "BRL"),
        ("The DICT fined GCash 3 million pesos over an outage.", "GCash", "PH", "3000000", "PHP"),
        ("The ACPR fined Iliad 2 million euros over a payments service.", "Iliad", "FR", "2000000", "EUR"),
    ],
)  # fmt: skip
def test_authorities_rounds_17_and_18_named_give_their_state(
    summary: str, platform: str, jurisdiction: str, amount: str, currency: str
) -> None:
    """After rounds 17 and 18: a regulator named without its country gives its state (no guess from the currency)."""
    assert _fines_where("Regulator fines company", summary) == [
        (platform, jurisdiction, D(amount), currency, ())
    ]


def test_a_later_sentence_of_the_same_court_is_the_item_s_news() -> None:
    """After round 18: "The same court later fined ..." two sentences past the lead is not background."""
    assert facts(
        "Moscow court fines Apple 500,000 roubles",
        "A Moscow court on Tuesday fined Apple 500,000 roubles for failing to delete banned podcasts. Interfax "
        "said it was the first such case for the company. The same court later fined Twitch 2 million roubles "
        "for the same offence.",
    ) == [("Apple", "RU", "fine", D("500000"), "RUB"), ("Twitch", "RU", "fine", D("2000000"), "RUB")]


def test_a_sentence_where_the_regulator_also_fined_others_is_the_item_s_news() -> None:
    """After round 17: "The data protection authority also fined ..." right after the lead is not background."""
    assert facts(
        "Spain fines Glovo 2 mln euros over rider data",
        "Glovo was fined 2 million euros by Spanish authorities on Friday for tracking riders without consent. "
        "The data protection authority also fined Deliveroo 400,000 euros over the same practice.",
    ) == [("Glovo", "ES", "fine", D("2000000"), "EUR"), ("Deliveroo", "ES", "fine", D("400000"), "EUR")]


def test_costs_a_party_repays_are_no_fine() -> None:
    """After round 18 (its datelines showed it): "$500,000 for the bureau's investigation costs" is no fine."""
    got = facts(
        "Uber to pay 2.3 mln euros to settle AGCM case",
        "Italy's antitrust authority AGCM says Uber will pay 2.3 million euros in penalties and costs to settle a "
        "case over misleading fares. Uber B.V. and Uber Italy will pay a 2 million euro penalty and 300,000 euros "
        "for the authority's investigation costs.",
    )
    assert D("300000") not in [amount for *_, amount, _currency in got]


def test_a_dateline_gives_the_state_of_an_authority_named_without_one() -> None:
    """After round 18: "SEOUL - The Fair Trade Commission fined ...": the city the copy was filed from, no guess."""
    assert _fines_where(
        "Watchdog fines Coupang over suppliers",
        "SEOUL - The Fair Trade Commission fined Coupang 3 billion won for pressuring suppliers.",
    ) == [("Coupang", "KR", D("3000000000"), "KRW", ())]


def test_a_party_that_would_pay_a_sum_the_regulator_set_is_fined() -> None:
    """After round 17: "said on Monday that Uber would pay 2 million euros": reported speech of a decision."""
    assert facts(
        "Italy fines Uber over fares",
        "Italy's antitrust authority AGCM said on Monday that Uber would pay 2 million euros for misleading riders.",
    ) == [("Uber", "IT", "fine", D("2000000"), "EUR")]


def test_platforms_that_each_pay_a_figure_are_each_fined_it() -> None:
    """After round 17: "Uber, Bolt and Cabify will each pay 500,000 euros": one fine per platform listed."""
    assert facts(
        "Spain fines ride-hailing apps",
        "Spain's competition authority CNMC said Uber, Bolt and Cabify will each pay 500,000 euros for fixing fares.",
    ) == [
        ("Uber", "ES", "fine", D("500000"), "EUR"),
        ("Bolt", "ES", "fine", D("500000"), "EUR"),
        ("Cabify", "ES", "fine", D("500000"), "EUR"),
    ]


def test_two_platforms_of_one_owner_fined_two_figures_are_two_fines() -> None:
    """After round 18: WhatsApp's 3 million and Instagram's 5 million cast no conflict on each other."""
    assert facts(
        "Russian court fines WhatsApp over data storage",
        "A Moscow court fined WhatsApp 3 million roubles on Tuesday for refusing to store Russian users' data in "
        "Russia. The same court fined Instagram 5 million roubles for the same offence.",
    ) == [("WhatsApp", "RU", "fine", D("3000000"), "RUB"), ("Instagram", "RU", "fine", D("5000000"), "RUB")]


def test_a_headline_listing_two_platforms_of_one_owner_lists_each() -> None:
    """After round 18: "fines WhatsApp 3 mln roubles; Instagram fined more": Instagram's later fine is news."""
    assert facts(
        "Moscow court fines WhatsApp 3 mln roubles; Instagram fined more",
        "A Moscow court fined WhatsApp 3 million roubles on Tuesday for refusing to store Russian users' data in "
        "Russia. Instagram was fined 5 million roubles on the same day for the same offence.",
    ) == [("WhatsApp", "RU", "fine", D("3000000"), "RUB"), ("Instagram", "RU", "fine", D("5000000"), "RUB")]


# Review of rounds 16 to 18's rules


@pytest.mark.parametrize(
    "later",
    [
        "The French regulator also fined Uber 5 million euros in a separate case.",
        "Uber has faced scrutiny across Europe. The regulator has opened other probes. "
        "The European Commission also fined Google 2.4 billion euros.",
    ],
)
def test_another_body_that_also_fined_is_background(later: str) -> None:
    """Review: "The French regulator also fined" in a Dutch item is another case, not the lead's decider's."""
    assert facts(
        "Dutch regulator fines Uber",
        "The Dutch data protection authority fined Uber 10 million euros on Monday for sending drivers' data to "
        f"the United States. Uber said it would appeal. {later}",
    ) == [("Uber", "NL", "fine", D("10000000"), "EUR")]


def test_costs_a_fine_is_for_are_no_costs_repaid() -> None:
    """Review: "4 million euros for the costs it imposed on riders" is the fine, not costs the party repays."""
    assert facts(
        "Italy fines Uber",
        "Italy's antitrust authority AGCM fined Uber 4 million euros for the costs it imposed on riders.",
    ) == [("Uber", "IT", "fine", D("4000000"), "EUR")]


def test_a_figure_a_later_sentence_retells_counts_once() -> None:
    """Review: Apple's 10 million roubles told twice does not make Google's 20 million a total."""
    assert facts(
        "Russian court fines Google and Apple",
        "A Moscow court fined Google 20 million roubles and Apple 10 million roubles on Tuesday for failing to "
        "delete banned content. Apple was fined 10 million roubles for refusing to remove an app.",
    ) == [("Google", "RU", "fine", D("20000000"), "RUB"), ("Apple", "RU", "fine", D("10000000"), "RUB")]


def test_an_expected_fine_with_its_figure_is_no_plan() -> None:
    """Review: "Meta pays expected 1.2 bln euro fine": the figure comes between only after a plan word."""
    assert facts(
        "Meta pays expected 1.2 bln euro fine",
        "Meta Platforms paid a 1.2 billion euro fine imposed by the Irish Data Protection Commission for "
        "transferring user data to the United States.",
    ) == [("Meta", "IE", "fine", D("1200000000"), "EUR")]


def test_each_before_a_word_starting_pay_is_not_each_pay() -> None:
    """Review: "each received payments" is no "each pay"."""
    from etl.parsing.news import _EACH_BEFORE

    assert not _EACH_BEFORE.search("The drivers each received payments from Uber")
    assert _EACH_BEFORE.search("Uber and Bolt will each pay 500,000 euros")


# Review of the tables and datelines


@pytest.mark.parametrize(
    ("summary", "code"),
    [
        ("DUBLIN, Ohio - A court fined the app $5,000.", "US"),  # the state after the comma wins
        ("PARIS, Texas (AP) - A court fined the app $5,000.", "US"),
        ("LAGOS, Portugal - A court fined the app 5,000 euros.", "PT"),
        ("DUBLIN, Calif. - A court fined the app $5,000.", "US"),
        ("AMERICAN EXPRESS - The card issuer was fined.", None),  # a company in capitals, not a place
        ("GERMAN - The regulator fined the app.", None),
        ("US - The regulator fined the app.", "US"),  # not "Us"
        ("UK - The regulator fined the app.", "GB"),
        ("SÃO PAULO - A court fined the app.", "BR"),
        ("İSTANBUL - A court fined the app.", "TR"),
        ("MOSCOW, Aug 26 - A court fined the app.", "RU"),  # a date after the comma is no region
        ("ABUJA, Nigeria (AP) - A court fined the app.", "NG"),
    ],
)
def test_a_dateline_names_its_place_whole_and_its_region_wins(summary: str, code: str | None) -> None:
    """A dateline's city is read whole and in any case or script; a region after its comma names the state."""
    from etl.parsing.news_item import dateline_code

    assert dateline_code(summary) == code


def test_initials_other_companies_share_name_no_authority() -> None:
    """Nepal Telecom is also "NTC", Fiat Chrysler "FCA": the bare initials name no Philippine or British body."""
    assert first_code("Nepal's regulator fined Nepal Telecom (NTC) 5 million rupees.", ()) != "PH"
    assert first_code("NTC paid 5 million rupees.", ()) is None
    assert first_code("FCA said it would appeal the fine.", ()) is None
    assert first_code("Fiat Chrysler Automobiles (FCA) was fined 5 million euros.", ()) is None
    assert first_code("The FCA US unit was fined.", ()) is None
    assert first_code("The FCA fined the bank 3 million pounds.", ()) == "GB"  # the regulator is "the FCA"
    assert first_code("the Financial Conduct Authority fined the bank", ()) == "GB"
    assert first_code("the National Telecommunications Commission fined the operator", ()) == "PH"


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("Regulators fined America Movil 10 million pesos.", "América Móvil"),
        ("Regulators fined Turk Telekom 10 million lira.", "Türk Telekom"),
        ("Regulators fined HTX 10 million won.", "Huobi"),
        ("Regulators fined Jio 10 million rupees.", "Reliance Jio"),
        ("Regulators fined Reliance Jio 10 million rupees.", "Reliance Jio"),
        ("Regulators fined Ctrip 10 million yuan.", "Trip.com"),
    ],
)
def test_one_company_under_two_names_is_one_platform(text: str, platform: str) -> None:
    """América Móvil/America Movil, Türk Telekom/Turk Telekom, Huobi/HTX, Reliance Jio/Jio, Trip.com/Ctrip."""
    assert [name for _, _, name in platform_spans(text)] == [platform]


@pytest.mark.parametrize(
    "text",
    [
        "The firm was fined over tech data it sold.",
        "A rumble of complaints reached the regulator.",
        "The regulator said the match group of cases was closed.",
        "He quoted the iliad in court.",
        "A judge named william hill fined the firm.",
        "The hive box was fined.",
        "The anthropic risk was cited.",
    ],
)
def test_names_that_are_words_are_read_only_with_their_case(text: str) -> None:
    """Tech Data, Rumble, Match Group, Iliad, William Hill, Hive Box, Anthropic: only as written."""
    assert platform_spans(text) == []


def test_lao_and_bursa_name_no_state() -> None:
    """Lao is also a people of Thailand; Bursa Malaysia is the Malaysian exchange, not the Turkish city."""
    assert first_code("Lao court fines the app", PLACE_RULES) is None
    assert first_code("Bursa fines the broker", PLACE_RULES) is None
    assert first_code("Laos fines the app", PLACE_RULES) == "LA"
