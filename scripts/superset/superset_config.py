"""Superset configuration for the local BI test and trial: one machine, 127.0.0.1, no network.

Loaded through ``SUPERSET_CONFIG_PATH``. Everything Superset keeps (its SQLite metadata, the
secret key) lives in ``FINES_SUPERSET_HOME``. Nothing here is needed to read fresh data after a
publish: Superset opens a new connection per query (``NullPool``) and the warehouse path is a link
that DuckDB resolves on each open (docs/analysts.md).
"""

import os
import secrets
from pathlib import Path

_HOME = Path(os.environ["FINES_SUPERSET_HOME"])
_KEY = _HOME / "secret_key"
if not _KEY.exists():
    _KEY.write_text(secrets.token_urlsafe(48))
    _KEY.chmod(0o600)

SECRET_KEY = _KEY.read_text().strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}"

# A local API client (the test) authenticates with a bearer token; there is no browser form.
WTF_CSRF_ENABLED = False
TALISMAN_ENABLED = False
# No result cache: a cached chart would outlive a publish.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
# The test holds a SQL Lab query open for tens of seconds while a run publishes.
SQLLAB_TIMEOUT = 300
SUPERSET_WEBSERVER_TIMEOUT = 300
