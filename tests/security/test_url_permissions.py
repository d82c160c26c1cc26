"""Every URL pattern of the project, requested as every persona, against ONE table.

How to read TABLE: a key is a URL name as `reverse()` takes it ("app:name"); its `Expect`
says how to build the URL (kwargs from the test world: chapter A is "this chapter") and what
each persona gets: a status code, LOGIN (a redirect to the sign-in page) or REDIRECT (any
other redirect). Columns: anonymous, member (carol, member of A), other_organizer (bob,
organizer of B), organizer (alice, organizer of A), coach (the assigned coach of the CDP
application), admin (Global admin). Everyone with a role has MFA. One more persona,
`applicant` (dana, an applicant of the CDP application, no chapter and no role), is checked
on every row: give it with `applicant=` where it differs from the member column.
POST-only actions have `method="post"` and are sent an empty form: a person let in gets the
form's 400 (or the action's redirect), which proves they got past the permission check;
test_post_only_actions_refuse_get checks that a GET changes nothing.

A new view must get an entry: test_every_url_pattern_has_an_entry fails otherwise. An entry
for a pattern that no longer exists fails test_every_entry_names_an_existing_pattern.
Third-party patterns (THIRD_PARTY) are covered by a light check instead, with the reason.

Adding an app's URLs: add one line per URL name, e.g.
    "onboarding:detail": Expect(kwargs=lambda w: {"pk": w.extra["session_a"].pk},
                                anonymous=200, member=200, other_organizer=200,
                                organizer=200, coach=200, admin=200),
and add a builder for the objects it needs to EXTRA in tests/security/conftest.py
(it lands in `World.extra`).
`query` names the GET parameters the fuzz test (test_fuzz.py) sends garbage to, and
`form` the POST fields it fuzzes, so a new page joins the fuzzing by being in the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import ALL_PERSONAS, PERSONAS, World

LOGIN = "login"  # a redirect to the sign-in page
REDIRECT = "redirect"  # any redirect that is not to the sign-in page
Outcome = int | str


@dataclass(frozen=True)
class Expect:
    anonymous: Outcome
    member: Outcome
    other_organizer: Outcome
    organizer: Outcome
    coach: Outcome
    admin: Outcome
    kwargs: Callable[[World], dict[str, Any]] | None = None
    method: str = "get"
    # The GET parameters (query) and POST fields (form) the fuzz test sends garbage to.
    query: tuple[str, ...] = ()
    form: tuple[str, ...] = ()
    form_persona: str = "anonymous"
    # Form fields picked from a list (select, radio): fuzzed, but a page can only show its own
    # options, so garbage in them is not expected back.
    choices: tuple[str, ...] = ()
    # The CDP applicant's outcome; None means the same as the member's.
    applicant: Outcome | None = None
    # For a pattern without a name (keyed by its route): the path to request.
    path: Callable[[World], str] | None = None

    def url(self, name: str, world: World) -> str:
        if self.path is not None:
            return self.path(world)
        return reverse(name, kwargs=self.kwargs(world) if self.kwargs else None)

    def outcome(self, persona: str) -> Outcome:
        if persona == "applicant" and self.applicant is None:
            return self.member
        return getattr(self, persona)


def everyone(outcome: Outcome, **options) -> Expect:
    return Expect(*(outcome,) * len(PERSONAS), **options)


def signed_in(outcome: Outcome = 200, **options) -> Expect:
    """Anyone signed in; anonymous people are sent to sign in."""
    return Expect(LOGIN, *(outcome,) * (len(PERSONAS) - 1), **options)


def chapter_a(world: World) -> dict[str, str]:
    return {"slug": world.chapter_a.slug}


def pk_of(key: str) -> Callable[[World], dict[str, int]]:
    return lambda w: {"pk": w.extra[key].pk}


def membership_a(world: World) -> dict[str, Any]:
    return {"slug": world.chapter_a.slug, "pk": world.extra["membership_a"].pk}


def registration_a(world: World) -> dict[str, str]:
    return {"token": world.extra["registration_a"].token}


def milestone_of_application(world: World) -> dict[str, int]:
    return {"pk": world.extra["application"].pk, "milestone_pk": world.extra["milestone"].pk}


def admins_only(outcome: Outcome = 200, **options) -> Expect:
    """Global admins (with MFA); everyone else signed in is refused."""
    return Expect(LOGIN, 403, 403, 403, 403, outcome, **options)


def organizers_of_a(outcome: Outcome = 200, *, admin: Outcome = 403, anonymous=LOGIN,
                    **options) -> Expect:
    """The organizer of chapter A (with MFA); a Global admin only where `admin` says so."""
    return Expect(anonymous, 403, 403, outcome, 403, admin, **options)


def program_people(outcome: Outcome = 200, **options) -> Expect:
    """The application's applicant, its assigned coach and Global admins; for anyone else
    the application does not exist (404)."""
    columns = {"anonymous": LOGIN, "member": 404, "other_organizer": 404, "organizer": 404,
               "coach": outcome, "admin": outcome, "applicant": outcome}
    return Expect(**{**columns, **options})


SESSION_FIELDS = ("title", "description", "starts_at", "ends_at", "format", "language",
                  "capacity", "facilitators", "venue_address", "call_link",
                  "registration_closes_at")
APPLICATION_FIELDS = ("proposed_name", "kind", "city", "country", "core_group_size", "why",
                      "sectors", "how_heard", "invited_emails")


TABLE: dict[str, Expect] = {
    # Directory
    "chapters:home": everyone(200),
    "chapters:directory": everyone(200, query=("q", "page", "lat", "lon", "km", "country",
                                               "language", "kind", "status")),
    "chapters:near": everyone(400, method="post"),  # an empty location is a 400, for anyone
    "chapters:map": everyone(200),
    "chapters:detail": everyone(200, kwargs=chapter_a),
    "chapters:edit": organizers_of_a(admin=200, kwargs=chapter_a, form_persona="organizer",
                                     form=("description", "meeting_frequency", "founded_on",
                                           "email", "website", "signal", "matrix",
                                           "description_de")),
    "chapters:status": admins_only(kwargs=chapter_a, form_persona="admin",
                                   form=("status", "reason", "successor_name",
                                         "successor_url", "graduated_on"),
                                   choices=("status",)),
    "chapters:api": everyone(200, query=("q", "lat", "lon", "country", "language", "kind",
                                         "status", "network", "after", "peers_after")),
    "chapters:embed": everyone(200, query=("q", "country", "language", "kind", "status")),
    "chapters:partners": admins_only(),
    # Federation: our key and feed are public (public records only); peers are for admins.
    "federation:key": everyone(200),
    "federation:feed": everyone(200, query=("after", "limit")),
    "federation:peers": admins_only(form_persona="admin",
                                    form=("name", "base_url", "fingerprint")),
    "federation:pause": admins_only(REDIRECT, kwargs=pk_of("peer"), method="post"),
    "federation:remove": admins_only(REDIRECT, kwargs=pk_of("peer"), method="post"),
    "federation:sync": admins_only(REDIRECT, kwargs=pk_of("peer"), method="post"),
    "chapters:partner_new": admins_only(form_persona="admin",
                                        form=("name", "url", "countries", "sectors",
                                              "summary")),
    "chapters:partner_edit": admins_only(kwargs=pk_of("partner")),
    "chapters:partner_delete": admins_only(REDIRECT, kwargs=pk_of("partner"), method="post"),
    # Membership: a person's own pages.
    "members:me": signed_in(200),
    "members:profile": signed_in(200, form_persona="member",
                                 form=("display_name", "pronouns", "work_kind", "languages",
                                       "preferred_language"),
                                 choices=("work_kind", "languages", "preferred_language")),
    "members:export_data": signed_in(200),
    "members:delete_account": signed_in(200),  # GET only here: the POST deletes the person
    # carol's membership: only carol may leave it; for anyone else it does not exist.
    "members:leave": Expect(LOGIN, 200, 404, 404, 404, 404, kwargs=pk_of("membership_a"),
                            applicant=404),
    # Asking to join needs an account (carol, already a member, sees her membership).
    "members:join": signed_in(200, kwargs=chapter_a, form_persona="coach",
                              form=("profile-display_name", "profile-work_kind",
                                    "is_owner_executive_investor"),
                              choices=("profile-work_kind", "is_owner_executive_investor")),
    # Membership: organizers of the chapter only; Global admins see counts, never names.
    "members:requests": organizers_of_a(kwargs=chapter_a, query=("page",)),
    "members:decide": organizers_of_a(400, kwargs=chapter_a, method="post"),
    "members:members": organizers_of_a(kwargs=chapter_a,
                                       query=("q", "status", "role", "page")),
    "members:export_members": organizers_of_a(kwargs=chapter_a, method="post"),
    "members:change_role": organizers_of_a(REDIRECT, kwargs=membership_a, method="post"),
    "members:remove": organizers_of_a(kwargs=membership_a, form_persona="organizer",
                                      form=("reason",)),
    "members:counts": organizers_of_a(admin=200, kwargs=chapter_a),
    "members:policy": organizers_of_a(kwargs=chapter_a, form_persona="organizer",
                                      form=("questions", "note")),
    "members:policy_review": organizers_of_a(kwargs=chapter_a),
    # Who changed the rules and why: the chapter's organizers and Global admins.
    "members:policy_history": organizers_of_a(admin=200, kwargs=chapter_a),
    "members:baseline_policy": admins_only(),
    # Onboarding: public pages, no account needed.
    "onboarding:list": everyone(200, query=("page", "chapter", "language", "format", "q")),
    "onboarding:detail": everyone(200, kwargs=pk_of("session_a"), form=("name", "email")),
    "onboarding:check_email": everyone(200, kwargs=pk_of("session_a"), form=("email", "code")),
    "onboarding:ics": everyone(200, kwargs=pk_of("session_a")),
    "onboarding:feed": everyone(200, kwargs=chapter_a),
    "onboarding:flyer": everyone(200, kwargs=chapter_a),
    # A registration's secret link (from the email) is the key: whoever holds it.
    "onboarding:registration": everyone(200, kwargs=registration_a),
    "onboarding:registration_confirm": everyone(REDIRECT, kwargs=registration_a,
                                                method="post"),
    "onboarding:registration_cancel": everyone(REDIRECT, kwargs=registration_a,
                                               method="post"),
    "onboarding:registration_ics": everyone(200, kwargs=registration_a),
    # Onboarding: the chapter's organizers (a refusal, not a sign-in, for strangers).
    "onboarding:funnel": organizers_of_a(admin=200, anonymous=403, kwargs=chapter_a,
                                         query=("month",)),
    "onboarding:manage": organizers_of_a(anonymous=403, kwargs=chapter_a, query=("page",)),
    "onboarding:create": organizers_of_a(anonymous=403, kwargs=chapter_a,
                                         form_persona="organizer", form=SESSION_FIELDS,
                                         choices=("format", "language")),
    "onboarding:attendees": organizers_of_a(anonymous=403, kwargs=pk_of("session_a")),
    "onboarding:edit": organizers_of_a(anonymous=403, kwargs=pk_of("session_a"),
                                       form_persona="organizer", form=SESSION_FIELDS,
                                       choices=("format", "language")),
    "onboarding:cancel": organizers_of_a(anonymous=403, kwargs=pk_of("session_a")),
    "onboarding:follow_up": organizers_of_a(REDIRECT, anonymous=403,
                                            kwargs=pk_of("session_a"), method="post"),
    "onboarding:check_in": organizers_of_a(
        400, anonymous=403, method="post",
        kwargs=lambda w: {"pk": w.extra["session_a"].pk,
                          "registration_pk": w.extra["registration_a"].pk}),
    # Chapter Development Program: applying needs a sign-in (by emailed code is enough).
    "cdp:apply": signed_in(200, form_persona="member", form=APPLICATION_FIELDS,
                           choices=("kind", "country")),
    "cdp:program": signed_in(200, query=("page",)),
    "cdp:review": admins_only(query=("state", "page")),
    # Training resources: program participants (applicants, coaches, Global admins).
    "cdp:resources": Expect(LOGIN, 403, 403, 403, 200, 200, applicant=200, query=("page",)),
    "cdp:resource_file": Expect(LOGIN, 403, 403, 403, 200, 200, applicant=200,
                                kwargs=pk_of("resource")),
    # One application: its applicant, its assigned coach, Global admins; a 404 for others.
    "cdp:detail": program_people(kwargs=pk_of("application")),
    # Only the applicant edits, and only while changes are requested.
    "cdp:edit": program_people(403, applicant=200, kwargs=pk_of("application_changes"),
                               form_persona="applicant",
                               form=APPLICATION_FIELDS[:-1], choices=("kind", "country")),
    # A move with no target state is refused (400) for the applicant and admins; a coach
    # makes no moves.
    "cdp:move": program_people(400, coach=403, kwargs=pk_of("application"), method="post",
                               form_persona="admin", form=("to_state", "note"),
                               choices=("to_state",)),
    "cdp:assign_coach": program_people(400, coach=403, applicant=403, method="post",
                                       kwargs=pk_of("application"),
                                       form_persona="admin", form=("coach",), choices=("coach",)),
    # A required milestone is not verified yet: the launch is refused with the reason (400).
    # (Not form-fuzzed: the first valid override launches, and the form is gone.)
    "cdp:launch": program_people(400, coach=403, applicant=403, method="post",
                                 kwargs=pk_of("application")),
    # What the launched chapter's page will say: the applicants and Global admins while the
    # application is open; the coach coaches, she does not write the group's page.
    "cdp:page_details": program_people(200, coach=403, kwargs=pk_of("application"),
                                       form_persona="applicant",
                                       form=("description", "contact_email",
                                             "meeting_frequency")),
    "cdp:coaching_note": program_people(400, applicant=403, method="post",
                                        kwargs=pk_of("application"),
                                        form_persona="coach", form=("date", "text")),
    "cdp:milestone_done": program_people(403, applicant=REDIRECT, method="post",
                                         kwargs=milestone_of_application,
                                         form_persona="applicant", form=("note",)),
    "cdp:milestone_verify": program_people(400, admin=403, applicant=403, method="post",
                                           kwargs=milestone_of_application),
    # Outreach: following and unsubscribing need no account; the emailed token is the key.
    "outreach:follow": everyone(200, kwargs=chapter_a, form=("email", "choice"),
                                choices=("choice",)),
    "outreach:follow_confirm": everyone(200, kwargs=lambda w: {"token": w.extra["follow"].token}),
    # Without a place from the directory there is nothing to watch: a 400 for anyone.
    "outreach:watch": everyone(400, query=("place", "lat", "lon"),
                               form=("email", "lat", "lon", "place")),
    "outreach:watch_confirm": everyone(200, kwargs=lambda w: {"token": w.extra["watch"].token}),
    # GET asks; the RFC 8058 POST unsubscribes (no CSRF token, no sign-in).
    "outreach:unsubscribe": everyone(200, kwargs=lambda w: {
        "token": __import__("outreach.sending", fromlist=["x"]).unsubscribe_token(
            w.extra["delivery"].pk)}),
    "outreach:announcements": everyone(200, kwargs=chapter_a),
    "outreach:feed": everyone(200, kwargs=chapter_a),
    "outreach:announcement": everyone(200, kwargs=lambda w: {
        "slug": w.chapter_a.slug, "pk": w.extra["announcement_public"].pk}),
    # Writing and sending: the chapter's organizers; Global admins only network-wide.
    "outreach:manage": organizers_of_a(kwargs=chapter_a),
    "outreach:compose": organizers_of_a(kwargs=chapter_a, form_persona="organizer",
                                        form=("subject", "body", "text_format", "audience",
                                              "session"),
                                        choices=("text_format", "audience", "session")),
    "outreach:network_compose": admins_only(form_persona="admin",
                                            form=("subject", "body", "text_format"),
                                            choices=("text_format", "audience")),
    # A draft is its chapter's organizers' own: for anyone else it does not exist.
    "outreach:draft": Expect(LOGIN, 404, 404, 200, 404, 404,
                             kwargs=pk_of("announcement_draft")),
    "outreach:send": Expect(LOGIN, 404, 404, 400, 404, 404, method="post",
                            kwargs=pk_of("announcement_draft")),
    # The Global chapter's desk (network/). Health figures: Global admins only.
    "network:health": admins_only(query=("status", "country", "page")),
    "network:health_csv": admins_only(query=("status", "country")),
    "network:review_inactive": admins_only(kwargs=pk_of("inactive_flag"), form_persona="admin",
                                           form=("outcome", "reason"), choices=("outcome",)),
    # Anyone signed in may ask to revive a dormant chapter (a pre-filled CDP application).
    "network:revive": signed_in(200, kwargs=lambda w: {"slug": w.extra["dormant_chapter"].slug},
                                form_persona="member",
                                form=("why", "core_group_size", "sectors", "invited_emails")),
    # Help between chapters: members of a chapter (who may volunteer), organizers, Global
    # admins; the coach and the applicant belong to no chapter.
    "network:help": Expect(LOGIN, 200, 200, 200, 403, 200, applicant=403, query=("page",)),
    "network:volunteer": Expect(LOGIN, REDIRECT, REDIRECT, REDIRECT, 403, 403, applicant=403,
                                method="post"),
    "network:help_new": organizers_of_a(kwargs=chapter_a, form_persona="organizer",
                                        form=("title", "description", "skill", "hours",
                                              "deadline", "kind", "language"),
                                        choices=("kind", "language")),
    # One request of chapter A: its organizers, and people who may help (here the Global
    # admin); a member of A who did not choose to help, and everyone else, find nothing.
    "network:help_detail": Expect(LOGIN, 404, 404, 200, 404, 200, applicant=404,
                                  kwargs=pk_of("help_a")),
    # The organizers of A cannot offer help to themselves; the admin's empty offer is a 400.
    "network:help_offer": Expect(LOGIN, 404, 404, 403, 404, 400, applicant=404, method="post",
                                 kwargs=pk_of("help_a"), form_persona="admin",
                                 form=("message",)),
    "network:help_accept": Expect(LOGIN, 404, 404, REDIRECT, 404, 403, applicant=404,
                                  method="post",
                                  kwargs=lambda w: {"pk": w.extra["help_a"].pk,
                                                    "offer_pk": w.extra["offer_a"].pk}),
    "network:help_close": Expect(LOGIN, 404, 404, REDIRECT, 404, 403, applicant=404,
                                 method="post", kwargs=pk_of("help_a")),
    # The private thread of an accepted offer: the helper and A's organizers only.
    "network:help_thread": Expect(LOGIN, 404, 404, 200, 404, 404, applicant=404,
                                  kwargs=lambda w: {
                                      "pk": w.extra["accepted_offer_a"].request_id,
                                      "offer_pk": w.extra["accepted_offer_a"].pk},
                                  form_persona="organizer", form=("body",)),
    # The library: members of any chapter and program participants.
    "network:library": Expect(LOGIN, 200, 200, 200, 200, 200, applicant=200,
                              query=("q", "language", "tag", "page"), choices=("language",)),
    "network:library_share": Expect(LOGIN, 403, 200, 200, 403, 403, applicant=403,
                                    form_persona="organizer",
                                    form=("title", "description", "url", "tags", "chapter",
                                          "languages"), choices=("chapter", "languages")),
    # Without the button's confirm=yes nothing is removed (400).
    "network:library_remove": Expect(LOGIN, 403, 403, 400, 403, 400, applicant=403,
                                     method="post", kwargs=pk_of("material_a")),
    "network:library_file": Expect(LOGIN, 200, 200, 200, 200, 200, applicant=200,
                                   kwargs=pk_of("material_a")),
    "network:training_file": Expect(LOGIN, 200, 200, 200, 200, 200, applicant=200,
                                    kwargs=pk_of("resource")),
    # Audit log: Global admins with MFA only.
    "audit:log": Expect(403, 403, 403, 403, 403, 200, query=("action", "page")),
    # Deployment
    "healthz": everyone(200),
    # The benchmark's ceiling: no database, nothing private.
    "bench_ping": everyone(200),
    "django.contrib.sitemaps.views.sitemap": everyone(200),
    # POST-only (the i18n wrapper saves a signed-in person's choice); a GET is a 405.
    "set_language": everyone(REDIRECT, method="post"),
    # Accounts (allauth) pages the product relies on, checked like our own.
    "account_login": Expect(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "account_signup": Expect(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT,
                             form=("email",)),
    "account_request_login_code": Expect(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT,
                                         REDIRECT, form=("email",)),
    "usersessions_list": signed_in(200),
    "account_logout": Expect(REDIRECT, 200, 200, 200, 200, 200),
    "mfa_index": signed_in(200),
}



# Django's admin (members/admin_site.py): staff Global admins with MFA, and only the models
# and actions the predicates allow them; anyone else signed in gets a 403, anyone signed out
# is sent to the admin's sign-in, which sends them on to allauth's.
def admin_page(outcome: Outcome = 200, **options) -> Expect:
    return Expect(REDIRECT, 403, 403, 403, 403, outcome, **options)


def object_id(key: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"object_id": w.extra[key].pk}


def admin_model(label: str, key: str) -> dict[str, Expect]:
    """The five named pages of one model in the admin, and its unnamed object link."""
    app, model = label.split(".")
    prefix = f"admin:{app}_{model}"
    return {
        f"{prefix}_changelist": admin_page(),
        f"{prefix}_add": admin_page(),
        f"{prefix}_change": admin_page(kwargs=object_id(key)),
        f"{prefix}_delete": admin_page(kwargs=object_id(key)),
        f"{prefix}_history": admin_page(kwargs=object_id(key)),
        f"admin/{app}/{model}/<path:object_id>/": admin_page(
            REDIRECT, path=lambda w: f"/admin/{app}/{model}/{w.extra[key].pk}/"),
    }


def _chapter_on_site(world: World) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    from chapters.models import Chapter

    return {"content_type_id": ContentType.objects.get_for_model(Chapter).pk,
            "object_id": world.chapter_a.pk}


TABLE.update({
    "admin:index": admin_page(),
    # Signed in: allauth's secure_admin_login refuses non-staff, the site everyone but
    # Global admins with MFA; Django's password form is never shown.
    "admin:login": Expect(LOGIN, 403, 403, 403, 403, REDIRECT),
    "admin:logout": admin_page(405),  # POST only
    # Credentials change on allauth's page, never in the admin.
    "admin:password_change": admin_page(REDIRECT),
    "admin:password_change_done": admin_page(REDIRECT),
    # No model of ours offers autocompletion: a request without a field is refused.
    "admin:autocomplete": admin_page(403),
    "admin:jsi18n": admin_page(),
    "admin:view_on_site": admin_page(REDIRECT, kwargs=_chapter_on_site),
    # Only the apps with models in the admin have a page (a path: the label is no id).
    "admin:app_list": admin_page(path=lambda w: "/admin/cdp/"),
    **admin_model("cdp.milestone", "milestone"),
    **admin_model("cdp.trainingresource", "resource"),
    # Everything else under /admin/ (registrations, sessions, applications, the audit log,
    # addresses, authenticators, browsers, task rows are not in the admin at all): not
    # found, for anyone let in.
    "admin/(?P<url>.*)$": admin_page(404, path=lambda w: "/admin/onboarding/registration/"),
})

# Patterns we do not write: a light check (never a 500) instead of a row per pattern.
# Key: a URL-name prefix; value: why it is grouped.
THIRD_PARTY = {
    "account_": "allauth accounts: sign-in, sign-up, email and password pages of the library.",
    "mfa_": "allauth MFA: second-factor set-up and sign-in pages of the library.",
    "usersessions_": "allauth user sessions.",
}


def project_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern of the project as (name for reverse, or its route), recursively."""

    def walk(resolver: URLResolver, prefix: str, namespace: str):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern
            else:
                yield prefix + str(pattern.pattern), pattern

    yield from walk(get_resolver(), "", "")


def third_party_group(name: str) -> str | None:
    return next((prefix for prefix in THIRD_PARTY if name.startswith(prefix)), None)


def request(client, expect: Expect, url: str, data: dict | None = None):
    return getattr(client, expect.method)(url, data or {})


def outcome_of(response) -> Outcome:
    if response.status_code in (301, 302, 303, 307, 308):
        return LOGIN if response["Location"].startswith(reverse("account_login")) else REDIRECT
    return response.status_code


def test_every_url_pattern_has_an_entry():
    missing = sorted(
        name for name, _ in project_patterns()
        if name not in TABLE and third_party_group(name) is None
    )
    assert not missing, f"URL patterns without an entry in TABLE: {missing}"


def test_every_entry_names_an_existing_pattern():
    names = {name for name, _ in project_patterns()}
    assert not sorted(set(TABLE) - names), "TABLE entries for patterns that no longer exist"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_persona_gets_the_expected_outcome(name, world):
    expect = TABLE[name]
    url = expect.url(name, world)
    got = {persona: outcome_of(request(world.client(persona), expect, url))
           for persona in ALL_PERSONAS}
    wanted = {persona: expect.outcome(persona) for persona in ALL_PERSONAS}
    assert got == wanted, f"{name} ({url})"


POST_ONLY = sorted(name for name, expect in TABLE.items() if expect.method == "post")


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_actions_refuse_get(name, world):
    """A GET on an action, even by the person allowed to make it, is a 405 and changes
    nothing (a link or a prefetch must never act)."""
    from audit.models import AuditEvent

    expect = TABLE[name]
    persona = next(p for p in reversed(ALL_PERSONAS)
                   if expect.outcome(p) not in (LOGIN, 403, 404))
    events = AuditEvent.objects.count()
    response = world.client(persona).get(expect.url(name, world))
    assert response.status_code == 405, (name, persona, response.status_code)
    assert AuditEvent.objects.count() == events


def _reversible_without_arguments(name: str) -> str | None:
    try:
        return reverse(name)
    except Exception:  # noqa: BLE001 - patterns that need arguments get no light check
        return None


def test_allauth_pages_never_fail(world):
    """Library pages answer (a page, a redirect, a refusal), never a server error."""
    names = [name for name, _ in project_patterns()
             if third_party_group(name) is not None and name not in TABLE]
    urls = [url for name in names if (url := _reversible_without_arguments(name))]
    urls.append(reverse("account_reset_password_from_key",
                        kwargs={"uidb36": "zz", "key": "not-a-key"}))
    for persona in ("anonymous", "member"):
        client = world.client(persona)
        for url in urls:
            assert client.get(url).status_code < 500, (persona, url)
