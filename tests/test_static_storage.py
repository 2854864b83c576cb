"""Static storages remember each file's URL (streamwise.static_storage, issue 16)."""

import pytest
from django.contrib.staticfiles.storage import StaticFilesStorage

from streamwise.static_storage import (
    RememberedManifestStaticFilesStorage,
    RememberedStaticFilesStorage,
)


def test_a_url_is_worked_out_once(monkeypatch, settings):
    settings.STATIC_URL = "/static/"
    worked_out = []
    original = StaticFilesStorage.url

    def url(self, name):
        worked_out.append(name)
        return original(self, name)

    monkeypatch.setattr(StaticFilesStorage, "url", url)
    storage = RememberedStaticFilesStorage()
    assert storage.url("streamwise/a b.css") == storage.url("streamwise/a b.css")
    assert storage.url("streamwise/a b.css") == "/static/streamwise/a%20b.css"
    assert worked_out == ["streamwise/a b.css"]


def test_a_name_the_manifest_lacks_raises_every_time(tmp_path, settings):
    settings.DEBUG = False
    storage = RememberedManifestStaticFilesStorage(location=tmp_path)
    for _ in range(2):
        with pytest.raises(ValueError, match="manifest"):
            storage.url("never-collected.css")
