"""News rules added after blind rounds 21 to 23 were consumed (docs/news_extraction.md, "Rounds 21 to 24").

Each test reads invented sentences, never the fixture items: the rule must hold for any company,
authority and figure. Each rule removed one of the wrong facts of those rounds.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.parsing.news import extract_candidates
from etl.parsing.news_feed import extraction_issue
from etl.parsing.news_scope import plan_fine_end


def _kinds(title: str, summary: str) -> list[tuple[Decimal | None, str]]:
    return [(c.amount, c.action_type) for c in extract_candidates(title, summary)]


@pytest.mark.parametrize(
    "threat",
    [
        "Zalando must change its checkout by May or risk daily fines.",
        "Zalando was also ordered to stop the practice, and faces periodic penalties if it does not.",
        "The authority warned that daily fines could follow.",
    ],
)
def test_daily_fines_without_a_figure_do_not_make_a_stated_fine_daily(threat: str) -> None:
    """A stated fine with "or risk daily fines" after it: the €40 million is a fine, not a penalty per day."""
    summary = f"The competition authority fined Zalando 40 million euros over its checkout rules. {threat}"
    kinds = _kinds("Authority fines Zalando 40 million euros", summary)
    assert (Decimal("40000000"), "fine") in kinds
    assert all(kind != "periodic_penalty" for amount, kind in kinds if amount is not None)


def test_a_daily_figure_stays_a_periodic_penalty() -> None:
    """The rule leaves a stated per-day figure alone, merged with a plain fine or not."""
    summary = (
        "The competition authority fined Zalando 40 million euros and set a daily penalty of 50,000 euros "
        "until it changes its checkout rules."
    )
    kinds = _kinds("Authority fines Zalando", summary)
    assert (Decimal("40000000"), "fine") in kinds
    assert (Decimal("50000"), "periodic_penalty") in kinds


@pytest.mark.parametrize(
    ("title", "figure"),
    [
        ("Watchdog proposes RM86.8m fine, RM15,000 daily penalty on Zalando", "RM15,000"),
        ("Regulator proposes €2.5bn fine on Zalando and €50,000 a day", "€50,000"),
        ("Watchdog plans $5m penalty for Zalando", None),
    ],
)
def test_a_proposed_figure_with_a_glued_scale_is_a_plan(title: str, figure: str | None) -> None:
    """A glued scale ("proposes RM86.8m fine"): the plan covers the figure, and any figure listed after it."""
    assert plan_fine_end(title) <= len(title)
    held = [(c.amount, extraction_issue(c) is not None, c.reasons) for c in extract_candidates(title, "")]
    assert held and all(is_held for _, is_held, _ in held)
    assert any("planned_action" in reasons for _, _, reasons in held)
    if figure is not None:
        assert plan_fine_end(title) <= title.index(figure)


def test_a_fine_imposed_with_a_glued_scale_is_no_plan() -> None:
    """Without a plan word the glued figure is a fine imposed."""
    title = "Watchdog imposes RM86.8m fine on Zalando"
    assert plan_fine_end(title) > len(title)
    [candidate] = extract_candidates(title, "")
    assert (candidate.amount, "planned_action" in candidate.reasons) == (Decimal("86800000"), False)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Watchdog asks court to fine Zalando at least €90m", ""),
        ("Regulator urges tribunal to impose €90m penalty on Zalando", ""),
        ("Watchdog calls on the judge to fine Zalando €90 million", ""),
        ("Prosecutors requested the court to fine Zalando €90 million", ""),
        ("Authority considers €90m fine on Zalando", ""),
        (
            "Competition body weighs fining Zalando",
            "The authority said it is considering fining Zalando 90 million euros.",
        ),
        (
            "Watchdog wants Zalando fined",
            "The watchdog told the court that Zalando should be fined 90 million euros.",
        ),
    ],
)
def test_a_fine_asked_for_or_considered_is_not_imposed(title: str, summary: str) -> None:
    """A regulator asking a court for a fine, or considering one, has not fined anyone: every figure waits."""
    candidates = extract_candidates(title, summary)
    assert candidates
    assert all("planned_action" in c.reasons and extraction_issue(c) is not None for c in candidates)


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Court fines Zalando €90m at watchdog's request", ""),
        ("Court fines Zalando €90m", "The court fined Zalando 90 million euros, as the regulator had asked."),
        ("Authority fines Zalando €90m", "The authority considered the 90 million euro fine proportionate."),
    ],
)
def test_a_fine_imposed_on_request_is_imposed(title: str, summary: str) -> None:
    """A request or a consideration that does not stand before the fine leaves it imposed."""
    first = extract_candidates(title, summary)[0]
    assert (first.amount, "planned_action" in first.reasons) == (Decimal("90000000"), False)
