"""The site's error page for a fault on our side (500).

It is rendered without the database (no user, session, messages or context processors), because
the commonest cause of a 500 in production is a database that is down or unreachable, and it
never claims that anything was saved: it cannot know. A pupil or teacher whose concern failed
gets the safeguarding app's “not sent” page instead, with what they wrote.
"""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.template.loader import render_to_string

logger = logging.getLogger("streamwise")


def server_error(request, *args, **kwargs):
    try:
        from safeguarding.views import not_sent_response

        response = not_sent_response(request)
        if response is not None:
            return response
    except Exception:  # the honest generic page below is still better than nothing
        logger.exception("The safeguarding 'not sent' page failed")
    html = render_to_string("500.html", {"site_name": "Streamwise"})
    return HttpResponseServerError(html)
