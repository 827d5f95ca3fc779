"""Domain events that apps above `patients` act on (imports run triage -> patients only).

`episode_saved` is sent inside the transaction that stored the episode, so whatever a receiver
writes (a re-triage, an escalation, its alerts) commits or rolls back together with it.
"""

from django.dispatch import Signal

# kwargs: episode (Episode), created (bool)
episode_saved = Signal()
