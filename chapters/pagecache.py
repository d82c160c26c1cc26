"""Moved to the platform: `core.pagecache` (kept for the benchmark's scripts)."""

from core.pagecache import *  # noqa: F401,F403
from core.pagecache import _recent  # noqa: F401
