"""Demo people (example.org), the network baseline and chapter policies, memberships."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from chapters.models import Chapter

from .enums import MembershipRole, MembershipStatus, WorkKind
from .models import Membership, MembershipPolicy, PolicyVersion, User

# A fixed TOTP secret for demo accounts only, so anyone can add it to an authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

PEOPLE = [
    # email, display name, work kind, global admin, coach, organizer of
    ("admin@example.org", "Ada (Global admin)", WorkKind.PROGRAMMING, True, False, ["global"]),
    ("coach@example.org", "Cora (coach)", WorkKind.DESIGN, False, True, []),
    ("organizer.berlin@example.org", "Bea", WorkKind.CONTENT_MODERATION, False, False,
     ["berlin"]),
    ("organizer.milan@example.org", "Marco", WorkKind.SYSADMIN, False, False, ["milan"]),
    ("organizer.newyork@example.org", "Nia", WorkKind.QA, False, False, ["new-york"]),
    ("member@example.org", "Sam", WorkKind.SUPPORT, False, False, []),
]


def _policy(chapter: Chapter | None, versions: list[dict]) -> MembershipPolicy:
    policy, _ = MembershipPolicy.objects.get_or_create(
        chapter=chapter, is_network_baseline=chapter is None,
    )
    for number, fields in enumerate(versions, start=1):
        version, _ = PolicyVersion.objects.update_or_create(
            policy=policy, number=number, defaults=fields,
        )
    policy.current_version = version
    policy.save(update_fields=["current_version"])
    return policy


def load() -> None:
    _policy(None, [{
        "exclude_owners_executives_investors": True,
        "allow_supporters": True,
        "approval_required": True,
        "note": "Venture capitalists, owners and executives are not welcome.",
    }])
    chapters = {c.slug: c for c in Chapter.objects.all()}
    _policy(chapters["berlin"], [
        {"exclude_hire_fire": True, "approval_required": True,
         "questions": [{"text": "How did you hear about us?", "required": False}],
         "note": "Our first rules: people who can hire or fire may not join."},
        {"exclude_hire_fire": False, "approval_required": True,
         "questions": [{"text": "How did you hear about us?", "required": False}],
         "note": "Managers who can hire or fire may now join: we changed our mind."},
    ])
    _policy(chapters["milan"], [
        {"exclude_hire_fire": True, "allow_supporters": False, "approval_required": True,
         "questions": [{"text": "Which sector do you work in?", "required": True}],
         "note": "Regole adottate dall'assemblea."},
    ])
    for slug in ("bologna", "rome", "turin", "new-york", "san-diego", "bay-area", "seattle",
                 "washington-dc", "boston", "global"):
        _policy(chapters[slug], [{"approval_required": slug != "global", "note": ""}])

    for email, name, work, admin, coach, organizes in PEOPLE:
        user, created = User.objects.get_or_create(email=email)
        user.display_name = name
        user.work_kind = work
        user.is_global_admin = admin
        user.is_coach = coach
        # A Global admin may use Django's admin (staff), which shows only what the
        # permission predicates allow: nobody is a Django superuser.
        user.is_staff = admin
        user.is_superuser = False
        user.languages = ["en"]
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True},
        )
        if (admin or coach or organizes) and not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        for slug in organizes:
            chapter = chapters[slug]
            Membership.objects.update_or_create(
                user=user, chapter=chapter,
                defaults={"status": MembershipStatus.ACTIVE, "role": MembershipRole.ORGANIZER,
                          "policy_version": chapter.policy.current_version},
            )
    member = User.objects.get(email="member@example.org")
    Membership.objects.update_or_create(
        user=member, chapter=chapters["berlin"],
        defaults={"status": MembershipStatus.ACTIVE, "role": MembershipRole.MEMBER,
                  "policy_version": chapters["berlin"].policy.current_version},
    )
    load_requests()


# Fictional people waiting for Berlin's organizers, so the review queue has content.
BERLIN_REQUESTS = [
    ("rider.request@example.org", "Kai", WorkKind.PLATFORM, "they/them",
     {"owner_executive_investor": "no", "questions": {"How did you hear about us?":
                                                      "A flyer at the depot"}}),
    ("moderator.request@example.org", "Lena", WorkKind.CONTENT_MODERATION, "",
     {"owner_executive_investor": "no", "questions": {"How did you hear about us?": ""}}),
    ("tester.request@example.org", "Omar", WorkKind.QA, "he/him",
     {"owner_executive_investor": "no", "questions": {"How did you hear about us?":
                                                      "The onboarding session"}}),
]


def load_requests() -> None:
    berlin = Chapter.objects.get(slug="berlin")
    baseline = MembershipPolicy.objects.get(is_network_baseline=True).current_version
    for email, name, work, pronouns, answers in BERLIN_REQUESTS:
        user, _created = User.objects.update_or_create(
            email=email, defaults={"display_name": name, "work_kind": work,
                                   "pronouns": pronouns, "languages": ["en", "de"]},
        )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True},
        )
        Membership.objects.update_or_create(
            user=user, chapter=berlin,
            defaults={"status": MembershipStatus.PENDING, "role": MembershipRole.MEMBER,
                      "policy_version": berlin.policy.current_version,
                      "baseline_version": baseline, "answers": answers},
        )
