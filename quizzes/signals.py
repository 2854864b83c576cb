"""Signals the quizzes app sends. Other apps listen; quizzes never imports them.

`attempt_submitted` is sent with sender=Attempt when a pupil submits an attempt, inside the
transaction that scored it (so a receiver's writes, such as lesson completion, commit or roll
back together with the score). Keyword arguments:

- ``attempt``: the Attempt just submitted (its own ``score`` and ``passed`` are set);
- ``pupil``, ``quiz``;
- ``counted_score``: the score (0–100) that counts under the quiz's rule (best or latest);
- ``passed``: whether ``counted_score`` reaches the quiz's pass mark.
"""

from django.dispatch import Signal

attempt_submitted = Signal()
