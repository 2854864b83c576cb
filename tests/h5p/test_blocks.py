"""The block a page uses to show an activity: a sandboxed, cross-origin iframe."""

import io
import re

import pytest
from django.core import signing
from django.test import RequestFactory

from h5p import services
from h5p.blocks import H5PActivityBlock

from .builders import package


@pytest.fixture
def content(libraries):
    return services.content_create(file=io.BytesIO(package()))


def render(content, user=None, **context):
    block = H5PActivityBlock()
    value = block.to_python({"activity": content.pk if content else None, "title": "Try it"})
    request = RequestFactory().get("/learn/lesson/")
    request.user = user
    return block.render(value, context={"request": request, **context})


def test_renders_a_sandboxed_iframe_from_the_h5p_origin(content, user):
    html = render(content, user, h5p_context_id="lesson-5:step-1")
    assert (
        f'<iframe class="h5p-activity__frame" src="http://h5p.testserver/h5p/play/{content.key}/"'
        in html
    )
    assert 'sandbox="allow-scripts allow-same-origin"' in html
    assert 'data-h5p-origin="http://h5p.testserver"' in html
    assert 'title="Try it"' in html
    assert 'data-h5p-xapi-url="/h5p/xapi/"' in html
    assert re.search(r'data-csrf-token="\w{32,}"', html)
    assert '<script type="module" src="/static/h5p/embed.js"></script>' in html
    assert "<script>" not in html
    token = re.search(r'data-h5p-token="([^"]+)"', html)[1]
    payload = signing.loads(token, salt=services.XAPI_TOKEN_SALT)
    assert payload == {"c": str(content.key), "x": "lesson-5:step-1", "u": user.pk}


def test_the_token_works_with_the_intake(content, user):
    html = render(content, user, h5p_context_id="ctx")
    token = re.search(r'data-h5p-token="([^"]+)"', html)[1]
    assert services.xapi_token_read(token=token, user=user) == (content, "ctx")


def test_without_an_h5p_origin_nothing_is_framed(content, user, settings):
    settings.STREAMWISE_H5P_ORIGIN = ""
    html = render(content, user)
    assert "<iframe" not in html
    assert "This activity cannot be shown at the moment." in html


def test_a_deleted_activity_renders_a_notice(content, user):
    block = H5PActivityBlock()
    pk = content.pk
    content.delete()
    value = block.to_python({"activity": pk})
    html = block.render(value, context={})
    assert "<iframe" not in html


def test_the_block_validates_an_activity_is_chosen(content):
    from django.core.exceptions import ValidationError

    block = H5PActivityBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"activity": None, "title": ""}))
    assert block.clean(block.to_python({"activity": content.pk}))["activity"] == content
