"""A host site wraps Streamwise's pages in its own header and footer, and the safety stays."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

HOST_TEMPLATES = Path(__file__).parent / "host_templates"


@pytest.fixture
def host_templates():
    engine = dict(settings.TEMPLATES[0]) | {"DIRS": [HOST_TEMPLATES]}
    with override_settings(TEMPLATES=[engine]):
        yield


def test_a_pupil_page_keeps_the_host_frame_talk_to_someone_and_the_exit(
    host_templates, client, young_pupil
):
    client.force_login(young_pupil.pupil.user)
    response = client.get(reverse("safeguarding:talk"))
    html = response.text
    assert response.status_code == 200
    assert '<meta name="host-site" content="Hillside Primary">' in html
    assert html.index("Hillside Primary School") < html.index("site-header--pupil")
    assert html.index('id="main"') < html.index("Hillside Primary, School Lane")
    assert "Hide this page" in html and reverse("times_tables") in html
    assert "streamwise/css/streamwise.css" in html
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_staff_page_keeps_the_host_frame_and_its_navigation(host_templates, client, teacher):
    client.force_login(teacher)
    html = client.get(reverse("teacher_portal:home")).text
    assert "Hillside Primary School" in html and "site-header--staff" in html
    assert "Hillside Primary, School Lane" in html


def test_without_an_override_the_host_blocks_are_empty(client, teacher):
    client.force_login(teacher)
    html = client.get(reverse("teacher_portal:home")).text
    assert "Hillside" not in html and "site-header--staff" in html
