"""Item outcomes and per-field quality of news extraction on the labelled set.

An item's candidates whose confidence reaches ``parsers.MIN_CONFIDENCE`` become facts (as in
``etl.parsers.read_news``); the rest wait for human review. Per item:

- CORRECT: at least one candidate passes, the passing candidates and the expected actions pair
  up one to one on amount, currency, platform, jurisdiction and action type (an item that expects
  nothing and passes nothing is also correct);
- WRONG: some passing candidate pairs with no expected action (a duplicate of an action already
  paired counts too: it would double the money);
- REVIEW: anything else (nothing wrong became a fact, but not every action did).

The targets are gated on the held-out split only, the items the rules were not tuned on.
``scripts/measure_news.py`` prints the same figures for docs/news_extraction.md.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from etl.news import Candidate, extract_candidates
from etl.parsers import MIN_CONFIDENCE
from etl.platforms import ALIASES

NEWS = Path(__file__).parents[1] / "fixtures" / "news"
LABELLED = [json.loads(line) for line in (NEWS / "labelled.jsonl").read_text(encoding="utf-8").splitlines()]
HELD_OUT = "holdout"
SPLITS = ("dev", "holdout", "holdout2")

# Targets from the issue tracker; not to be lowered to make a run pass.
MIN_CORRECT = 0.70
MIN_CORRECT_OR_REVIEW = 0.95
MAX_WRONG = 0
# Floors for each field over all splits: precision mirrors "no wrong fact" (with some slack for
# items that go to review), recall mirrors "at least 70% of items become facts".
MIN_FIELD_PRECISION = 0.95
MIN_FIELD_RECALL = 0.70

CORE = ("amount", "currency", "platform", "jurisdiction", "action_type")
FIELDS = ("amount+currency", "platform", "jurisdiction", "action_type", "reported_usd", "reported_eur")


@cache
def _aliases() -> dict[str, str]:
    with ALIASES.open(encoding="utf-8", newline="") as handle:
        return {row["alias"].strip().lower(): row["platform"] for row in csv.DictReader(handle)}


def canonical_platform(name: str | None) -> str | None:
    """The platform a name resolves to downstream ("Meta" -> Facebook, "X" -> Twitter)."""
    return None if name is None else _aliases().get(name.strip().lower(), name)


def _dec(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def label_values(label: dict) -> dict[str, object]:
    """A labelled action as comparable field values (missing conversions are None)."""
    return {
        "amount": _dec(label["amount"]), "currency": label["currency"],
        "platform": canonical_platform(label["platform"]), "jurisdiction": label.get("jurisdiction"),
        "action_type": label["action_type"], "reported_usd": _dec(label.get("reported_usd")),
        "reported_eur": _dec(label.get("reported_eur")),
    }  # fmt: skip


def candidate_values(candidate: Candidate) -> dict[str, object]:
    """A candidate as comparable field values."""
    values = {k: getattr(candidate, k) for k in (*CORE, "reported_usd", "reported_eur")}
    return {**values, "platform": canonical_platform(candidate.platform)}


def _agreement(want: dict, got: dict) -> int:
    """How well a candidate fits a label: amount and currency first, then the other core fields."""
    money = 10 * (want["amount"] == got["amount"] and want["currency"] == got["currency"])
    return money + sum(want[k] == got[k] for k in CORE[2:])


def pair_up(labels: list[dict], candidates: list[dict]) -> list[tuple[int | None, int | None]]:
    """Pair labels with candidates greedily by agreement; unpaired ones get None on the other side."""
    scored = sorted(
        ((_agreement(w, g), i, j) for i, w in enumerate(labels) for j, g in enumerate(candidates)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    pairs, used_l, used_c = [], set(), set()
    for score, i, j in scored:
        if score > 0 and i not in used_l and j not in used_c:
            pairs.append((i, j))
            used_l.add(i)
            used_c.add(j)
    pairs += [(i, None) for i in range(len(labels)) if i not in used_l]
    return pairs + [(None, j) for j in range(len(candidates)) if j not in used_c]


def item_outcome(row: dict, candidates: Iterable[Candidate]) -> str:
    """'correct', 'review' or 'wrong' for one item, given its candidates."""
    passing = [candidate_values(c) for c in candidates if c.confidence >= MIN_CONFIDENCE]
    labels = [label_values(e) for e in row["expected"]]
    if not passing:
        return "correct" if not labels else "review"
    exact = [
        (i, j) for i, j in pair_up(labels, passing)
        if i is not None and j is not None and all(labels[i][k] == passing[j][k] for k in CORE)
    ]  # fmt: skip
    if len(exact) < len(passing):
        return "wrong"
    return "correct" if len(exact) == len(labels) else "review"


Extractor = Callable[[str, str], list[Candidate]]


def outcomes(rows: list[dict], extract: Extractor = extract_candidates) -> Counter[str]:
    """Count of item outcomes over rows."""
    return Counter(item_outcome(row, extract(row["title"], row["summary"])) for row in rows)


def _field(values: dict, field: str) -> object:
    if field == "amount+currency":
        return None if values["amount"] is None else (values["amount"], values["currency"])
    return values[field]


def field_counts(rows: list[dict], extract: Extractor = extract_candidates) -> dict[str, list[int]]:
    """Per field: [correct, predicted, expected] over the facts (passing candidates) of rows."""
    counts = {f: [0, 0, 0] for f in FIELDS}
    for row in rows:
        candidates = extract(row["title"], row["summary"])
        passing = [candidate_values(c) for c in candidates if c.confidence >= MIN_CONFIDENCE]
        labels = [label_values(e) for e in row["expected"]]
        for i, j in pair_up(labels, passing):
            for f in FIELDS:
                want = None if i is None else _field(labels[i], f)
                got = None if j is None else _field(passing[j], f)
                counts[f][0] += want is not None and want == got
                counts[f][1] += got is not None
                counts[f][2] += want is not None
    return counts


def ratio(num: int, den: int) -> float:
    """The ratio num / den, or 1.0 when there is nothing to count."""
    return num / den if den else 1.0


def by_split(split: str) -> list[dict]:
    """The labelled items of one split."""
    return [row for row in LABELLED if row["split"] == split]


def test_labelled_set_has_enough_real_cited_items() -> None:
    """At least 60 real items, 40 of them held out; every real item cites an http(s) report."""
    real = [row for row in LABELLED if not row["synthetic"]]
    assert len(real) >= 60
    assert len([row for row in real if row["split"] == HELD_OUT]) >= 40
    assert all((row["source_url"] or "").startswith(("http://", "https://")) for row in real)


def test_labelled_items_are_well_formed() -> None:
    """Ids are unique, splits are known, and every label names a currency whenever it has an amount."""
    assert len({row["id"] for row in LABELLED}) == len(LABELLED)
    assert {row["split"] for row in LABELLED} <= set(SPLITS)
    for row in LABELLED:
        for label in row["expected"]:
            assert {"amount", "currency", "platform", "action_type"} <= set(label), row["id"]
            assert label["action_type"] in {"fine", "turnover_fine", "periodic_penalty", "block",
                                            "throttle", "warning", "order", "other"}, row["id"]  # fmt: skip


def _perfect(row: dict) -> list[Candidate]:
    """Candidates that state exactly the labelled actions (built by keyword: the field list grows)."""
    return [
        Candidate(
            platform=e["platform"],
            jurisdiction=e.get("jurisdiction"),
            authority=None,
            action_type=e["action_type"],
            amount=_dec(e["amount"]),
            currency=e["currency"],
            reported_usd=_dec(e.get("reported_usd")),
            reported_eur=_dec(e.get("reported_eur")),
            sentence="",
            confidence=1.0,
            reasons=(),
            **({"qualifier": None} if "qualifier" in Candidate.__dataclass_fields__ else {}),
        )  # fmt: skip
        for e in row["expected"]
    ]


def test_scoring_rewards_right_facts_and_punishes_wrong_ones() -> None:
    """Right candidates score correct; a wrong currency, platform or duplicate is wrong; low confidence waits."""
    row = next(r for r in LABELLED if r["id"] == "ru-twitter-ap")
    [good] = _perfect(row)
    assert item_outcome(row, [good]) == "correct"
    assert item_outcome(row, [replace(good, platform="X")]) == "correct"  # X resolves to Twitter
    assert item_outcome(row, [replace(good, currency="USD")]) == "wrong"
    assert item_outcome(row, [replace(good, platform="TikTok")]) == "wrong"
    assert item_outcome(row, [good, good]) == "wrong"
    assert item_outcome(row, [replace(good, confidence=MIN_CONFIDENCE - 0.01)]) == "review"
    assert item_outcome(row, []) == "review"
    assert item_outcome({**row, "expected": []}, []) == "correct"


def test_scores_fall_when_the_extractor_is_corrupted() -> None:
    """Feeding corrupted candidates for the whole set turns correct items wrong and lowers field scores."""

    def corrupted(title: str, summary: str) -> list[Candidate]:
        return [replace(c, currency="XXX", jurisdiction="ZZ") for c in extract_candidates(title, summary)]

    rows = LABELLED
    assert outcomes(rows, corrupted)["wrong"] > outcomes(rows)["wrong"]
    honest, broken = field_counts(rows), field_counts(rows, corrupted)
    assert broken["jurisdiction"][0] == 0 < honest["jurisdiction"][0]
    assert broken["amount+currency"][0] < honest["amount+currency"][0]


def test_held_out_items_meet_the_targets() -> None:
    """On items the rules were not tuned on: >= 70% correct facts, >= 95% correct or review, no wrong fact."""
    rows = by_split(HELD_OUT)
    counts = outcomes(rows)
    # Counts only: naming held-out items in a failure message would invite tuning on them.
    assert counts["wrong"] <= MAX_WRONG, f"{counts}"
    assert ratio(counts["correct"], len(rows)) >= MIN_CORRECT, f"{counts}"
    assert ratio(counts["correct"] + counts["review"], len(rows)) >= MIN_CORRECT_OR_REVIEW, f"{counts}"


@pytest.mark.parametrize("field", FIELDS)
def test_field_precision_and_recall_over_all_splits(field: str) -> None:
    """Each field's precision and recall over every labelled item stay above their floors."""
    correct, predicted, expected = field_counts(LABELLED)[field]
    precision, recall = ratio(correct, predicted), ratio(correct, expected)
    assert precision >= MIN_FIELD_PRECISION, f"{field} precision {precision:.3f} ({correct}/{predicted})"
    assert recall >= MIN_FIELD_RECALL, f"{field} recall {recall:.3f} ({correct}/{expected})"
