"""Production settings for the benchmark: twc.settings as deployed, static files from a temp dir.

Only STATIC_ROOT differs (the benchmark collects static files into a temporary directory);
everything else comes from the environment exactly as in production.
"""

import os

from twc.settings import *  # noqa: F403

STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
