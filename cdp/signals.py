"""What the Chapter Development Program tells the apps above it, without importing them.

Apps that sit higher in the house (following, the Global chapter's desk) connect receivers
in their `AppConfig.ready()`; cdp never imports them.
"""

from django.dispatch import Signal

# Sent after the transaction that launched a chapter commits (a new chapter, or a dormant
# one relaunched). Arguments: chapter, application, revived (bool).
chapter_launched = Signal()

# Sent after the transaction that opened an application to revive a dormant chapter
# commits. Arguments: application, chapter (the dormant chapter).
revival_requested = Signal()
