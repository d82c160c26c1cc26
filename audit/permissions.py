"""Who may read the audit log."""

from core.roles import has_mfa, is_global_admin


def may_read_audit_log(user) -> bool:
    return has_mfa(user) and is_global_admin(user)
