"""Only the admin's preview of a page may be framed, and only by the site's own origin."""

from django.http import HttpResponse
from django.test import RequestFactory

from streamwise.middleware import ContentSecurityPolicyMiddleware


def policy(request) -> str:
    middleware = ContentSecurityPolicyMiddleware(lambda r: HttpResponse("ok"))
    return middleware(request)["Content-Security-Policy"]


def test_a_wagtail_preview_may_be_framed_by_the_site_only():
    request = RequestFactory().get("/lessons/ages-8-10/a-lesson/")
    request.is_dummy = request.is_preview = True
    value = policy(request)
    assert "frame-ancestors 'self'" in value
    # Otherwise the same strict policy as every page.
    assert "default-src 'self'; script-src 'self'" in value
    assert "unsafe" not in value


def test_every_other_page_may_not_be_framed():
    request = RequestFactory().get("/lessons/ages-8-10/a-lesson/")
    assert "frame-ancestors 'none'" in policy(request)
    request.is_dummy = True  # a dummy request that is not a preview (e.g. a routing check)
    request.is_preview = False
    assert "frame-ancestors 'none'" in policy(request)


def test_a_preview_leaves_the_editors_messages_alone(rf):
    """The preview panel renders pages in the editor's session; if our layout showed messages
    there it would use up the admin's own ("submitted for moderation", …)."""
    from django.template.loader import render_to_string

    request = rf.get("/")
    shown = render_to_string(
        "streamwise/includes/messages.html", {"messages": ["Submitted"], "request": request}
    )
    request.is_preview = True
    previewed = render_to_string(
        "streamwise/includes/messages.html", {"messages": ["Submitted"], "request": request}
    )
    assert "Submitted" in shown and "Submitted" not in previewed
