"""Who may do what with the federation: only Global admins, with a second factor, manage
peers. The feed and the key document are public (they hold only public records)."""

from members.permissions import has_mfa, is_global_admin


def may_manage_peers(user) -> bool:
    return has_mfa(user) and is_global_admin(user)
