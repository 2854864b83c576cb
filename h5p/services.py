"""Workflows of the H5P app: installing libraries, storing content, recording xAPI statements.

Keyword-only and transactional. Files are written through Django's storage API (the storage
named by ``STREAMWISE_H5P_STORAGE``), never ``os.path``, so an S3 backend works unchanged. A
package is validated completely before its first file is written; files of a failed write are
removed, and files replaced by a new upload are removed once the change has committed.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _

from . import conf
from .builtin import max_score_for
from .models import H5PContent, H5PLibrary, XAPIStatement
from .signals import MAX_TEXT_ANSWER, result_recorded, text_answered
from .validation import (
    ContentPackage,
    LibraryFolder,
    LibraryLookup,
    PackageFile,
    member_chunks,
    open_package,
    validate_content_package,
    validate_library_package,
)
from .xapi import StatementError, statement_outcome

logger = logging.getLogger(__name__)

XAPI_TOKEN_SALT = "h5p.xapi"  # noqa: S105  (a signing namespace, not a secret)
MAX_CONTEXT_ID_LENGTH = 200
INSTALL_PERMISSION = "h5p.install_h5plibrary"


# --- Storage --------------------------------------------------------------------------------


def h5p_storage():
    return storages[conf.storage_alias()]


def _new_folder(*parts: str) -> str:
    return "/".join([conf.storage_prefix(), *parts, secrets.token_hex(6)])


def _write_files(file: IO[bytes], members: Iterable[PackageFile], folder: str) -> dict[str, str]:
    """Copy validated members into ``folder``; return {path in package: stored name}.

    On any failure the files already written are deleted before the error propagates.
    """
    storage = h5p_storage()
    stored: dict[str, str] = {}
    try:
        with open_package(file) as archive:
            for member in members:
                with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as buffer:
                    for chunk in member_chunks(archive, member):
                        buffer.write(chunk)
                    buffer.seek(0)
                    stored[member.path] = storage.save(f"{folder}/{member.path}", File(buffer))
    except BaseException:
        delete_stored_files(stored.values())
        raise
    return stored


def delete_stored_files(names: Iterable[str]) -> None:
    storage = h5p_storage()
    for name in list(names):
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the stored H5P file %s", name)


def _delete_on_commit(names: Iterable[str]) -> None:
    names = list(names)
    transaction.on_commit(lambda: delete_stored_files(names))


# --- Libraries ------------------------------------------------------------------------------


def library_lookup() -> LibraryLookup:
    """A lookup of installed libraries (by major.minor) for package validation."""
    installed = {library.ref: library for library in H5PLibrary.objects.all()}
    return installed.get


@dataclass
class LibraryInstallReport:
    installed: list[H5PLibrary] = field(default_factory=list)
    unchanged: list[H5PLibrary] = field(default_factory=list)
    newer_kept: list[H5PLibrary] = field(default_factory=list)


def library_install(*, file: IO[bytes], user=None) -> LibraryInstallReport:
    """Install (or update) the libraries in a package: trusted code, so a privileged act.

    ``user`` is None for the management command; a user must hold the *install* permission.
    A library already installed with a higher patch is kept; the same patch is replaced only if
    its files changed. Every dependency must be installed already or be in the same package.
    """
    if user is not None and not user.has_perm(INSTALL_PERMISSION):
        raise PermissionDenied(_("You may not install H5P libraries."))
    package = validate_library_package(file)
    in_package = {library.ref for library in package.libraries}
    lookup = library_lookup()
    missing = sorted(
        {
            dependency
            for library in package.libraries
            for dependency in library.dependencies
            if dependency not in in_package and lookup(dependency) is None
        }
    )
    if missing:
        raise ValidationError(
            _("These libraries need others that are not installed: %(libraries)s."),
            code="missing_libraries",
            params={"libraries": ", ".join(str(ref) for ref in missing)},
        )
    report = LibraryInstallReport()
    written: list[str] = []
    try:
        with transaction.atomic():
            for library in package.libraries:
                _install_one(library, file=file, user=user, report=report, written=written)
    except BaseException:
        delete_stored_files(written)
        raise
    return report


def _install_one(library: LibraryFolder, *, file, user, report, written: list[str]) -> None:
    ref = library.ref
    existing = (
        H5PLibrary.objects.select_for_update()
        .filter(machine_name=ref.machine_name, major_version=ref.major, minor_version=ref.minor)
        .first()
    )
    if existing is not None:
        if existing.patch_version > library.patch:
            report.newer_kept.append(existing)
            return
        if existing.patch_version == library.patch and existing.checksum == library.checksum:
            report.unchanged.append(existing)
            return
    folder = _new_folder("libraries", ref.folder_name)
    stored = _write_files(file, library.files, folder)
    written.extend(stored.values())
    if existing is not None:
        _delete_on_commit(existing.files.values())
    target = existing or H5PLibrary(
        machine_name=ref.machine_name, major_version=ref.major, minor_version=ref.minor
    )
    target.patch_version = library.patch
    target.title = library.title
    target.runnable = library.runnable
    target.metadata = library.metadata
    target.storage_path = folder
    target.files = stored
    target.checksum = library.checksum
    target.installed_by = user
    target.save()
    report.installed.append(target)


def library_delete(*, library: H5PLibrary) -> None:
    """Uninstall a library that nothing uses; its files go once that commits."""
    users = [str(content) for content in library.contents.all()[:3]]
    users += [str(content) for content in library.dependent_contents.all()[:3]]
    ref = {"machineName": library.machine_name, "majorVersion": library.major_version}
    dependents = [
        str(other)
        for other in H5PLibrary.objects.exclude(pk=library.pk)
        if any(
            isinstance(item, dict)
            and {key: item.get(key) for key in ref} == ref
            and item.get("minorVersion") == library.minor_version
            for item in other.metadata.get("preloadedDependencies", [])
        )
    ]
    if users or dependents:
        raise ValidationError(
            _("%(library)s is still used by: %(users)s."),
            code="library_in_use",
            params={"library": str(library), "users": ", ".join(sorted(set(users + dependents)))},
        )
    with transaction.atomic():
        _delete_on_commit(library.files.values())
        library.delete()


# --- Content --------------------------------------------------------------------------------


def content_validate(*, file: IO[bytes]) -> ContentPackage:
    """Validate an uploaded content package against the libraries installed now."""
    return validate_content_package(file, library_lookup=library_lookup())


def content_store(
    *, content: H5PContent, package: ContentPackage, file: IO[bytes], user=None
) -> H5PContent:
    """Store a validated package's files and point ``content`` (new or existing) at them.

    The title defaults to the package's; the maximum score of Streamwise's own types is worked
    out from content.json. The files of a replaced package are deleted after the commit.
    """
    lookup = library_lookup()
    wanted = [package.main_library, *package.dependencies, *package.sub_libraries]
    libraries = {ref: lookup(ref) for ref in wanted}
    if None in libraries.values():
        # A library was removed between validation and now.
        raise ValidationError(_("A library this package needs is no longer installed."))
    folder = _new_folder("content", str(content.key))
    stored = _write_files(file, package.files, folder)
    previous = list(content.files.values()) if content.pk else []
    try:
        with transaction.atomic():
            main = libraries[package.main_library]
            content.main_library = main
            content.title = content.title or package.title
            content.h5p_json = package.h5p_json
            content.content_json = package.content_json
            content.storage_path = folder
            content.files = stored
            content.package_sha256 = package.sha256
            computed = max_score_for(main.machine_name, package.content_json)
            if computed is not None:
                content.max_score = computed
            if user is not None:
                content.uploaded_by = user
            content.save()
            content.dependencies.set({library.pk for library in libraries.values()})
            _delete_on_commit(previous)
    except BaseException:
        delete_stored_files(stored.values())
        raise
    return content


def content_create(
    *,
    file: IO[bytes],
    user=None,
    title: str = "",
    slug: str | None = None,
    max_score: int | None = None,
) -> H5PContent:
    """Validate an uploaded package and create an activity from it."""
    package = content_validate(file=file)
    content = H5PContent(title=title, slug=slug or None, max_score=max_score)
    return content_store(content=content, package=package, file=file, user=user)


def content_delete(*, content: H5PContent) -> None:
    """Delete an activity (and its recorded statements); its files go once that commits."""
    with transaction.atomic():
        _delete_on_commit(content.files.values())
        content.delete()


# --- xAPI -----------------------------------------------------------------------------------


def xapi_token_create(*, content: H5PContent, user=None, context_id: str = "") -> str:
    """A signed token a rendered activity posts its statements with.

    It binds the statements to this activity, to the context the embedding page chose (for
    example a lesson step) and to the user the page was rendered for.
    """
    if len(context_id) > MAX_CONTEXT_ID_LENGTH:
        raise ValueError("context_id is too long")
    user_id = user.pk if user is not None and user.is_authenticated else None
    payload = {"c": str(content.key), "x": context_id, "u": user_id}
    return signing.dumps(payload, salt=XAPI_TOKEN_SALT, compress=True)


def xapi_token_read(*, token: str, user) -> tuple[H5PContent, str]:
    """The activity and context a token was made for, if it is valid for this user."""
    try:
        payload = signing.loads(token, salt=XAPI_TOKEN_SALT, max_age=conf.xapi_token_max_age())
    except signing.SignatureExpired:
        raise StatementError(
            _("This activity has been open too long; reload the page."), status=403
        ) from None
    except (signing.BadSignature, TypeError, ValueError):
        raise StatementError(_("This activity's token is not valid."), status=403) from None
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        raise StatementError(_("This activity was shown to someone else."), status=403)
    content = H5PContent.objects.filter(key=payload.get("c")).first()
    if content is None:
        raise StatementError(_("This activity no longer exists."), status=404)
    return content, str(payload.get("x") or "")


def statement_record(
    *, user, content: H5PContent, statement: object, context_id: str = ""
) -> XAPIStatement:
    """Check, clamp and store one xAPI statement; tell listeners about top-level results.

    Raises StatementError for a statement the site does not accept (nothing is stored then).
    """
    outcome = statement_outcome(
        statement, known_max=content.max_score, allowed_verbs=conf.xapi_verbs()
    )
    # The actor is whatever the browser claimed; the session says who this is.
    kept = {key: value for key, value in statement.items() if key != "actor"}
    with transaction.atomic():
        record = XAPIStatement.objects.create(
            user=user,
            content=content,
            verb=outcome.verb,
            raw=outcome.raw,
            max=outcome.max,
            scaled=outcome.scaled,
            completed=outcome.completed,
            passed=outcome.passed,
            clamped=outcome.clamped,
            top_level=outcome.top_level,
            context_id=context_id[:MAX_CONTEXT_ID_LENGTH],
            activity_id=outcome.activity_id,
            statement=kept,
        )
        if outcome.top_level:
            result_recorded.send(
                sender=XAPIStatement,
                user=user,
                content=content,
                statement=record,
                verb=outcome.verb,
                raw=outcome.raw,
                max=outcome.max,
                scaled=outcome.scaled,
                completed=outcome.completed,
                passed=outcome.passed,
                clamped=outcome.clamped,
                context_id=record.context_id,
            )
        text = typed_response(kept)
        if text:
            text_answered.send(
                sender=XAPIStatement,
                user=user,
                content=content,
                statement=record,
                text=text,
                context_id=record.context_id,
            )
    return record


def typed_response(statement: object) -> str:
    """The words a person typed in a statement's ``result.response``, or "" if there are none.

    H5P joins the blanks of a fill-in answer with "[,]"; choice, matching and ordering answers
    are ids and numbers only, so a response without a letter is not text.
    """
    result = statement.get("result") if isinstance(statement, dict) else None
    response = result.get("response") if isinstance(result, dict) else None
    if not isinstance(response, str):
        return ""
    text = response.replace("[,]", ", ").replace("[.]", " ").strip()
    if not any(character.isalpha() for character in text):
        return ""
    return text[:MAX_TEXT_ANSWER]
