"""A file mail backend that takes SLOW_MAIL_SECONDS to accept each message, like a slow
SMTP server: a worker can be killed in the middle of a send.

With SLOW_MAIL_MARK_DIR set, the process marks the moments it is inside a send, before the
message is accepted (a file `sending-<pid>` there): bench/fleet.py kills a worker then, so the
kill lands in the middle of a send, not in the instant between the server's acceptance and
the ledger's commit that no protocol closes (core/delivery.py).
"""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, messages):
        marks = os.environ.get("SLOW_MAIL_MARK_DIR")
        mark = Path(marks) / f"sending-{os.getpid()}" if marks else None
        if mark is not None:
            mark.touch()
        try:
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        finally:
            if mark is not None:
                mark.unlink(missing_ok=True)
        return super().send_messages(messages)
