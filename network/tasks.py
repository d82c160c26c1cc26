"""The desk's scheduled work: flag inactive chapters, expire help requests (daily)."""

import datetime as dt

from core import periodic

from . import services


@periodic.every("network.flag_inactive_chapters", dt.timedelta(days=1))
def flag_inactive_chapters() -> str:
    result = services.flag_inactive_chapters()
    return f"flagged {result['flagged']}, cleared {result['cleared']}"


@periodic.every("network.expire_help_requests", dt.timedelta(days=1))
def expire_help_requests() -> str:
    return f"expired {services.expire_help_requests()}"
