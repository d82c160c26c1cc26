"""Enqueue and send one announcement to many followers; print the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twc_outreach DJANGO_DEBUG=1 \
        uv run python bench/announce.py --followers 50000 --also 5000

For each size: seeds a chapter with that many confirmed followers (one bulk insert), then
- enqueue: `services.send_announcement` (the second look's count, one delivery row per
  follower in bulk, the task row), timed in this process, queries counted;
- send: a separate worker process (this file with `--send`, as `db_worker` would run the
  task) with the console mail backend writing to /dev/null: its time, its queries per
  recipient (counted by a wrapper, nothing kept per query) and its peak memory (VmHWM),
  also sampled after each tenth of the audience to show it stays flat.
Reported as Markdown lines for docs/performance.md (Notes: "Announcements").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twc.settings")


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def seed(followers: int):
    from django.utils import timezone

    from chapters.models import Chapter
    from members.enums import MembershipRole
    from members.models import Membership, User
    from outreach.models import Follow, FollowChoice, Message

    chapter, _ = Chapter.objects.get_or_create(
        slug="bench-announce", defaults={"name": "TWC Bench", "city": "Berlin", "country": "DE",
                                         "latitude": 52.52, "longitude": 13.405,
                                         "timezone": "Europe/Berlin", "languages": ["en"]})
    Message.objects.filter(chapter=chapter).delete()
    Follow.objects.filter(chapter=chapter).delete()
    organizer, _ = User.objects.get_or_create(email="organizer@bench-announce.example")
    Membership.objects.get_or_create(user=organizer, chapter=chapter,
                                     defaults={"role": MembershipRole.ORGANIZER,
                                               "status": "active"})
    now = timezone.now()
    languages = ["en", "it", "de", "fr", "es"]
    batch = []
    for n in range(followers - 1):  # the organizer follows as a member
        batch.append(Follow(chapter=chapter, email=f"follower{n}@bench-announce.example",
                            choice=FollowChoice.SESSIONS, language=languages[n % 5],
                            confirmed_at=now, token=f"bench-{n}"))
        if len(batch) == 5000:
            Follow.objects.bulk_create(batch)
            batch = []
    Follow.objects.bulk_create(batch)
    return chapter, organizer


def enqueue(chapter, organizer, followers: int) -> dict:
    from django.db import connection

    from outreach import audiences, services
    from outreach.models import Audience

    message = services.save_draft(actor=organizer, chapter=chapter, fields={
        "subject": "Strike fund", "body": "Give what you can.\n\nThank you.",
        "audience": Audience.FOLLOWERS})
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        count = audiences.count(message)
        counted = time.perf_counter()
        message = services.send_announcement(message, actor=organizer, expected=count)
    done = time.perf_counter()
    assert message.recipient_count == followers, (message.recipient_count, followers)
    return {"message": message.pk, "count_s": counted - started, "enqueue_s": done - started,
            "enqueue_queries": counter.count}


def send(message_id: int) -> dict:
    from django.db import connection

    from outreach import sending
    from outreach.models import Delivery

    total = Delivery.objects.filter(message_id=message_id).count()
    samples = []
    counter = QueryCounter()
    original = sending.Renderer.email
    sent = {"n": 0}

    def email(self, *args):
        sent["n"] += 1
        if sent["n"] % max(1, total // 10) == 0:
            samples.append(_memory_kb("VmRSS"))
        return original(self, *args)

    sending.Renderer.email = email
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        done = sending.deliver(message_id)
    elapsed = time.perf_counter() - started
    return {"sent": done, "send_s": elapsed, "cpu_s": time.process_time() - cpu, "send_queries": counter.count,
            "queries_per_recipient": counter.count / max(1, done),
            "peak_kb": _memory_kb("VmHWM"), "rss_samples_kb": samples}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=50_000)
    parser.add_argument("--also", type=int, nargs="*", default=[5_000],
                        help="smaller audiences, to show memory does not grow with it")
    parser.add_argument("--send", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()

    import django

    django.setup()
    if args.send:
        Path(args.result).write_text(json.dumps(send(args.send)))
        return

    print(f"- load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for size in [*args.also, args.followers]:
        chapter, organizer = seed(size)
        figures = enqueue(chapter, organizer, size)
        env = {**os.environ, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
        with tempfile.TemporaryDirectory() as directory:
            result = Path(directory) / "send.json"
            subprocess.run([sys.executable, __file__, "--send", str(figures["message"]),
                            "--result", str(result)], env=env, stdout=subprocess.DEVNULL,
                           check=True)
            figures.update(json.loads(result.read_text()))
        print(f"- {size:,} followers: count {figures['count_s']:.2f} s; enqueue (count + "
              f"{size:,} delivery rows + task) {figures['enqueue_s']:.2f} s in "
              f"{figures['enqueue_queries']} queries; send {figures['send_s']:.1f} s "
              f"({size / figures['send_s']:,.0f} emails/s; the worker's own CPU "
              f"{figures['cpu_s'] * 1000 / size:.2f} ms per email), "
              f"{figures['queries_per_recipient']:.2f} queries per recipient; worker peak "
              f"memory {figures['peak_kb'] / 1024:.0f} MB (RSS at each tenth: "
              f"{', '.join(str(round(s / 1024)) for s in figures['rss_samples_kb'])} MB)")


if __name__ == "__main__":
    main()
