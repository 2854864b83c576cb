"""Learning gains in the portal: the module check before and after, for a class or the school.

A teacher sees their own classes (through `TeachingGroup.objects.visible_to`), a school admin
every class and the whole school; the numbers come from `quizzes.gains.check_gains` over the
pupils the user may see, so another school's pupils never count. Each page has the same
numbers as a chart (server-drawn SVG), an accessible table and a CSV download.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from lessons.models import AGE_BAND_ORDER
from quizzes.gains import CheckGains, check_gains
from quizzes.models import Quiz
from schools.models import Pupil, TeachingGroup
from schools.permissions import teacher_required

from .exports import Table, csv_response
from .permissions import school_admin_view

# The chart's geometry (SVG user units): a label line and two bars per row.
BAR_WIDTH = 440
ROW_HEIGHT = 76
TOP = 8
VALUE_ROOM = 110  # right of a full bar, for "After 100%"


def _checks(age_band: str | None = None) -> list[Quiz]:
    checks = Quiz.objects.module_checks()
    if age_band:
        checks = checks.for_age_band(age_band)
    return sorted(checks, key=lambda q: (AGE_BAND_ORDER.index(q.age_band), q.title))


def _chart(rows) -> dict:
    """Bar positions for the SVG chart of per-strand percentages."""
    bars = []
    for i, row in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        bars.append(
            {
                "row": row,
                "label_y": y + 16,
                "before_y": y + 26,
                "after_y": y + 48,
                "before_w": round(BAR_WIDTH * (row.before or 0) / 100, 1),
                "after_w": round(BAR_WIDTH * (row.after or 0) / 100, 1),
                "before_text_x": round(BAR_WIDTH * (row.before or 0) / 100, 1) + 6,
                "after_text_x": round(BAR_WIDTH * (row.after or 0) / 100, 1) + 6,
            }
        )
    return {"bars": bars, "height": TOP + len(rows) * ROW_HEIGHT, "width": BAR_WIDTH + VALUE_ROOM}


def _sections(checks: list[Quiz], pupils) -> list[dict]:
    sections = []
    for quiz in checks:
        gains = check_gains(quiz=quiz, pupils=pupils)
        sections.append({"gains": gains, "chart": _chart(gains.strands)})
    return sections


def _percent_cell(value: int | None):
    return "" if value is None else value


def gains_table(sections: list[CheckGains]) -> Table:
    headers = [
        _("Module check"),
        _("Row"),
        _("Strand"),
        _("Question"),
        _("Before: secure (%)"),
        _("After: secure (%)"),
        _("Change (points)"),
        _("Pupils who did both"),
        _("Pupils who did the check before"),
        _("Pupils who did the check after"),
    ]
    rows = []
    for gains in sections:
        counts = [gains.did_both, gains.did_before, gains.did_after]
        for row in gains.strands:
            rows.append(
                [
                    gains.quiz.title,
                    _("Strand"),
                    row.label,
                    "",
                    _percent_cell(row.before),
                    _percent_cell(row.after),
                    _percent_cell(row.change),
                    *counts,
                ]
            )
        for row in gains.questions:
            rows.append(
                [
                    gains.quiz.title,
                    _("Question"),
                    row.strand,
                    row.label,
                    _percent_cell(row.before),
                    _percent_cell(row.after),
                    _percent_cell(row.change),
                    *counts,
                ]
            )
    return Table(title=_("Learning gains"), headers=headers, rows=rows)


def _class(request, pk) -> tuple[TeachingGroup, object]:
    group = get_object_or_404(TeachingGroup.objects.visible_to(request.user), pk=pk)
    pupils = Pupil.objects.visible_to(request.user).filter(teaching_groups=group)
    return group, pupils


@teacher_required
def class_gains(request, pk):
    group, pupils = _class(request, pk)
    return render(
        request,
        "teacher_portal/gains.html",
        {
            "group": group,
            "sections": _sections(_checks(group.age_band.value), pupils),
            "heading": _("Learning gains: %(class)s") % {"class": group.name},
        },
    )


@teacher_required
def class_gains_export(request, pk):
    group, pupils = _class(request, pk)
    sections = [check_gains(quiz=q, pupils=pupils) for q in _checks(group.age_band.value)]
    return csv_response(gains_table(sections), stem=f"{group.name} learning gains")


@school_admin_view
def school_gains(request, *, school):
    pupils = Pupil.objects.visible_to(request.user).filter(school=school)
    return render(
        request,
        "teacher_portal/gains.html",
        {
            "school": school,
            "sections": _sections(_checks(), pupils),
            "heading": _("Learning gains: %(school)s") % {"school": school.name},
            "classes": TeachingGroup.objects.visible_to(request.user)
            .filter(school=school)
            .active()
            .order_by("name"),
        },
    )


@school_admin_view
def school_gains_export(request, *, school):
    pupils = Pupil.objects.visible_to(request.user).filter(school=school)
    sections = [check_gains(quiz=q, pupils=pupils) for q in _checks()]
    return csv_response(gains_table(sections), stem=f"{school.name} learning gains")
