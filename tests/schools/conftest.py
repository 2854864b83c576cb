from tests.wonde_server.fixtures import wonde_server  # noqa: F401 (a local Wonde API)
