"""Signals the H5P app sends. Other apps listen; h5p never imports them.

``result_recorded`` is sent inside the transaction that stored an accepted *top-level* xAPI
statement (so a receiver's writes commit or roll back with it), with:

``user``
    the user of the session that posted it (never the statement's actor);
``content``
    the :class:`~h5p.models.H5PContent` played;
``statement``
    the stored :class:`~h5p.models.XAPIStatement`;
``verb``
    ``"answered"``, ``"completed"``, ``"passed"``, ``"failed"`` or ``"scored"``;
``raw``, ``max``, ``scaled``
    the score after clamping (``0 ≤ raw ≤ max ≤ content.max_score``), or None without a score;
``completed``, ``passed``
    what the server accepts; always False when the claimed score had to be cut down;
``clamped``
    True when the claimed score was impossible (e.g. 999 of 2). Receivers must not treat such a
    result as a full score;
``context_id``
    the context the embedding page gave the activity (see ``H5PActivityBlock``), signed by the
    server when the page was rendered, so it can be trusted.


``text_answered`` is sent inside the same transaction for *every* accepted statement (top-level
or a sub-question) whose ``result.response`` holds words a person typed (an essay, a free-text
or fill-in answer), so that a receiver can screen what a pupil wrote. With:

``user``, ``content``, ``statement``, ``context_id``
    as for ``result_recorded``;
``text``
    the response as plain text (blanks joined by commas), at most ``MAX_TEXT_ANSWER`` characters.
    Choice, matching and ordering answers (ids and numbers, no letters) are not sent.
"""

from django.dispatch import Signal

result_recorded = Signal()
text_answered = Signal()
MAX_TEXT_ANSWER = 5000
