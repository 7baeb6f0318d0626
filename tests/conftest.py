"""Fixtures every test package can use: the real servers of ``tests/services.py``."""

from tests.grid import grid  # noqa: F401 - the session's one Selenium Grid (tests/grid.py)
from tests.services import postgres_url, redis_url, store_at  # noqa: F401 - fixtures, registered by import
