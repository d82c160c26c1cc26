"""A file-based mail backend that takes its time, for the killed-worker test: messages go to
the directory in OUTREACH_TEST_MAIL_DIR, each send waits a few milliseconds so the test
can kill the worker in the middle of a send."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ["OUTREACH_TEST_MAIL_DIR"])
        super().__init__(*args, **kwargs)

    def send_messages(self, messages):
        time.sleep(float(os.environ.get("OUTREACH_TEST_MAIL_DELAY", "0.005")))
        return super().send_messages(messages)


class RefusingBackend:
    """Django's locmem backend, except that the server refuses addresses starting with
    "refused": as an SMTP server answers 550 for a mailbox that does not exist."""

    def __new__(cls, *args, **kwargs):
        import smtplib

        from django.core.mail.backends.locmem import EmailBackend as Locmem

        class Refusing(Locmem):
            def send_messages(self, messages):
                for message in messages:
                    if any(address.startswith("refused") for address in message.to):
                        raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no")})
                return super().send_messages(messages)

        return Refusing(*args, **kwargs)
