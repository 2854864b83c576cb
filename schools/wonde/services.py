"""Connecting a school to Wonde, and running, checking and applying its syncs.

- `connection_save` keeps the token (encrypted) and school id and queues the first sync.
- `sync_request` queues a sync ("Sync now", the nightly task); one at a time per school.
- `sync_run` (on the task worker) fetches everything from Wonde first. A school whose first sync
  has not been applied yet gets a preview to check; otherwise the plan is applied in one
  transaction. Either way the sync row says what happened, for the change log.
- `preview_apply` applies a checked preview (planned again against the school as it is now),
  marks the connection approved and schedules the nightly syncs.

Anything that fails leaves the school as it was (fetching writes nothing; applying is one
transaction) and a kind message on the sync row. Nothing here logs a token or pupil data.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools import conf
from schools.models import MisLink, School, WondeConnection, WondeSync
from schools.oneroster.apply import ApplyResult, plan_apply
from schools.oneroster.reader import OneRosterFileError
from schools.oneroster.sync import SyncPlan

from .client import WondeError, fetch_school
from .matching import handover, plan_wonde
from .roster import bundle_from
from .secret import TokenUnreadable, token_decrypt, token_encrypt, token_hint

logger = logging.getLogger("streamwise.wonde")

SOURCE = MisLink.SOURCE_WONDE
# A sync still "running" after this long lost its worker: another may start.
STALE_AFTER = timedelta(hours=1)
# A first sync's preview can be applied for this long; then it is fetched afresh.
PREVIEW_KEEP = timedelta(days=1)

Status = WondeSync.Status
Trigger = WondeSync.Trigger


class PreviewGone(Exception):
    """No preview waiting with that id for this school (or it is too old): sync again."""


class AlreadyApplied(Exception):
    """The preview was applied already (the button pressed twice)."""


def _clash_message() -> str:
    return _(
        "Some names from Wonde clash with pupils or classes already in Streamwise, so nothing "
        "was changed. Press “Sync now” to see the clash in the list of problems, or rename one "
        "of them."
    )


def connection_save(*, school: School, user, token: str, wonde_school_id: str) -> WondeSync:
    """Keep the school's Wonde token and id, and queue a sync to check them.

    A new Wonde school id starts again with a preview; a new token for the same school keeps
    the nightly syncs going.
    """
    token, wonde_school_id = token.strip(), wonde_school_id.strip()
    with transaction.atomic():
        connection = WondeConnection.objects.select_for_update().filter(school=school).first()
        if connection is None:
            connection = WondeConnection(school=school, created_by=user)
        elif connection.wonde_school_id != wonde_school_id:
            connection.approved_at = None
            connection.schedule_key = ""
            connection.next_sync_at = None
        connection.wonde_school_id = wonde_school_id
        connection.token_encrypted = token_encrypt(token)
        connection.token_hint = token_hint(token)
        connection.save()
        return sync_request(school=school, user=user)


def connection_remove(*, school: School) -> None:
    """Forget the token and stop the nightly syncs. Pupils, classes and their MIS links stay,
    so connecting again matches the same people; the change log stays too."""
    with transaction.atomic():
        WondeConnection.objects.filter(school=school).delete()
        WondeSync.objects.filter(school=school, status__in=[Status.QUEUED, Status.PREVIEW]).update(
            status=Status.SUPERSEDED, data={}, finished_at=timezone.now()
        )


def sync_request(*, school: School, user=None, trigger: str | None = None) -> WondeSync:
    """Queue a sync of the school (a preview while the first sync isn't applied).

    If a sync is already queued or running, that one is returned and nothing more is queued.
    """
    from .tasks import wonde_sync_run

    with transaction.atomic():
        connection = WondeConnection.objects.select_for_update().get(school=school)
        busy = WondeSync.objects.filter(
            school=school,
            status__in=[Status.QUEUED, Status.RUNNING],
            created_at__gte=timezone.now() - STALE_AFTER,
        ).first()
        if busy is not None:
            return busy
        WondeSync.objects.filter(school=school, status=Status.PREVIEW).update(
            status=Status.SUPERSEDED, data={}
        )
        # Previews nobody applied (any school's) don't keep pupils' names for longer than needed.
        WondeSync.objects.filter(
            status=Status.PREVIEW, created_at__lt=timezone.now() - PREVIEW_KEEP
        ).update(status=Status.SUPERSEDED, data={})
        if trigger is None:
            trigger = Trigger.FIRST if connection.approved_at is None else Trigger.MANUAL
        sync = WondeSync.objects.create(school=school, trigger=trigger, requested_by=user)
        wonde_sync_run.enqueue(sync_id=sync.pk)
    return sync


def _summary(plan: SyncPlan) -> dict:
    return {
        **plan.counts,
        "problems": len(plan.problems),
        "classes_new": len(plan.classes_of("new")),
        "classes_closing": len(plan.classes_of("closing")),
        "to_confirm": len(plan.to_confirm),
    }


def _plan(
    *, connection: WondeConnection, data: dict, confirming: bool = False, confirmed=()
) -> SyncPlan:
    """The plan for fetched data. `confirming`: a preview, where pupils matched by name and
    class wait for the admin (schools.wonde.matching); `confirmed` are the ones they ticked."""
    bundle = bundle_from(school_id=connection.wonde_school_id, data=data)
    return plan_wonde(
        school=connection.school, bundle=bundle, confirming=confirming, confirmed=confirmed
    )


def _apply(*, school: School, plan: SyncPlan) -> ApplyResult:
    """Hand pupils and classes over from OneRoster, then apply (inside a transaction)."""
    handover(school=school, plan=plan)
    return plan_apply(school=school, plan=plan, source=SOURCE)


def groups_from_save(*, school: School, user, groups_from: str) -> WondeSync | None:
    """Choose where the classes here come from in Wonde (classes, registration groups, both).

    A change means different classes, so the next sync is a preview again (the nightly syncs
    wait until it is applied). Returns the sync queued, or None if nothing changed.
    """
    with transaction.atomic():
        connection = WondeConnection.objects.select_for_update().get(school=school)
        if connection.groups_from == groups_from:
            return None
        connection.groups_from = groups_from
        connection.approved_at = None
        connection.schedule_key = ""
        connection.next_sync_at = None
        connection.save(
            update_fields=["groups_from", "approved_at", "schedule_key", "next_sync_at"]
        )
        return sync_request(school=school, user=user, trigger=Trigger.FIRST)


def _finish(sync_id: int, **fields) -> None:
    WondeSync.objects.filter(pk=sync_id).update(finished_at=timezone.now(), progress="", **fields)


def _fail(sync_id: int, message: str) -> str:
    _finish(sync_id, status=Status.FAILED, message=message, data={})
    logger.info("Wonde sync %s failed", sync_id)
    return "failed"


def sync_run(*, sync_id: int) -> str:
    """Run a queued sync: "preview", "applied", "failed" or "skipped" (not queued any more)."""
    started = WondeSync.objects.filter(pk=sync_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), progress=_("Connecting to Wonde…")
    )
    if not started:
        return "skipped"
    sync = WondeSync.objects.get(pk=sync_id)
    try:
        return _run(sync)
    except Exception as error:  # a fault of ours: say so, never leave the page spinning
        logger.error("Wonde sync %s stopped: %s", sync_id, type(error).__name__)
        _fail(
            sync_id,
            _(
                "Something went wrong on our side and the sync stopped. Nothing was changed. "
                "Try “Sync now” later; if it keeps happening, contact us."
            ),
        )
        raise


def _run(sync: WondeSync) -> str:
    connection = (
        WondeConnection.objects.select_related("school").filter(school_id=sync.school_id).first()
    )
    if connection is None:
        return _fail(sync.pk, _("Wonde was disconnected before the sync started."))
    try:
        token = token_decrypt(connection.token_encrypted)
    except TokenUnreadable:
        return _fail(
            sync.pk,
            _(
                "We can no longer read the saved Wonde token (the site's keys have changed). "
                "Nothing was changed: please paste the token again."
            ),
        )

    def progress(text: str) -> None:
        WondeSync.objects.filter(pk=sync.pk).update(progress=text)

    try:
        data = fetch_school(
            token=token,
            school_id=connection.wonde_school_id,
            progress=progress,
            groups_from=connection.groups_from,
        ).as_json()
    except WondeError as error:
        return _fail(sync.pk, str(error))

    if connection.approved_at is None:
        try:
            plan = _plan(connection=connection, data=data, confirming=True)
        except OneRosterFileError as error:
            return _fail(sync.pk, str(error))
        _finish(sync.pk, status=Status.PREVIEW, data=data, summary=_summary(plan))
        return "preview"
    try:
        with transaction.atomic():
            if not WondeConnection.objects.select_for_update().filter(pk=connection.pk).exists():
                return _fail(sync.pk, _("Wonde was disconnected before the sync finished."))
            plan = _plan(connection=connection, data=data)
            _apply(school=connection.school, plan=plan)
            _finish(sync.pk, status=Status.APPLIED, summary=_summary(plan))
    except OneRosterFileError as error:
        return _fail(sync.pk, str(error) + " " + _("Nothing was changed."))
    except IntegrityError:
        return _fail(sync.pk, _clash_message())
    return "applied"


def preview_get(*, school: School, sync_id: int) -> WondeSync:
    sync = WondeSync.objects.filter(pk=sync_id, school=school).first()
    if sync is None:
        raise PreviewGone
    if sync.status == Status.APPLIED:
        raise AlreadyApplied
    if sync.status != Status.PREVIEW or sync.created_at < timezone.now() - PREVIEW_KEEP:
        raise PreviewGone
    return sync


def preview_plan(*, sync: WondeSync) -> SyncPlan:
    connection = WondeConnection.objects.select_related("school").get(school_id=sync.school_id)
    return _plan(connection=connection, data=sync.data, confirming=True)


def preview_apply(*, school: School, sync_id: int, confirmed=()) -> ApplyResult:
    """Apply a checked preview, all or nothing, and switch the nightly syncs on.

    `confirmed` are the Wonde ids of the pupils the admin confirmed are pupils already here
    (matched by name and class); the others offered for confirming are left out.

    Raises PreviewGone, AlreadyApplied, OneRosterFileError (the school changed so that the
    data can't be used now) or IntegrityError (a name clash; nothing changed).
    """
    preview_get(school=school, sync_id=sync_id)
    with transaction.atomic():
        sync = WondeSync.objects.select_for_update().get(pk=sync_id)
        if sync.status == Status.APPLIED:
            raise AlreadyApplied
        if sync.status != Status.PREVIEW:
            raise PreviewGone
        connection = (
            WondeConnection.objects.select_for_update()
            .select_related("school")
            .filter(school=school)
            .first()
        )
        if connection is None:
            raise PreviewGone
        plan = _plan(connection=connection, data=sync.data, confirming=True, confirmed=confirmed)
        result = _apply(school=school, plan=plan)
        sync.status = Status.APPLIED
        sync.data = {}
        sync.summary = _summary(plan)
        sync.finished_at = timezone.now()
        sync.save(update_fields=["status", "data", "summary", "finished_at"])
        if connection.approved_at is None:
            connection.approved_at = timezone.now()
        nightly_schedule(connection=connection)
    return result


def next_night(*, connection: WondeConnection, now: datetime | None = None) -> datetime:
    """The next nightly sync time: the sync hour, spread over the hour by connection."""
    local = timezone.localtime(now or timezone.now())
    due = local.replace(hour=conf.wonde_sync_hour(), minute=connection.pk % 60, second=0)
    due = due.replace(microsecond=0)
    return due if due > local else due + timedelta(days=1)


def nightly_schedule(*, connection: WondeConnection) -> None:
    """Schedule the connection's next nightly sync (replacing any scheduled before)."""
    from .tasks import wonde_nightly

    connection.schedule_key = secrets.token_urlsafe(24)
    connection.next_sync_at = next_night(connection=connection)
    connection.save(update_fields=["approved_at", "schedule_key", "next_sync_at"])
    wonde_nightly.using(run_after=connection.next_sync_at).enqueue(
        connection_id=connection.pk, key=connection.schedule_key
    )


def nightly_ensure(*, school: School) -> None:
    """Schedule the nightly sync again if its task was lost (its time passed over an hour ago
    with no sync since): a chain that broke mends itself when the admin opens the page."""
    overdue = timezone.now() - timedelta(hours=1)
    with transaction.atomic():
        connection = (
            WondeConnection.objects.select_for_update()
            .filter(school=school, approved_at__isnull=False, next_sync_at__lt=overdue)
            .first()
        )
        if connection is not None:
            nightly_schedule(connection=connection)


def nightly_run(*, connection_id: int, key: str) -> str:
    """Tonight's sync: "queued", or "skipped" for a task the connection no longer expects."""
    with transaction.atomic():
        connection = (
            WondeConnection.objects.select_for_update()
            .select_related("school")
            .filter(pk=connection_id, schedule_key=key, approved_at__isnull=False)
            .first()
        )
        if connection is None:
            return "skipped"
        nightly_schedule(connection=connection)
        sync_request(school=connection.school, trigger=Trigger.NIGHTLY)
    return "queued"
