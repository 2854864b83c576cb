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
"""

from django.dispatch import Signal

result_recorded = Signal()
