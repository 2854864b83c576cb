"""Work a trust sets for a year group in all its schools at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lessons.models import ModulePage
from lessons.services import assignment_create
from schools.models import AgeBand, TeachingGroup, Trust

from .models import TrustAssignment


@dataclass(frozen=True)
class TrustAssignmentResult:
    trust_assignment: TrustAssignment
    classes: int
    schools: int


@transaction.atomic
def trust_assignment_create(
    *,
    trust: Trust,
    module: ModulePage,
    year_group: int,
    opens_on: date,
    due_on: date,
    created_by,
) -> TrustAssignmentResult:
    """Set a module for every active class of a year group in every school of the trust.

    All in one transaction: each class gets an ordinary assignment (through
    `lessons.services.assignment_create`, with its checks), or none does. Raises
    ValidationError when the module is not for the year group's age band, the dates are the
    wrong way round, or no school of the trust has a class in that year group.
    """
    if module.age_band != AgeBand.for_year_group(year_group).value:
        raise ValidationError(
            _("That module is for another age band: choose one for this year group.")
        )
    groups = list(
        TeachingGroup.objects.active()
        .filter(school__trust=trust, year_group=year_group)
        .order_by("school_id", "name")
    )
    if not groups:
        raise ValidationError(_("No school in the trust has a class in that year group yet."))
    record = TrustAssignment.objects.create(
        trust=trust,
        module=module,
        year_group=year_group,
        opens_on=opens_on,
        due_on=due_on,
        created_by=created_by,
    )
    made = [
        assignment_create(
            group=group, module=module, opens_on=opens_on, due_on=due_on, created_by=created_by
        )
        for group in groups
    ]
    record.assignments.set(made)
    return TrustAssignmentResult(
        trust_assignment=record, classes=len(made), schools=len({g.school_id for g in groups})
    )
