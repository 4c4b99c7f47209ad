"""What every module that writes SQL text shares: how warehouse layers are built, and quoting.

Plain strings only, no imports: the model runner (:mod:`etl.loading.models`), the comments
(:mod:`etl.loading.comments`) and the Parquet export (:mod:`etl.loading.export`) take these from here.
"""

# Each layer of warehouse/, in build order, and what its models become.
LAYER_KINDS = {"staging": "view", "core": "view", "marts": "table"}
LAYERS = tuple(LAYER_KINDS)


def literal(text: str) -> str:
    """A SQL string literal: single quotes doubled, the whole in single quotes."""
    return "'" + text.replace("'", "''") + "'"
