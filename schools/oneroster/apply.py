"""Keeping an uploaded OneRoster zip between preview and apply, and applying it all at once.

The zip is kept in the database (RosterUpload), bound to the school and the person who
uploaded it, under a random key; it is never served. Applying reads it again, plans again
against the school as it is then, and makes every change in one transaction: if anything
fails, nothing is changed. Applying locks the upload row and marks it applied, so a double
submit applies once.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from schools.models import AgeBand, MisLink, Pupil, RosterUpload, School, TeachingGroup
from schools.services import (
    NewPupil,
    generate_picture_password,
    pupil_archive,
    pupil_restore,
    pupils_bulk_create,
    teaching_group_archive,
    teaching_group_create,
    teaching_group_restore,
)

from .reader import read_bundle
from .sync import SOURCE, SyncPlan, plan_sync

# Uploads nobody applied are dropped after this long.
KEEP_UNAPPLIED = timedelta(days=1)


class UploadGone(Exception):
    """No such upload for this person and school, or it is too old: upload the file again."""


class AlreadyApplied(Exception):
    """The upload was applied already (say, the button was pressed twice)."""


def preview_minutes() -> int:
    from django.conf import settings

    return getattr(settings, "STREAMWISE_ROSTER_PREVIEW_MINUTES", 60)


def upload_keep(*, school: School, user, filename: str, data: bytes) -> RosterUpload:
    """Keep an uploaded zip (already read without errors) until it is applied."""
    RosterUpload.objects.filter(
        applied_at__isnull=True, created_at__lt=timezone.now() - KEEP_UNAPPLIED
    ).delete()
    return RosterUpload.objects.create(
        key=secrets.token_urlsafe(32),
        school=school,
        uploaded_by=user,
        filename=filename[:255],
        data=data,
    )


# What secrets.token_urlsafe(32) makes: 43 characters of the URL-safe alphabet.
UPLOAD_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")


def upload_get(*, school: School, user, key: str) -> RosterUpload:
    if not UPLOAD_KEY.fullmatch(key or ""):  # a made-up key (even with a NUL byte) is just gone
        raise UploadGone
    upload = (
        RosterUpload.objects.filter(school=school, uploaded_by=user, key=key).defer("data").first()
    )
    if upload is None:
        raise UploadGone
    if upload.applied_at is not None:
        raise AlreadyApplied
    if upload.created_at < timezone.now() - timedelta(minutes=preview_minutes()):
        raise UploadGone
    return upload


@dataclass
class ApplyResult:
    plan: SyncPlan
    created: list = field(default_factory=list)  # Pupil
    groups: list = field(default_factory=list)  # classes that gained new pupils


def _set_year_group(pupil: Pupil, year_group: int) -> None:
    """A new year group; moving into an age band that logs in differently needs a new secret.

    4–10s get a new picture password now; 11+ get a password when their login cards are
    printed (as a roster import does), since a password is only shown when it is made.
    """
    changes_band = AgeBand.for_year_group(pupil.year_group) != AgeBand.for_year_group(year_group)
    pupil.year_group = year_group
    if changes_band:
        if pupil.uses_picture_password:
            pupil.picture_password = generate_picture_password()
            pupil.password_hash = ""
        else:
            pupil.picture_password = ""
            pupil.password_hash = ""
        pupil.failed_logins = 0
        pupil.locked_until = None


def plan_apply(*, school: School, plan: SyncPlan, source: str = SOURCE) -> ApplyResult:
    """Make the changes of a plan. Call it inside a transaction (it makes many writes, all of
    which must stand or fall together); used by the OneRoster upload and the Wonde sync."""
    result = ApplyResult(plan=plan)
    groups: dict[str, TeachingGroup] = {}
    for cplan in plan.classes:
        if cplan.kind == "closing":
            teaching_group_archive(group=cplan.group)
            continue
        group = cplan.group
        if cplan.kind == "new":
            group = teaching_group_create(
                school=school, name=cplan.title, year_group=cplan.year_group
            )
        elif cplan.kind == "reopening":
            teaching_group_restore(group=group)
        elif cplan.kind == "rename":
            group.name = cplan.title
            group.save(update_fields=["name"])
        if cplan.kind in ("new", "link"):
            MisLink.objects.create(
                school=school, source=source, sourced_id=cplan.sourced_id, teaching_group=group
            )
        groups[cplan.sourced_id] = group
    for cplan, user, add in plan.teacher_changes():
        group = groups[cplan.sourced_id]
        if add:
            group.teachers.add(user)
        else:
            group.teachers.remove(user)

    linked_group_ids = set(
        MisLink.objects.filter(school=school, teaching_group__isnull=False).values_list(
            "teaching_group_id", flat=True
        )
    )
    new = plan.pupils_of("new")
    created = pupils_bulk_create(
        school=school,
        pupils=[
            NewPupil(
                display_name=p.name,
                year_group=p.year_group,
                teaching_group=groups[p.class_ids[0]],
            )
            for p in new
        ],
    )
    Membership = Pupil.teaching_groups.through
    Membership.objects.bulk_create(
        Membership(pupil_id=pupil.pk, teachinggroup_id=groups[class_id].pk)
        for pupil, p in zip(created, new, strict=True)
        for class_id in p.class_ids[1:]
    )
    MisLink.objects.bulk_create(
        MisLink(
            school=school,
            source=source,
            sourced_id=p.sourced_id,
            pupil=pupil,
            identifier=p.identifier,
        )
        for pupil, p in zip(created, new, strict=True)
    )
    result.created = created
    result.groups = sorted(
        {groups[p.class_ids[0]] for p in new}, key=lambda g: (g.year_group, g.name)
    )

    for p in plan.pupils:
        if p.kind == "leaving":
            pupil_archive(pupil=p.pupil)
        elif p.kind in ("moved", "returning", "unchanged") and (p.kind != "unchanged" or p.link):
            pupil = Pupil.objects.select_for_update().get(pk=p.pupil.pk)
            if p.kind == "returning":
                pupil_restore(pupil=pupil)
            pupil.display_name = p.name
            _set_year_group(pupil, p.year_group)
            pupil.save()
            target = {groups[c].pk for c in p.class_ids}
            current = set(
                pupil.teaching_groups.filter(pk__in=linked_group_ids).values_list("pk", flat=True)
            )
            pupil.teaching_groups.remove(*(current - target))
            pupil.teaching_groups.add(*(target - current))
            if p.link:
                MisLink.objects.create(
                    school=school,
                    source=source,
                    sourced_id=p.sourced_id,
                    pupil=pupil,
                    identifier=p.identifier,
                )
    _identifiers_keep(school=school, plan=plan, source=source)
    return result


def _identifiers_keep(*, school: School, plan: SyncPlan, source: str) -> None:
    """Keep each linked pupil's MIS identifier up to date (one read, a write per change)."""
    given = {p.sourced_id: p.identifier for p in plan.pupils if p.kind != "leaving"}
    kept = MisLink.objects.filter(
        school=school, source=source, pupil__isnull=False, sourced_id__in=list(given)
    ).values_list("pk", "sourced_id", "identifier")
    for pk, sourced_id, identifier in kept:
        if given[sourced_id] != identifier:
            MisLink.objects.filter(pk=pk).update(identifier=given[sourced_id])


def upload_apply(*, school: School, user, key: str) -> ApplyResult:
    """Apply a kept upload, all or nothing. Raises UploadGone, AlreadyApplied, or
    OneRosterFileError (if the school changed so that the file can no longer be used)."""
    upload = upload_get(school=school, user=user, key=key)
    with transaction.atomic():
        upload = RosterUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.applied_at is not None:
            raise AlreadyApplied
        plan = plan_sync(school=school, bundle=read_bundle(bytes(upload.data)))
        result = plan_apply(school=school, plan=plan)
        upload.applied_at = timezone.now()
        upload.data = b""
        upload.summary = {**plan.counts, "problems": len(plan.problems)}
        upload.save(update_fields=["applied_at", "data", "summary"])
    return result


def upload_plan(*, upload: RosterUpload) -> SyncPlan:
    data = RosterUpload.objects.filter(pk=upload.pk).values_list("data", flat=True).get()
    return plan_sync(school=upload.school, bundle=read_bundle(bytes(data)))
