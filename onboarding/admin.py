"""Onboarding sessions and registrations are not in Django's admin.

Their venue and call link, and who signed up, are for the chapter's organizers only, and
every change (capacity, a confirmed place, a cancellation) goes through onboarding/services.py,
which locks the session, records the change and emails the people concerned. The
organizers' pages (/sessions/chapter/<slug>/manage/) are where sessions are kept.
"""
