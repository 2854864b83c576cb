import io

import pytest
from django.contrib.auth import get_user_model

from h5p import services
from h5p.demo import install_builtin_libraries

from .builders import library_json, library_package

SITE = "testserver"
H5P_HOST = "h5p.testserver"


@pytest.fixture(autouse=True)
def h5p_settings(settings):
    settings.STREAMWISE_H5P_ORIGIN = f"http://{H5P_HOST}"
    settings.STREAMWISE_SITE_URL = f"http://{SITE}"
    # A fresh, empty storage for every test.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "h5p": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return settings


def stored_files(storage=None, path="") -> set[str]:
    """Every file name in the H5P storage."""
    storage = storage or services.h5p_storage()
    folders, files = storage.listdir(path)
    names = {f"{path}/{name}".lstrip("/") for name in files}
    for folder in folders:
        names |= stored_files(storage, f"{path}/{folder}".lstrip("/"))
    return names


@pytest.fixture
def libraries(db):
    """Streamwise's own libraries, plus a helper library that is not a content type."""
    install_builtin_libraries()
    services.library_install(
        file=io.BytesIO(
            library_package(
                "Test.Helper-1.0",
                library_json("Test.Helper", runnable=0, preloadedJs=[{"path": "helper.js"}]),
                {"helper.js": b"window.TestHelper = {};"},
            )
        )
    )


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="pupil", password="pw-for-tests-only")


@pytest.fixture
def other_user(db):
    return get_user_model().objects.create_user(username="someone", password="pw-for-tests-only")
