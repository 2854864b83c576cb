"""The site's URLs plus one test page that embeds an H5P activity (for the browser tests).

Lessons embed activities through their StreamField (see tests/e2e/test_lessons_h5p.py); this
page renders ``H5PActivityBlock`` on its own, the way any other page would.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from h5p.blocks import H5PActivityBlock
from h5p.models import H5PContent
from streamwise.urls import urlpatterns as site_urlpatterns

PAGE = engines["django"].from_string(
    """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ content.title }} · Streamwise</title></head>
<body><main><h1>{{ content.title }}</h1>{{ activity }}</main></body>
</html>"""
)


def activity_page(request, key):
    content = get_object_or_404(H5PContent, key=key)
    block = H5PActivityBlock()
    value = block.to_python({"activity": content.pk, "title": ""})
    activity = block.render(value, context={"request": request, "h5p_context_id": "e2e:lesson"})
    return HttpResponse(PAGE.render({"content": content, "activity": activity}, request))


urlpatterns = [path("h5p-e2e/<uuid:key>/", activity_page), *site_urlpatterns]
