"""Settings for the `db_worker` subprocess in the fault tests: the test settings, with email
retries seconds apart instead of minutes so a test can watch several of them."""

from tests.settings import *  # noqa: F403

STREAMWISE_EMAIL_RETRY_BASE_SECONDS = 1
STREAMWISE_EMAIL_RETRY_MAX_SECONDS = 2
STREAMWISE_SITE_URL = "https://streamwise.example"
