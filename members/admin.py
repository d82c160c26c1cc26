"""Django's admin (members/admin_site.py): what it must not show at all.

People's email addresses, their signed-in browsers (IP, user agent), their second-factor
secrets and the task rows (each holding an email's recipient and content) have no place in
it: the libraries that hold them register admins of their own, removed here. So are
Django's groups, since nothing in the app asks Django's model permissions.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.models import Group
from django_tasks_db.models import DBTaskResult

NOT_IN_THE_ADMIN = (Group, EmailAddress, Authenticator, UserSession, DBTaskResult)

for _model in NOT_IN_THE_ADMIN:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
