"""A file mail backend that takes SLOW_MAIL_SECONDS to accept each message, like a slow
SMTP server: a worker can be killed in the middle of a send."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        return super().send_messages(messages)
