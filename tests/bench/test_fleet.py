"""The fleet script's own judgement: fault windows, the fault plan, forms as a browser sends
them, and counting emails from the file backend. (The fleet itself runs in .ci/run.)"""

import random
from types import SimpleNamespace

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend

from bench import fleet


def faults_with(*windows):
    faults = fleet.Faults(SimpleNamespace(), fleet.Balancer(2), fleet.Recorder())
    faults.windows = list(windows)
    return faults


def test_a_request_overlapping_a_servers_fault_window_is_inside_it_others_are_not():
    faults = faults_with(fleet.Window("kill -9 server", 0, 10.0, 12.0))
    assert faults.in_window(0, 11.0, 11.5)
    assert faults.in_window(0, 9.5, 10.1)
    assert faults.in_window(0, 12.5, 12.6)  # within the grace after recovery
    assert not faults.in_window(0, 13.5, 13.6)
    assert not faults.in_window(1, 11.0, 11.5)  # the other server was not hit


def test_a_database_fault_window_covers_every_server():
    faults = faults_with(fleet.Window("pg_terminate_backend", None, 10.0, 10.2))
    assert faults.in_window(1, 10.1, 10.3) and faults.in_window(0, 10.1, 10.3)


def test_an_unfinished_window_lasts_until_it_ends():
    faults = faults_with(fleet.Window("SIGTERM server", 1, 10.0))
    assert faults.in_window(1, 500.0, 501.0)


def test_every_minute_of_the_run_has_each_fault_once_within_the_run():
    faults = faults_with()
    plan = faults.plan(random.Random(3), 300, 2)
    assert len(plan) == 20
    assert sorted(kind for _at, kind in plan[:4]) == [
        "kill_server", "kill_worker", "sigterm", "terminate"]
    assert all(0 < at < 300 for at, _kind in plan)
    assert [at for at, _k in plan] == sorted(at for at, _k in plan)
    short = faults.plan(random.Random(3), 60, 2)
    assert len(short) == 4 and max(at for at, _k in short) < 56
    assert {k for _a, k in faults.plan(random.Random(3), 60, 1)} == {"kill_worker", "terminate"}


def test_a_form_is_read_as_a_browser_would_send_it_unchanged():
    parser = fleet.FormFields()
    parser.feed("""<form method="post"><input type="hidden" name="csrfmiddlewaretoken"
        value="tok"><textarea name="description">Old &amp; true</textarea>
        <input type="checkbox" name="languages" value="en" checked>
        <input type="checkbox" name="languages" value="de">
        <select name="meeting_frequency"><option value="">-</option>
        <option value="weekly" selected>Weekly</option></select>
        <input type="radio" name="q" value="yes"><input type="submit" name="go"></form>""")
    assert parser.csrf == "tok"
    assert dict(parser.fields) == {"description": ["Old & true"], "languages": ["en"],
                                   "meeting_frequency": ["weekly"]}
    assert parser.radios["q"] == ["yes"]


def test_emails_are_counted_per_recipient_from_the_file_backend(tmp_path):
    backend = EmailBackend(file_path=str(tmp_path))
    backend.send_messages([EmailMessage("A", "a", to=["a@example.org"]),
                           EmailMessage("B", "Your code:\n\nJLTR-TLDG\n", to=["b@example.org"])])
    EmailBackend(file_path=str(tmp_path)).send_messages(
        [EmailMessage("C", "c", to=["a@example.org"])])
    messages = fleet.mail_messages(tmp_path)
    assert sorted(str(m["To"]) for m in messages) == [
        "a@example.org", "a@example.org", "b@example.org"]
    assert fleet.login_code(tmp_path, "b@example.org", after=0, timeout=1) == "JLTR-TLDG"
    assert fleet.login_code(tmp_path, "b@example.org", after=1, timeout=0.3) is None
