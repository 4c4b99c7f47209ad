"""Item outcomes and per-field quality of news extraction on the labelled set, scored as the pipeline decides.

Each item is written as a one-item RSS document (fixed publication date) and goes the way a news
feed goes: ``etl.parsing.parsers`` reads it and builds the candidate rows, and
``etl.parsing.transform.split_extraction_issues`` holds for review every row with an extraction
issue (``news_feed.extraction_issue``: any doubt, or a measure without a fine) or missing a field the
contract requires (platform, jurisdiction, authority, date; amount and currency of a fine). Only
the rows it lets through are FACTS. Per item:

- CORRECT: at least one fact, and the facts and the expected actions pair up one to one on
  amount, currency, platform, jurisdiction and action type (an item that expects nothing and
  gives no fact is also correct);
- WRONG: some fact pairs with no expected action (a duplicate of an action already paired counts
  too: it would double the money);
- REVIEW: anything else (nothing wrong became a fact, but not every action did).

The targets are gated on the held-out split only: items of split "holdout" in EVERY
tests/fixtures/news/*.jsonl file (a fresh file written blind by someone who did not tune the rules
is picked up without a code change); the gate reports counts, never items. Item by item, only the
consumed files (``DEV_FILES``) are scored. ``scripts/measure_news.py`` prints the same figures for
docs/news_extraction.md.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from etl.parsing.news import Candidate, extract_candidates
from etl.parsing.news_feed import MIN_CONFIDENCE, news_rows, parse_news_xml, read_news
from etl.parsing.platform_files import same_platform
from etl.parsing.transform import split_extraction_issues

NEWS = Path(__file__).parents[1] / "fixtures" / "news"
# Files whose items may be studied and scored item by item (heldout.jsonl was consumed 2026-12-01,
# round 2; heldout_round3 to heldout_round6 on 2026-12-02, each after its one blind measurement;
# heldout_round7 on 2026-12-02 after its one blind measurement: 21 correct / 31 review / 3 wrong
# of 55; heldout_round8 consumed 2026-12-02 after its one blind measurement: 28 correct / 29 review /
# 5 wrong of 62; heldout_round9 consumed 2026-12-02 after its blind measurements: 26 correct / 23 review /
# 12 wrong of 61 on 175823b, 12 / 47 / 2 with the review policy chosen on those counts; heldout_round10
# consumed 2026-12-02 after its blind measurements: 24 / 26 / 13 of 63 on 2bfdcb2, 18 / 40 / 5 with the
# review policy; heldout_round11 and heldout_round12 consumed 2026-12-03 after their blind measurements:
# round 11 13 / 49 / 0 of 62 on 5a760a6 and 15 / 47 / 0 on 088af54, rounds 11 and 12 together
# 34 / 90 / 0 of 124 on 088af54 (round 12 19 / 43 / 0) and 51 / 70 / 3 on 71186f2 (round 11
# 21 / 40 / 1, round 12 30 / 30 / 2); heldout_round13 consumed 2026-12-03 after its blind
# measurements on 500e520: 14 correct / 43 review / 4 wrong of 61, and 9 / 50 / 2 with the policy's
# relaxations off (NOT_HOLDING empty, no headline measures); heldout_round14 consumed 2026-12-03
# after its blind measurement: 10 correct / 50 review / 0 wrong of 60 on 9946cea; heldout_round15
# consumed 2026-12-03 after its blind measurements: 23 / 34 / 3 of 60 on 3e3940f and 28 / 29 / 3 on d6278af;
# heldout_round16 consumed 2026-12-03 after its blind measurements: 15 / 43 / 2 of 60 on 6c1e7e2 and
# on 5b01158 (the same rules);
# heldout_round17 and heldout_round18 consumed 2026-12-03 after their blind measurements: round 17
# 26 / 31 / 3 of 60 on 5b01158 and on 7a74b17, round 18 29 / 28 / 3 on 11c1eb0 and 30 / 27 / 3 on 7a74b17;
# heldout_round19 consumed 2026-12-03 after its blind measurements: 25 / 32 / 3 of 60 on 864dd6b,
# 7a74b17, 433e727 and d1b55ca; heldout_round20 (61 items, written blind 2026-12-03) consumed 2026-12-03
# after its blind measurement: 27 / 30 / 4 of 61 on 4df9616 (round 19 studied); heldout_round21 and
# heldout_round22 consumed 2026-12-03 after their blind measurements: round 21 25 / 35 / 1 of 61 on
# 5c63572, 8c167c0, ac430d2 and 2bf0515, round 22 30 / 34 / 1 of 65 on ac430d2 and 2bf0515;
# heldout_round23 (61 items, written blind 2026-12-03) consumed 2026-12-03 after its blind measurement:
# 25 / 34 / 2 of 61 on 08eaac1 (rounds 21 and 22 studied).
# Any other *.jsonl here is a blind held-out file: its "holdout" items feed the gate only.
DEV_FILES = tuple(
    NEWS / f"{name}.jsonl"
    for name in (
        "labelled",
        "heldout",
        "heldout_round3",
        "heldout_round4",
        "heldout_round5",
        "heldout_round6",
        "heldout_round7",
        "heldout_round8",
        "heldout_round9",
        "heldout_round10",
        "heldout_round11",
        "heldout_round12",
        "heldout_round13",
        "heldout_round14",
        "heldout_round15",
        "heldout_round16",
        "heldout_round17",
        "heldout_round18",
        "heldout_round19",
        "heldout_round20",
        "heldout_round21",
        "heldout_round22",
        "heldout_round23",
    )
)


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


LABELLED = _load(NEWS / "labelled.jsonl")
HELD_OUT = "holdout"
SPLITS = ("dev", "holdout", "holdout2")
MIN_HELD_OUT_REAL = 40  # fewer real held-out items than this and the gate says nothing: it is skipped
PUBLISHED = "Mon, 01 Jan 2024 12:00:00 +0000"  # every item gets a date, as a feed item has one

# Targets from the issue tracker; not to be lowered to make a run pass.
MIN_CORRECT = 0.70
MIN_CORRECT_OR_REVIEW = 0.95
MAX_WRONG = 0
# Floors for each field: precision over every labelled item, blind ones included, mirrors "no wrong
# fact" (with some slack); recall over the studied files mirrors "at least 70% of items become
# facts" there. On blind items recall is what the held-out gate measures (correct facts), so it is
# not floored twice: a blind round's low recall is a finding of the gate, not a broken build.
MIN_FIELD_PRECISION = 0.95
MIN_FIELD_RECALL = 0.70

CORE = ("amount", "currency", "platform", "jurisdiction", "action_type")
FIELDS = ("amount+currency", "platform", "jurisdiction", "action_type", "reported_usd", "reported_eur")


def canonical_platform(name: str | None) -> str | None:
    """The platform a name resolves to downstream ("Meta" -> Facebook, "X" -> Twitter)."""
    return None if name is None else same_platform(name)


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


def fact_values(row: dict) -> dict[str, object]:
    """A fact (a candidate row the pipeline kept) as comparable field values."""
    values = {k: row[k] for k in ("currency", "jurisdiction", "action_type")}
    amounts = {k: _dec(row[k]) for k in ("amount", "reported_usd", "reported_eur")}
    return {**values, **amounts, "platform": canonical_platform(row["platform"])}


def rss(row: dict) -> bytes:
    """A one-item RSS 2.0 document carrying a labelled item's title and summary."""
    return (
        f'<rss version="2.0"><channel><item><title>{escape(row["title"])}</title>'
        f"<description>{escape(row['summary'])}</description><guid>{escape(row['id'])}</guid>"
        f"<pubDate>{PUBLISHED}</pubDate></item></channel></rss>"
    ).encode()


@cache
def _feed_item(title: str, summary: str) -> dict[str, str | None]:
    [item] = parse_news_xml(rss({"id": "labelled-item", "title": title, "summary": summary}))
    return item


def pipeline_facts(row: dict, candidates: list[Candidate]) -> list[dict[str, object]]:
    """The facts the pipeline keeps of an item's candidates: the adapter's rows minus those held for review."""
    item = _feed_item(row["title"], row["summary"])
    certain, _held = split_extraction_issues(news_rows([(item, candidates)]))
    return [fact_values(r) for r in certain.iter_rows(named=True)]


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


def outcome_of_facts(row: dict, facts: list[dict]) -> str:
    """'correct', 'review' or 'wrong' for one item, given the facts the pipeline kept."""
    labels = [label_values(e) for e in row["expected"]]
    if not facts:
        return "correct" if not labels else "review"
    exact = [
        (i, j) for i, j in pair_up(labels, facts)
        if i is not None and j is not None and all(labels[i][k] == facts[j][k] for k in CORE)
    ]  # fmt: skip
    if len(exact) < len(facts):
        return "wrong"
    return "correct" if len(exact) == len(labels) else "review"


def item_outcome(row: dict, candidates: list[Candidate]) -> str:
    """'correct', 'review' or 'wrong' for one item, given its candidates."""
    return outcome_of_facts(row, pipeline_facts(row, candidates))


Extractor = Callable[[str, str], list[Candidate]]


@cache
def _extracted_facts(extract: Extractor, row_id: str, title: str, summary: str) -> list[dict]:
    item = _feed_item(title, summary)
    row = {"id": row_id, "title": title, "summary": summary}
    return pipeline_facts(row, extract(item["title"] or "", item["summary"] or ""))


def facts_of(row: dict, extract: Extractor = extract_candidates) -> list[dict]:
    """The facts the pipeline keeps for an item with the given extractor (cached)."""
    return _extracted_facts(extract, row["id"], row["title"], row["summary"])


def outcomes(rows: list[dict], extract: Extractor = extract_candidates) -> Counter[str]:
    """Count of item outcomes over rows."""
    return Counter(outcome_of_facts(row, facts_of(row, extract)) for row in rows)


def _field(values: dict, field: str) -> object:
    if field == "amount+currency":
        return None if values["amount"] is None else (values["amount"], values["currency"])
    return values[field]


def field_counts(rows: list[dict], extract: Extractor = extract_candidates) -> dict[str, list[int]]:
    """Per field: [correct, predicted, expected] over the facts of rows."""
    counts = {f: [0, 0, 0] for f in FIELDS}
    for row in rows:
        facts = facts_of(row, extract)
        labels = [label_values(e) for e in row["expected"]]
        for i, j in pair_up(labels, facts):
            for f in FIELDS:
                want = None if i is None else _field(labels[i], f)
                got = None if j is None else _field(facts[j], f)
                counts[f][0] += want is not None and want == got
                counts[f][1] += got is not None
                counts[f][2] += want is not None
    return counts


def ratio(num: int, den: int) -> float:
    """The ratio num / den, or 1.0 when there is nothing to count."""
    return num / den if den else 1.0


def dev_file_rows() -> list[dict]:
    """Every item of the files that may be studied (``DEV_FILES``), whatever its split."""
    return [row for path in DEV_FILES if path.exists() for row in _load(path)]


def by_split(split: str) -> list[dict]:
    """The items of one split in the files that may be studied (``DEV_FILES``)."""
    return [row for row in dev_file_rows() if row.get("split") == split]


def held_out_rows() -> list[dict]:
    """Items of split "holdout" from every tests/fixtures/news/*.jsonl file (counts only, never items)."""
    return [
        row for path in sorted(NEWS.glob("*.jsonl")) for row in _load(path) if row.get("split") == HELD_OUT
    ]


def all_rows() -> list[dict]:
    """Every labelled item: the studied files' dev and holdout2 items, and every held-out item."""
    return [row for row in dev_file_rows() if row.get("split") != HELD_OUT] + held_out_rows()


def _well_formed(row: dict) -> bool:
    labels_ok = all(
        {"amount", "currency", "platform", "action_type"} <= set(label)
        and label["action_type"] in ACTION_TYPES
        for label in row.get("expected", [])
    )
    cited = row.get("synthetic") or (row.get("source_url") or "").startswith(("http://", "https://"))
    return labels_ok and bool(cited) and row.get("split") in SPLITS and isinstance(row.get("expected"), list)


ACTION_TYPES = {"fine", "turnover_fine", "periodic_penalty", "block", "throttle", "warning", "order", "other"}


def test_labelled_set_has_enough_real_cited_items() -> None:
    """At least 100 real items in labelled.jsonl; every real item cites an http(s) report."""
    real = [row for row in LABELLED if not row["synthetic"]]
    assert len(real) >= 100
    assert all((row["source_url"] or "").startswith(("http://", "https://")) for row in real)


def test_labelled_items_are_well_formed() -> None:
    """Ids are unique across the studied files, splits are known, labels are complete, real items cite a report."""
    rows = dev_file_rows()
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert _well_formed(row), row["id"]


def test_held_out_items_are_well_formed() -> None:
    """Held-out items are well formed and their ids unique across both files (counts only, never items)."""
    rows = held_out_rows()
    ids = [row.get("id") for row in rows + by_split("dev") + by_split("holdout2")]
    duplicates, malformed = len(ids) - len(set(ids)), sum(not _well_formed(row) for row in rows)
    del rows, ids  # assertion rewriting must not show the items
    assert duplicates == 0, f"{duplicates} duplicate ids"
    assert malformed == 0, f"{malformed} malformed held-out items"


def _perfect(row: dict) -> list[Candidate]:
    """Candidates that state exactly the labelled actions (built by keyword: the field list grows)."""
    return [
        Candidate(
            platform=e["platform"],
            jurisdiction=e.get("jurisdiction"),
            authority="Tagansky District Court",
            action_type=e["action_type"],
            amount=_dec(e["amount"]),
            currency=e["currency"],
            qualifier=None,
            reported_usd=_dec(e.get("reported_usd")),
            reported_eur=_dec(e.get("reported_eur")),
            sentence="",
            confidence=1.0,
            reasons=(),
        )
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


@pytest.mark.parametrize("missing", ["platform", "jurisdiction", "authority", "amount", "currency"])
def test_a_confident_candidate_the_contract_would_hold_is_no_fact(missing: str) -> None:
    """Confidence alone does not make a fact: a row missing a required field waits for review, as in the pipeline."""
    row = next(r for r in LABELLED if r["id"] == "ru-twitter-ap")
    [good] = _perfect(row)
    assert item_outcome(row, [replace(good, **{missing: None})]) == "review"
    assert item_outcome({**row, "expected": []}, [replace(good, **{missing: None})]) == "correct"


def test_the_scorer_keeps_the_facts_the_pipeline_keeps() -> None:
    """Scoring item by item gives the rows that read_news and split_extraction_issues keep from one feed."""
    rows = [r for r in LABELLED if r["split"] == "dev"][:12]
    body = b"".join(rss(r).split(b"<channel>")[1].split(b"</channel>")[0] for r in rows)
    certain, _ = split_extraction_issues(
        read_news(b'<rss version="2.0"><channel>' + body + b"</channel></rss>")
    )
    from_feed = [fact_values(r) for r in certain.iter_rows(named=True)]
    assert from_feed == [fact for r in rows for fact in facts_of(r)]
    assert from_feed  # the sample has facts to compare


def test_scores_fall_when_the_extractor_is_corrupted() -> None:
    """Feeding corrupted candidates for the whole set turns correct items wrong and lowers field scores."""

    def corrupted(title: str, summary: str) -> list[Candidate]:
        return [replace(c, currency="XXX", jurisdiction="ZZ") for c in extract_candidates(title, summary)]

    rows = LABELLED
    assert outcomes(rows, corrupted)["wrong"] > outcomes(rows)["wrong"]
    honest, broken = field_counts(rows), field_counts(rows, corrupted)
    assert broken["jurisdiction"][0] == 0 < honest["jurisdiction"][0]
    assert broken["amount+currency"][0] < honest["amount+currency"][0]


@pytest.mark.parametrize("path", DEV_FILES, ids=lambda path: path.stem)
def test_studied_files_give_no_wrong_fact(path: Path) -> None:
    """No studied file gives a wrong fact: a rule change that makes one is a regression (names the items)."""
    wrong = [row["id"] for row in _load(path) if outcome_of_facts(row, facts_of(row)) == "wrong"]
    assert wrong == []


@pytest.mark.xfail(
    strict=True,
    reason="targets not met on blind items: rounds 11 and 12 scored 34 correct (27%), 90 review, 0 wrong of 124 "
    "on 088af54, and 51 correct (41%), 70 review, 3 wrong on 71186f2; both were then consumed into DEV_FILES, "
    "and round 13 scored 14 correct (23%), 43 review, 4 wrong of 61 on 500e520 (9 / 50 / 2 with the "
    "policy's relaxations off) and was then consumed into DEV_FILES; the gate, heldout_round14.jsonl, "
    "scored 10 correct (17%), 50 review, 0 wrong of 60 once every doubt holds again (12 / 43 / 5 with the "
    "relaxations; docs/news_extraction.md, 'Every doubt holds again') and was then consumed into DEV_FILES; "
    "the gate, heldout_round15.jsonl (written blind 2026-12-03), scored 23 correct (38%), 34 review, 3 wrong "
    "of 60 on 3e3940f and 28 correct (47%), 29 review, 3 wrong on d6278af (round 14 studied) and was then "
    "consumed into DEV_FILES (docs/news_extraction.md, 'After round 15'); the gate, heldout_round16.jsonl, "
    "scored 15 correct (25%), 43 review, 2 wrong of 60 on 6c1e7e2 and was then consumed into DEV_FILES; "
    "rounds 17 and 18 (written blind 2026-12-03) scored 26 correct (43%), 31 review, 3 wrong and 30 correct "
    "(50%), 27 review, 3 wrong of 60 each on 7a74b17 and were then consumed into DEV_FILES; the gate, "
    "heldout_round19.jsonl (written blind 2026-12-03), scored 25 correct (42%), 32 review, 3 wrong of 60 on "
    "864dd6b, on 7a74b17, on 433e727 (rounds 16 to 18 studied) and on d1b55ca (their review) and was then "
    "consumed into DEV_FILES, as was round 20 (27 correct (44%), 30 review, 4 wrong of 61 on 4df9616); the "
    "gate, heldout_round21.jsonl (written blind 2026-12-03), scored 25 correct (41%), 35 review, 1 wrong of "
    "61 on 5c63572 (rounds 19 and 20 studied), 26 / 34 / 1 on 46c94a2 and 25 / 35 / 1 on 8c167c0 and ac430d2; "
    "with heldout_round22.jsonl (written blind 2026-12-03, 30 / 34 / 1 of 65 on ac430d2 and 2bf0515) the "
    "gate's 126 items gave 55 correct (44%), 69 review, 2 wrong (on both), and both were then consumed into "
    "DEV_FILES, as was round 23 (25 correct (41%), 34 review, 2 wrong of 61 on 08eaac1); the gate, "
    "heldout_round24.jsonl (written blind 2026-12-03), scored 28 correct (48%), 28 review, 2 wrong of 58 on "
    "1fd96d4 (round 23 studied); strict: meeting the targets fails the build until this marker is removed",
)
def test_held_out_items_meet_the_targets() -> None:
    """On items the rules were not tuned on: >= 70% correct facts, >= 95% correct or review, no wrong fact."""
    rows = held_out_rows()
    real, total = sum(not row.get("synthetic") for row in rows), len(rows)
    if real < MIN_HELD_OUT_REAL:
        pytest.skip(f"held-out gate not run: {real} real held-out items, at least {MIN_HELD_OUT_REAL} needed")
    counts = outcomes(rows)
    del rows  # counts only: assertion rewriting must not show held-out items (it would invite tuning on them)
    correct, review, wrong = counts["correct"], counts["review"], counts["wrong"]
    summary = f"{total} held-out items ({real} real): {correct} correct, {review} review, {wrong} wrong"
    correct_share, either_share = ratio(correct, total), ratio(correct + review, total)
    print(summary)  # aggregate counts, shown with pytest -rP
    assert wrong <= MAX_WRONG, summary
    assert correct_share >= MIN_CORRECT, summary
    assert either_share >= MIN_CORRECT_OR_REVIEW, summary


@pytest.mark.parametrize("field", FIELDS)
def test_field_precision_over_all_items(field: str) -> None:
    """Each field's precision over every labelled item, held-out ones included, stays above its floor."""
    correct, predicted, _ = field_counts(all_rows())[field]
    precision = ratio(correct, predicted)
    assert precision >= MIN_FIELD_PRECISION, f"{field} precision {precision:.3f} ({correct}/{predicted})"


# Recall the studied files do not reach since news candidates with any doubt, or without a fine,
# wait for review (etl.parsing.news_feed.extraction_issue: every doubt holds again since the
# relaxations were taken out), measured 2026-12-03 on the 1,474 items of the studied files (rounds
# 21 to 23 consumed; reported_usd 0.767 and reported_eur 0.729 meet the floor since the companies
# of "After round 14"): each is a strict expected failure, so the build fails the day it is met.
_RECALL_NOT_MET = {
    "amount+currency": "0.618 (862/1394)",
    "platform": "0.438 (883/2016)",
    "jurisdiction": "0.441 (883/2001)",
    "action_type": "0.437 (883/2019)",
}


@pytest.mark.parametrize(
    "field",
    [
        pytest.param(
            field,
            marks=pytest.mark.xfail(
                strict=True,
                reason=f"{field} recall {_RECALL_NOT_MET[field]} on the studied files is below the floor "
                f"of {MIN_FIELD_RECALL} (docs/news_extraction.md, 'Measured quality')",
            ),
        )
        if field in _RECALL_NOT_MET
        else field
        for field in FIELDS
    ],
)
def test_field_recall_over_studied_items(field: str) -> None:
    """Each field's recall over the studied files stays above its floor (blind items: the held-out gate)."""
    correct, _, expected = field_counts(dev_file_rows())[field]
    recall = ratio(correct, expected)
    assert recall >= MIN_FIELD_RECALL, f"{field} recall {recall:.3f} ({correct}/{expected})"
