"""Per-school safeguarding settings: concern categories and screening phrases."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import School

from ..models import (
    DEFAULT_CATEGORIES,
    ESCALATION_REPEAT_MAX_MINUTES,
    ESCALATION_REPEAT_MIN_MINUTES,
    ConcernCategory,
    SchoolSafeguardingSettings,
    ScreeningPhraseList,
)
from .common import (
    _require_lead,
)

# --- Per-school settings ------------------------------------------------------------------------


@transaction.atomic
def concern_categories_ensure(*, school: School):
    """The school's active concern categories, creating the default list the first time."""
    if not ConcernCategory.objects.filter(school=school).exists():
        for position, name in enumerate(DEFAULT_CATEGORIES):
            ConcernCategory.objects.get_or_create(
                school=school, name=str(name), defaults={"position": position}
            )
    return ConcernCategory.objects.filter(school=school).active()


@transaction.atomic
def concern_categories_set(*, school: School, names: Sequence[str], user) -> None:
    """Set a school's categories, in order. Categories left out are archived, never deleted,
    so concerns filed under them keep them."""
    _require_lead(user, school)
    cleaned: list[str] = []
    for raw in names:
        name = " ".join(raw.split())
        if not name or name.casefold() in {n.casefold() for n in cleaned}:
            continue
        if len(name) > 100:
            raise ValidationError(
                {"categories": _("A category name can be at most 100 characters.")}
            )
        cleaned.append(name)
    if not cleaned:
        raise ValidationError({"categories": _("Keep at least one category.")})
    concern_categories_ensure(school=school)
    existing = {
        category.name.casefold(): category
        for category in ConcernCategory.objects.select_for_update().filter(school=school)
    }
    keep = set()
    for position, name in enumerate(cleaned):
        category = existing.get(name.casefold())
        if category is None:
            category = ConcernCategory.objects.create(school=school, name=name, position=position)
        else:
            category.name, category.position, category.archived_at = name, position, None
            category.save(update_fields=["name", "position", "archived_at"])
        keep.add(category.pk)
    ConcernCategory.objects.filter(school=school, archived_at__isnull=True).exclude(
        pk__in=keep
    ).update(archived_at=timezone.now())


@transaction.atomic
def screening_phrases_set(*, school: School, phrases: Sequence[str], user) -> ScreeningPhraseList:
    """Replace the phrases the school's quiz free text is screened for."""
    _require_lead(user, school)
    cleaned: list[str] = []
    for raw in phrases:
        phrase = " ".join(raw.split())
        if phrase and phrase.casefold() not in {p.casefold() for p in cleaned}:
            if len(phrase) > 200:
                raise ValidationError({"phrases": _("A phrase can be at most 200 characters.")})
            cleaned.append(phrase)
    phrase_list, _created = ScreeningPhraseList.objects.update_or_create(
        school=school, defaults={"phrases": "\n".join(cleaned), "updated_by": user}
    )
    return phrase_list


# Notify: how escalation repeats, and the head teacher it reaches.


@transaction.atomic
def school_safeguarding_settings_set(
    *, school: School, user, escalation_repeat_minutes: int, head_teacher=None
) -> SchoolSafeguardingSettings:
    """Set how often an unacknowledged concern or unreviewed flag escalates again, and which
    member of staff (if any) is emailed as head teacher when it does."""
    _require_lead(user, school)
    errors = {}
    if not (
        ESCALATION_REPEAT_MIN_MINUTES <= escalation_repeat_minutes <= ESCALATION_REPEAT_MAX_MINUTES
    ):
        errors["escalation_repeat_minutes"] = _("Choose between %(low)s and %(high)s minutes.") % {
            "low": ESCALATION_REPEAT_MIN_MINUTES,
            "high": ESCALATION_REPEAT_MAX_MINUTES,
        }
    if head_teacher is not None and not school_staff(school).filter(pk=head_teacher.pk).exists():
        errors["head_teacher"] = _("Choose a member of staff of this school.")
    if errors:
        raise ValidationError(errors)
    settings, _created = SchoolSafeguardingSettings.objects.update_or_create(
        school=school,
        defaults={
            "escalation_repeat_minutes": escalation_repeat_minutes,
            "head_teacher": head_teacher,
            "updated_by": user,
        },
    )
    return settings


def school_staff(school: School):
    """The school's active staff, for choosing a head teacher."""
    return (
        get_user_model()
        .objects.filter(is_active=True, staff_memberships__school=school)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )
