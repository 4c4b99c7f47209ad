"""Exchange rates and prices: stage 3 of the data path.

``fx_ecb``, ``fx_nbp``, ``fx_cbr`` and ``fx_overrides`` read each rate source (``fx_sources``
lists them, ``fx_refresh`` fetches live ones); ``rates`` builds the set a run uses;
``fx_rules`` states the precedence and bounds, ``fx_engine`` (pure) converts, with
``fx_interpolate`` between weekly fixes and ``redenominations``; ``fx_check`` compares with
printed figures; ``cpi`` gives constant dollars. ``fx`` is the public face of conversion.
"""
