"""The rule for "the same decision" (etl.loading.identity), on small sets of source records.

Figures are real (cited in etl/data/sample_actions.csv and docs/identity.md) unless a test
says they are synthetic.
"""

from __future__ import annotations

import itertools
import random
from datetime import date
from decimal import Decimal

import pytest

from etl.loading import identity
from etl.loading.identity import Record

D = Decimal


def record(
    key: str,
    amount: str | None,
    *,
    feed: str = "court_feed",
    source: str = "court",
    kind: str = "structured",
    currency: str | None = "RUB",
    on: date = date(2021, 4, 6),
    usd: str | None = None,
    qualifier: str | None = None,
    action_type: str = "fine",
    document: str | None = None,
) -> Record:
    """A source record; its own action id is derived from its feed and key."""
    return Record(
        feed=feed, record_key=key, record_action_id=f"fa_{feed}_{key}", source=source, source_kind=kind,
        document=document or key, action_type=action_type, decision_date=on, reported_date=None,
        amount=None if amount is None else D(amount), amount_exact=amount,
        currency=currency if amount is not None else None, amount_usd=None if usd is None else D(usd),
        qualifier=qualifier,
    )  # fmt: skip


def groups(records: list[Record]) -> set[frozenset[str]]:
    """The actions as sets of record keys."""
    return {frozenset(r.record_key for r in action.records) for action in identity.cluster(records)}


@pytest.mark.parametrize(
    ("amount", "kind", "qualifier", "low", "high"),
    [
        ("4300000000", "wire", None, "4250000000", "4350000000"),  # "4.3 billion"
        ("2500000", "news", None, "2450000", "2550000"),  # "2.5 million"
        ("4342865000", "structured", None, "4342864999.995", "4342865000.005"),  # exact
        ("2000000000", "news", "about", "1800000000", "2200000000"),  # "about 2 billion" is looser
        ("10000000", "news", None, "9500000", "10500000"),  # "10 million": two digits at least
        ("1000000000", "news", "more than", "1000000000", "1500000000"),
        ("10000000", "news", "up to", "5000000", "10000000.005"),
    ],
)
def test_figure_range_follows_the_precision_the_source_states(amount, kind, qualifier, low, high):
    """Rounded wire figures cover their last significant digit; exact ones only themselves."""
    assert identity.figure_range(D(amount), kind=kind, qualifier=qualifier) == (D(low), D(high))


def test_exact_court_figure_and_rounded_wire_figure_are_one_decision():
    """EUR 4,342,865,000 (the Commission's decision) and a wire's "4.3 billion" are one fine."""
    court = record("ec-android", "4342865000", currency="EUR", on=date(2018, 7, 18))
    wire = record("reuters-1#0", "4300000000", feed="wire", source="wire", kind="wire", currency="EUR",
                  on=date(2018, 7, 18))  # fmt: skip
    (action,) = identity.cluster([wire, court])
    assert action.anchor is court
    assert identity.disputed_range(action) == (False, D("4300000000"), D("4342865000"))


def test_seed_case_2_5_and_2_6_million_is_one_decision_with_a_dispute():
    """TikTok 2021-04-06: 2.5 million rubles (court record) vs 2.6 million (AFP copy): one, disputed."""
    court = record("ref-001", "2500000")
    afp = record("afp#0", "2600000", feed="news", source="AFP", kind="news")
    (action,) = identity.cluster([afp, court])
    assert action.anchor.amount == D("2500000")
    assert identity.disputed_range(action) == (True, D("2500000"), D("2600000"))


def test_within_a_kind_the_smaller_of_two_equally_precise_figures_is_counted():
    """Two news reports, 2.5 and 2.6 million: the conservative figure is counted, whatever the order."""
    a = record("mt#0", "2500000", feed="news_a", source="Moscow Times", kind="news")
    b = record("rbc#0", "2600000", feed="news_b", source="RBC", kind="news")
    for ordered in ([a, b], [b, a]):
        (action,) = identity.cluster(ordered)
        assert action.anchor is a


def test_two_records_of_one_structured_source_are_never_merged():
    """A court fining Twitter twice on one day: 3.2 and 3.3 million rubles stay two actions."""
    first = record("tw-1", "3200000", on=date(2021, 4, 2))
    second = record("tw-2", "3300000", on=date(2021, 4, 2))
    same_amount = record("tw-3", "3200000", on=date(2021, 4, 2))
    assert groups([first, second, same_amount]) == {
        frozenset({"tw-1"}),
        frozenset({"tw-2"}),
        frozenset({"tw-3"}),
    }


def test_candidates_of_one_news_item_are_never_merged():
    """One news item reporting two fines yields two actions, even when their amounts are close."""
    one = record("item#0", "3200000", feed="news", kind="news", document="item")
    two = record("item#1", "3300000", feed="news", kind="news", document="item")
    assert len(identity.cluster([one, two])) == 2


def test_different_fines_on_one_day_stay_different():
    """Different sources, same day and platform, amounts far apart (synthetic): two actions."""
    court = record("c-1", "3000000")
    news = record("n-1#0", "10000000", feed="news", source="wire", kind="news")
    assert len(identity.cluster([court, news])) == 2


def test_dates_outside_the_window_are_different_decisions():
    """The same amount a month and a half apart from two structured sources (synthetic): two actions."""
    first = record("a", "5000000", on=date(2022, 3, 1))
    later = record("b", "5000000", feed="other", source="other", on=date(2022, 4, 15))
    assert len(identity.cluster([first, later])) == 2


def test_news_published_weeks_after_the_decision_joins_it():
    """The DPC's TikTok decision of 2023-09-01, reported on 2023-09-15: one action."""
    dpc = record("dpc", "345000000", currency="EUR", on=date(2023, 9, 1))
    news = record("n#0", "345000000", feed="news", kind="news", currency="EUR", on=date(2023, 9, 15))
    assert len(identity.cluster([dpc, news])) == 1


def test_an_amount_in_another_currency_is_compared_in_usd():
    """2.5 million rubles ($32,627) and a report of "$32,700" are one decision, not disputed."""
    court = record("ref-001", "2500000", usd="32627.17")
    dollars = record("n#0", "32700", feed="news", kind="news", currency="USD", usd="32700")
    (action,) = identity.cluster([court, dollars])
    assert identity.disputed_range(action)[0] is False


def test_non_monetary_actions_merge_only_with_the_same_kind():
    """A block and a throttle on one day are two actions; two reports of the block are one."""
    block = record("b", None, action_type="block")
    block_news = record("bn#0", None, feed="news", kind="news", action_type="block")
    throttle = record("t", None, feed="other", source="other", action_type="throttle")
    assert groups([block, block_news, throttle]) == {frozenset({"b", "bn#0"}), frozenset({"t"})}


@pytest.mark.parametrize(
    ("total", "parts", "currency"),
    [
        ("150000000", ["90000000", "60000000"], "EUR"),  # CNIL on Google, 2021-12-31
        ("8900000", ["3200000", "3300000", "2400000"], "RUB"),  # Moscow court on Twitter, 2021-04-02
    ],
)
def test_a_total_and_its_parts_are_counted_once(total, parts, currency):
    """A total from one source and its parts from another: the total is linked, not counted."""
    whole = record("total", total, feed="tracker", source="tracker", currency=currency)
    pieces = [record(f"part-{i}", p, currency=currency) for i, p in enumerate(parts)]
    actions = identity.cluster([whole, *pieces])
    totals = [a for a in actions if a.is_total]
    assert len(actions) == 1 + len(parts) and len(totals) == 1
    assert totals[0].anchor is whole
    assert sorted(p.anchor.amount for p in totals[0].parts) == sorted(D(p) for p in parts)


def test_a_sum_from_the_same_source_is_not_a_total():
    """Three fines of one source where one equals the sum of the others (synthetic) all count."""
    records = [record(k, a) for k, a in (("x", "4000000"), ("y", "1000000"), ("z", "3000000"))]
    assert not any(a.is_total for a in identity.cluster(records))


def test_outcome_does_not_depend_on_the_order_of_records():
    """Every order of a mixed set gives the same actions, anchors and totals."""
    records = [
        record("ref-001", "2500000"),
        record("afp#0", "2600000", feed="news", source="AFP", kind="news"),
        record("mt#0", "2500000", feed="news2", source="MT", kind="news"),
        record("tw-1", "3200000", on=date(2021, 4, 2)),
        record("tw-2", "3300000", on=date(2021, 4, 2)),
        record("tw-3", "2400000", on=date(2021, 4, 2)),
        record("tw-total#0", "8900000", feed="news", source="AP", kind="wire", on=date(2021, 4, 3)),
    ]

    def outcome(ordered: list[Record]) -> set[tuple]:
        return {
            (a.anchor.record_key, frozenset(r.record_key for r in a.records), a.is_total,
             frozenset(p.anchor.record_key for p in a.parts))
            for a in identity.cluster(ordered)
        }  # fmt: skip

    expected = outcome(records)
    shuffler = random.Random(11)
    for _ in range(30):
        shuffled = records[:]
        shuffler.shuffle(shuffled)
        assert outcome(shuffled) == expected
    assert any(total for _, _, total, _ in expected)


def test_assign_gives_every_record_its_action_and_each_action_its_anchor():
    """The frames identity hands to the warehouse: assignment, actions and total -> part links."""
    records = [record("ref-001", "2500000"), record("afp#0", "2600000", feed="news", kind="news")]
    assignment, actions, parts = identity.assign(records)
    assert set(assignment["action_id"]) == {"fa_court_feed_ref-001"}
    row = actions.row(0, named=True)
    assert (row["anchor_record_key"], row["amount_disputed"], row["source_count"]) == ("ref-001", True, 2)
    assert parts.is_empty()


def test_permutations_of_three_sources_agree():
    """Three sources of one decision in all six orders give one action with the court's figure."""
    court = record("c", "2500000")
    wire = record("w#0", "2600000", feed="wire", source="AFP", kind="wire")
    news = record("n#0", "2500000", feed="news", source="MT", kind="news")
    for ordered in itertools.permutations([court, wire, news]):
        (action,) = identity.cluster(list(ordered))
        assert action.anchor is court and len(action.records) == 3
