"""Names spelled once: tables, asset URIs, tags, vocabularies, decimal shapes.

Plain strings and numbers only. DAG files import this module at their top level, so it must stay
free of heavy imports and of I/O.
"""

SCHEMAS = ("raw", "staging", "core", "marts", "ops")

ENFORCEMENT_ACTIONS = "core.enforcement_actions"
ACTION_SOURCES = "core.action_sources"
STATUS_HISTORY = "core.action_status_history"
ACTION_PARTS = "core.action_parts"
FX_RATES = "core.fx_rates"
QUARANTINE = "ops.quarantine"
RUN_LOG = "ops.run_log"
SCHEMA_VERSION = "ops.schema_version"
REVIEW_DECISIONS = "ops.review_decisions"
ACTION_CHANGES = "ops.action_changes"
# What the marts were last built from (migration 015, etl/loading/increments.py).
MODEL_STATE = "ops.model_state"
MODEL_INPUT_BUCKETS = "ops.model_input_buckets"
MODEL_INPUT_ROWS = "ops.model_input_rows"
# What each feed's last load went through (migration 017, etl/loading/applied.py).
APPLIED_INPUTS = "ops.applied_inputs"
FINES_BY_PLATFORM = "marts.fines_by_platform"
FINES_OVER_TIME = "marts.fines_over_time"
LARGEST_FINES = "marts.largest_fines"
MARTS = (FINES_BY_PLATFORM, FINES_OVER_TIME, LARGEST_FINES)
FINES_BY_AUTHORITY = "marts.fines_by_authority"
NON_MONETARY_ACTIONS = "marts.non_monetary_actions"
OUTLIER_ACTIONS = "marts.outlier_actions"
FEED_FRESHNESS = "marts.feed_freshness"
UNRESOLVED_PLATFORMS = "marts.unresolved_platforms"
DISPUTED_AMOUNTS = "marts.disputed_amounts"
RECENT_CHANGES = "marts.recent_changes"
FX_DISAGREEMENTS = "marts.fx_disagreements"
# Every mart that warehouse/marts/*.sql builds (MARTS above predates some of them).
ALL_MARTS = (
    FINES_BY_PLATFORM,
    FINES_OVER_TIME,
    FINES_BY_AUTHORITY,
    LARGEST_FINES,
    NON_MONETARY_ACTIONS,
    OUTLIER_ACTIONS,
    FEED_FRESHNESS,
    DISPUTED_AMOUNTS,
    UNRESOLVED_PLATFORMS,
    RECENT_CHANGES,
    FX_DISAGREEMENTS,
)

DUCKDB_POOL = "duckdb"
TAGS = frozenset({"feed", "fx", "marts", "pipeline", "layer:raw", "layer:core", "layer:marts"})

ACTION_TYPES = (
    "fine",
    "turnover_fine",
    "periodic_penalty",
    "block",
    "throttle",
    "warning",
    "order",
    "other",
)
MONETARY_ACTION_TYPES = ("fine", "turnover_fine", "periodic_penalty")
VIOLATIONS = (
    "content_removal",
    "data_localisation",
    "privacy",
    "antitrust",
    "consumer",
    "other",
)
# Kinds of source, in the precedence the counted amount of an action follows (docs/identity.md):
# a court or regulator's own document, structured feeds, wires, a person's review, news.
SOURCE_KINDS = ("official", "structured", "wire", "reviewed", "news")
# Rejected rows that wait for (or got) a person's decision rather than failing a check: they
# stay in ops.quarantine but never count toward a feed's circuit breaker.
REVIEW_STAGES = ("review", "review_rejected")
# Kinds of rows in ops.action_changes (docs/changes.md).
CHANGE_TYPES = ("added", "changed", "annulled", "merged")
STATUSES = ("imposed", "appealed", "upheld", "reduced", "annulled", "paid")
# Periods of marts.fines_over_time.
PERIOD_GRAINS = ("month", "quarter", "year")

# Conversion outcome recorded on every converted row.
FX_CONVERTED = "converted"
FX_NO_RATE = "no_rate"
FX_NOT_MONETARY = "not_monetary"
# How the rate relates to the decision date (docs/fx.md section 3); the order is relied on.
FX_INTERPOLATED_WEEKLY = "interpolated_weekly"
FX_QUALITIES = ("exact_day", "carried_forward", "weekly_source", FX_INTERPOLATED_WEEKLY)
# Decimal shapes of the warehouse: amounts are DECIMAL(38, 2), rates and fixed ratios DECIMAL(38, 18)
# (their Polars types are schemas.types.MONEY and RATE).
DECIMAL_PRECISION = 38
MONEY_SCALE = 2
RATE_SCALE = 18


def feed_uri(feed: str) -> str:
    """Asset URI for a feed's fresh batch."""
    return f"x-fines://feeds/{feed}"


CORE_ACTIONS_URI = "x-fines://core/enforcement_actions"
FX_RATES_URI = "x-fines://core/fx_rates"
MARTS_URI = "x-fines://marts"


def feed_asset_name(feed: str) -> str:
    """Readable Airflow asset name of a feed's fresh batch (its URI is :func:`feed_uri`)."""
    return f"feed_{feed}"


def ingest_dag_id(feed: str) -> str:
    """The Airflow DAG that ingests one feed of the registry."""
    return f"ingest_{feed}"


CORE_ACTIONS_ASSET = "core_enforcement_actions"
FX_RATES_ASSET = "fx_rates"
MARTS_ASSET = "marts"
