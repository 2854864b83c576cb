"""The `wonde_server` fixture: a local Wonde API, and the setting that points syncs at it."""

import pytest

from . import WondeServer, autumn


@pytest.fixture
def wonde_server(settings, monkeypatch):
    server = WondeServer().start()
    autumn(server.school)
    settings.STREAMWISE_WONDE_API_URL = server.url
    settings.STREAMWISE_WONDE_MAX_WAIT_SECONDS = 2
    # A task worker started by the test reads the setting from its environment.
    monkeypatch.setenv("STREAMWISE_WONDE_API_URL", server.url)
    yield server
    server.stop()
