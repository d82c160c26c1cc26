"""Small factories for test data: plain functions, real rows in a real database.

One module per app; everything is re-exported here, so a test writes
`from tests import factories` or `from tests.factories import make_session`.
"""

from .members import TOTP_SECRET, make_membership, make_organizer, make_policy, make_user
from .chapters import make_chapter
from .cdp import make_application, make_milestone, make_place, verify_all
from .federation import make_group, make_peer
from .network import make_help_request, make_material, make_offer
from .onboarding import CALL, VENUE, make_registration, make_session
from .outreach import make_follow

__all__ = [
    "CALL", "TOTP_SECRET", "VENUE", "make_application", "make_chapter", "make_follow",
    "make_group", "make_help_request", "make_material", "make_membership", "make_milestone",
    "make_offer", "make_organizer", "make_peer", "make_place", "make_policy",
    "make_registration", "make_session", "make_user", "verify_all",
]
