"""Reading a school's data from Wonde's API (see the package docstring for what we assume).

`fetch_school` fetches the school, its classes (with their students and employees), students
(with their year) and employees (with their emails), following pagination, waiting when Wonde
asks, and raising WondeError with a kind message for the admin on anything else. The token is
only ever put in the Authorization header: never in a URL, a message or a log line.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from schools import conf

logger = logging.getLogger("streamwise.wonde")

PER_PAGE = 200
TIMEOUT_SECONDS = 30
RETRIES = 4  # tries of one page after a 429, a rate limit at 0 or a dropped connection
INCLUDES = {
    "classes": "students,employees",
    "groups": "students,employees",
    "students": "year,education_details",
    "employees": "contact_details",
}
# Only registration groups are asked for (the groups list also has years, houses, clubs…).
FILTERS = {"groups": {"type": "REGISTRATION"}}


def pause(seconds: float) -> None:
    """Wait before asking Wonde again (a test replaces this to keep time)."""
    time.sleep(seconds)


class WondeError(Exception):
    """A sync could not fetch what it needs; str() is the message for the school admin."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class SchoolData:
    name: str
    classes: list[dict]
    students: list[dict]
    employees: list[dict]
    groups: list[dict]
    groups_from: str  # WondeConnection.GroupsFrom: what the classes here are made from

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "classes": self.classes,
            "groups": self.groups,
            "groups_from": self.groups_from,
            "students": self.students,
            "employees": self.employees,
        }


def _message(status: int, school_id: str) -> str:
    if status == 401:
        return _(
            "Wonde didn't accept the token. Check that you copied the whole token from your "
            "Wonde dashboard, then paste it again below."
        )
    if status == 403:
        return _(
            "Wonde says this token can't see your school's data yet. Someone at your school "
            "needs to approve Streamwise's access in Wonde; once they have, press “Sync now”."
        )
    if status == 404:
        return _(
            "Wonde doesn't know a school with the id “%(id)s”. Check the school id in your Wonde "
            "dashboard and save it again."
        ) % {"id": school_id}
    if status >= 500:
        return _(
            "Wonde had a problem on its side (error %(status)s), so the sync stopped part way. "
            "Nothing was changed. We'll try again tonight, or press “Sync now” later."
        ) % {"status": status}
    return _(
        "Wonde answered with an error we didn't expect (%(status)s). Nothing was changed. "
        "Try “Sync now” later; if it keeps happening, contact us."
    ) % {"status": status}


def _slow_down_message() -> str:
    return _(
        "Wonde asked us to slow down and the sync couldn't finish. Nothing was changed. We'll "
        "try again tonight, or press “Sync now” in a few minutes."
    )


class Client:
    def __init__(self, *, token: str, school_id: str):
        self.token = token
        self.school_id = school_id
        self.base = f"{conf.wonde_api_url()}/schools/{urllib.parse.quote(school_id, safe='')}"

    def _ours(self, url: str) -> bool:
        """Whether url is on the configured API's scheme and host (a `next` link must be)."""
        there, here = urllib.parse.urlsplit(url), urllib.parse.urlsplit(self.base)
        return there.scheme in ("http", "https") and (there.scheme, there.netloc) == (
            here.scheme,
            here.netloc,
        )

    def _wait(self, seconds: float) -> None:
        pause(max(0.0, min(seconds, conf.wonde_max_wait_seconds())))

    def get(self, url: str) -> dict:
        """One page as JSON, trying again after a 429 (or a rate limit at 0) or a dropped line."""
        if not self._ours(url):  # never send the token anywhere but Wonde's API
            raise WondeError(_("Wonde sent an answer we couldn't read, so nothing was changed."))
        request = urllib.request.Request(  # noqa: S310 (an http(s) URL on the API's host: _ours)
            url,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        for attempt in range(RETRIES):
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                    body = response.read()
                    remaining = response.headers.get("X-RateLimit-Remaining")
                    retry_after = response.headers.get("Retry-After")
            except urllib.error.HTTPError as error:
                with error:
                    if error.code == 429 and attempt < RETRIES - 1:
                        self._wait(_seconds(error.headers.get("Retry-After"), default=5))
                        continue
                    logger.warning("Wonde answered %s for school %s", error.code, self.school_id)
                    if error.code == 429:
                        raise WondeError(_slow_down_message(), status=429) from None
                    raise WondeError(
                        _message(error.code, self.school_id), status=error.code
                    ) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
                if attempt < RETRIES - 1:
                    self._wait(2**attempt)
                    continue
                logger.warning(
                    "Wonde unreachable for school %s (%s)", self.school_id, type(error).__name__
                )
                raise WondeError(
                    _(
                        "We couldn't reach Wonde just now, so nothing was changed. We'll try "
                        "again tonight, or press “Sync now” later."
                    )
                ) from None
            if remaining is not None and remaining.strip() == "0":
                # The next request would be refused: wait for the window to reset first.
                self._wait(_seconds(retry_after, default=1))
            try:
                return json.loads(body)
            except ValueError:
                raise WondeError(
                    _("Wonde sent an answer we couldn't read, so nothing was changed.")
                ) from None
        raise WondeError(_slow_down_message(), status=429)  # pragma: no cover - loop returns

    def school(self) -> dict:
        data = self.get(self.base).get("data")
        if not isinstance(data, dict):
            raise WondeError(_("Wonde sent an answer we couldn't read, so nothing was changed."))
        return data

    def all(self, kind: str, on_page: Callable[[int], None] | None = None) -> list[dict]:
        """Every record of a list (classes, groups, students, employees), page after page."""
        query = urllib.parse.urlencode(
            {**FILTERS.get(kind, {}), "include": INCLUDES[kind], "per_page": PER_PAGE}
        )
        url: str | None = f"{self.base}/{kind}?{query}"
        records: list[dict] = []
        seen: set[str] = set()
        while url:
            page = self.get(url)
            rows = page.get("data")
            if not isinstance(rows, list):
                raise WondeError(
                    _("Wonde sent an answer we couldn't read, so nothing was changed.")
                )
            records.extend(row for row in rows if isinstance(row, dict))
            if on_page:
                on_page(len(records))
            pagination = (page.get("meta") or {}).get("pagination") or {}
            url = pagination.get("next") if pagination.get("more") else None
            if url in seen:  # a next page that points back: stop rather than loop for ever
                break
            if url:
                seen.add(url)
        return records


def _seconds(header: str | None, *, default: float) -> float:
    try:
        return float(header) if header is not None else default
    except ValueError:
        return default


def fetch_school(
    *,
    token: str,
    school_id: str,
    progress: Callable[[str], None] | None = None,
    groups_from: str = "classes",
) -> SchoolData:
    """Everything a sync needs from Wonde. Raises WondeError (nothing fetched is kept).

    `groups_from` ("classes", "registration" or "both") says which lists make the classes
    here: only those are fetched.
    """
    client = Client(token=token, school_id=school_id)
    school = client.school()
    lists = {"classes": [], "groups": []}
    labels = {
        "classes": _("Fetched %(count)s classes from Wonde…"),
        "groups": _("Fetched %(count)s registration groups from Wonde…"),
        "students": _("Fetched %(count)s pupils from Wonde…"),
        "employees": _("Fetched %(count)s staff from Wonde…"),
    }
    kinds = {
        "classes": ["classes"],
        "registration": ["groups"],
        "both": ["classes", "groups"],
    }[groups_from]
    for kind in (*kinds, "students", "employees"):

        def on_page(count, kind=kind):
            if progress:
                progress(labels[kind] % {"count": count})

        lists[kind] = client.all(kind, on_page)
    lists["groups"] = [
        group
        for group in lists["groups"]  # the type filter again, should Wonde ignore it
        if str(group.get("type") or "").upper() == FILTERS["groups"]["type"]
    ]
    return SchoolData(name=str(school.get("name") or ""), groups_from=groups_from, **lists)
