"""What onboarding tells the apps above it, without importing them.

Apps that sit higher in the house (following and announcements) connect receivers in their
`AppConfig.ready()`; onboarding never imports them.
"""

from django.dispatch import Signal

# Sent after the transaction that scheduled a session commits: a new public session exists.
# Arguments: session (the OnboardingSession).
session_published = Signal()
