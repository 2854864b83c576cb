"""The DSL area's inbox (a triage list), search, access log, settings and governor counts."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import School, TeachingGroup

from .. import conf, services
from ..forms import (
    CategoriesForm,
    EscalationSettingsForm,
    InboxFilterForm,
    PhrasesForm,
    ReportYearForm,
    SearchForm,
)
from ..models import (
    DEFAULT_CATEGORIES,
    AccessAction,
    AccessLogEntry,
    Alert,
    Concern,
    ConcernCategory,
    ConcernStatus,
    Flag,
    SchoolSafeguardingSettings,
    lead_school_ids,
)
from ..permissions import dsl_required, record_pupils
from ..screening import phrases_for_school
from .common import _area_context, _see_other

INBOX_TABS = [
    ("waiting", _("Waiting")),
    ("new", _("New")),
    ("review", _("Needs review")),
    ("open", _("Open")),
    ("referred", _("Referred")),
    ("closed", _("Closed")),
]
# Reached from the filters (and "assigned to me"), not a tab of its own.
OTHER_LISTS = {"all": _("Every concern")}


def _tab_counts(user) -> dict[str, int]:
    """How many concerns in each state, and flags to review: two queries."""
    concerns = Concern.objects.visible_to(user)
    counts = {row["status"]: row["n"] for row in concerns.values("status").annotate(n=Count("pk"))}
    review = Flag.objects.visible_to(user).needs_review().count()
    return {
        # Every unacknowledged concern is new (acknowledging opens it).
        "waiting": counts.get(ConcernStatus.NEW, 0) + review,
        "new": counts.get(ConcernStatus.NEW, 0),
        "review": review,
        "open": counts.get(ConcernStatus.OPEN, 0),
        "referred": counts.get(ConcernStatus.REFERRED, 0),
        "closed": counts.get(ConcernStatus.CLOSED, 0),
    }


def _inbox_filters(form) -> services.InboxFilters:
    """The filters the DSL chose; a value that isn't valid is shown as an error and ignored."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return services.InboxFilters(
        status=data.get("status") or "waiting",
        category=form.categories_by_id.get(data.get("category")),
        group_id=data.get("group"),
        year_group=data.get("year_group"),
        source=data.get("source") or "",
        since=data.get("since"),
        until=data.get("until"),
        assigned=data.get("assigned") or "",
    )


@dsl_required
def home(request):
    """The inbox: a triage list of what waits (most urgent first), with filters and tabs."""
    school_ids = lead_school_ids(request.user)
    categories = list(ConcernCategory.objects.filter(school_id__in=school_ids))
    groups = TeachingGroup.objects.visible_to(request.user).active().order_by("year_group", "name")
    params = request.GET.copy()
    if "tab" in params and "status" not in params:  # the older tab links
        params["status"] = params["tab"]
    form = InboxFilterForm(params or None, categories=categories, groups=list(groups))
    filters = _inbox_filters(form) if params else services.InboxFilters()
    rows = services.inbox_rows(user=request.user, filters=filters)
    tab_counts = _tab_counts(request.user)
    alerts = list(
        Alert.objects.for_user(request.user).unread().select_related("concern", "flag")[:20]
    )
    other_params = params.copy()
    other_params.pop("status", None)
    other_params.pop("tab", None)
    return render(
        request,
        "safeguarding/home.html",
        {
            **_area_context(request),
            "tabs": [(key, label, tab_counts[key]) for key, label in INBOX_TABS],
            "tab": filters.status,
            "tab_label": {**dict(INBOX_TABS), **OTHER_LISTS}[filters.status],
            "filter_query": other_params.urlencode(),
            "filtered": any(value for key, value in other_params.items()),
            "form": form,
            "rows": rows,
            "alerts": alerts,
            "escalate_minutes": conf.escalate_after_minutes(),
        },
    )


@dsl_required
def search(request):
    """Find a pupil's record or a concern. POST, so names never end up in a URL or a log."""
    form = SearchForm(request.POST or None)
    pupils, concerns = [], []
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["q"].strip()
        services.access_log_record(
            user=request.user,
            action=AccessAction.SEARCH,
            school=_lead_school(request.user),
            detail=query,
        )
        pupils = list(
            record_pupils(request.user)
            .filter(display_name__icontains=query)
            .order_by("display_name")[:50]
        )
        number = query.lstrip("#")
        if number.isdecimal():
            concerns = list(
                Concern.objects.visible_to(request.user)
                .filter(pk=int(number))
                .select_related("pupil")
            )
    return render(
        request,
        "safeguarding/search.html",
        {
            **_area_context(request),
            "form": form,
            "searched": form.is_bound and form.is_valid(),
            "pupils": pupils,
            "concerns": concerns,
        },
    )


@dsl_required
def access_log(request):
    """Who has looked at, searched or exported the school's safeguarding records."""
    entries = (
        AccessLogEntry.objects.visible_to(request.user)
        .select_related("user", "concern", "pupil")
        .order_by("-seq")
    )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "safeguarding/access_log.html", {**_area_context(request), "page": page})


def _lead_school(user) -> School:
    return School.objects.filter(pk__in=lead_school_ids(user)).order_by("pk").first()


@dsl_required
def settings_view(request):
    """The school's concern categories and free-text screening phrases."""
    school = _lead_school(request.user)
    # Reading the page writes nothing: a school that never saved categories sees the defaults.
    names = list(
        ConcernCategory.objects.filter(school=school).active().values_list("name", flat=True)
    )
    if not ConcernCategory.objects.filter(school=school).exists():
        names = [str(name) for name in DEFAULT_CATEGORIES]
    categories_form = CategoriesForm(prefix="categories", initial={"categories": "\n".join(names)})
    phrases_form = PhrasesForm(
        prefix="phrases", initial={"phrases": "\n".join(phrases_for_school(school))}
    )
    staff = services.school_staff(school)
    current = SchoolSafeguardingSettings.for_school(school)
    escalation_form = EscalationSettingsForm(
        prefix="escalation",
        staff=staff,
        initial={
            "escalation_repeat_minutes": current.escalation_repeat_minutes,
            "head_teacher": current.head_teacher_id,
        },
    )
    forms_by_name = {"categories": None, "phrases": None, "escalation": None}
    which = request.POST.get("form")
    if request.method == "POST" and which not in forms_by_name:
        raise Http404
    try:
        if which == "categories":
            categories_form = CategoriesForm(request.POST, prefix="categories")
            if categories_form.is_valid():
                services.concern_categories_set(
                    school=school, names=categories_form.names(), user=request.user
                )
                messages.success(request, _("Categories saved."))
                return _see_other(reverse("safeguarding:settings"))
        elif which == "phrases":
            phrases_form = PhrasesForm(request.POST, prefix="phrases")
            if phrases_form.is_valid():
                services.screening_phrases_set(
                    school=school, phrases=phrases_form.phrase_list(), user=request.user
                )
                messages.success(request, _("Screening phrases saved."))
                return _see_other(reverse("safeguarding:settings"))
        elif which == "escalation":
            escalation_form = EscalationSettingsForm(request.POST, prefix="escalation", staff=staff)
            if escalation_form.is_valid():
                services.school_safeguarding_settings_set(
                    school=school, user=request.user, **escalation_form.cleaned_data
                )
                messages.success(request, _("Escalation settings saved."))
                return _see_other(reverse("safeguarding:settings"))
    except ValidationError as error:
        forms_by_name.update(
            categories=categories_form, phrases=phrases_form, escalation=escalation_form
        )
        forms_by_name[which].add_service_errors(error)
    return render(
        request,
        "safeguarding/settings.html",
        {
            **_area_context(request),
            "school": school,
            "categories_form": categories_form,
            "phrases_form": phrases_form,
            "escalation_form": escalation_form,
            "escalate_minutes": conf.escalate_after_minutes(),
        },
    )


# --- Governor counts ------------------------------------------------------------------------------


def _report(request):
    """The counts for the school year asked for (this one by default); never any names."""
    school = _lead_school(request.user)
    this_year = services.school_year_of(timezone.localdate())
    first = Concern.objects.visible_to(request.user).filter(school=school).order_by("created_at")
    first = first.values_list("created_at", flat=True).first()
    start = services.school_year_of(timezone.localtime(first).date()) if first else this_year
    years = list(range(this_year, min(start, this_year) - 1, -1))
    form = ReportYearForm(request.GET or None, years=years)
    year = this_year
    if form.is_bound and form.is_valid() and form.cleaned_data["year"] is not None:
        year = form.cleaned_data["year"]
    if not form.is_bound:
        form = ReportYearForm(initial={"year": year}, years=years)
    return form, services.governor_counts(user=request.user, school=school, year=year)


@dsl_required
def reports(request):
    """Governor counts: concerns per term and per school year, as charts and tables."""
    form, counts = _report(request)
    terms = counts.periods[:-1]
    chart_data = {
        table.key: {
            "labels": [row.label for row in table.rows],
            "series": [
                {"label": str(period.label), "data": [row.counts[i] for row in table.rows]}
                for i, period in enumerate(terms)
            ],
            "yTitle": _("Concerns"),
        }
        for table in counts.tables
    }
    return render(
        request,
        "safeguarding/reports.html",
        {
            **_area_context(request),
            "form": form,
            "counts": counts,
            "chart_data": chart_data,
            "csv_query": urlencode({"year": counts.year}),
        },
    )


@dsl_required
def reports_csv(request):
    """The governor counts as a CSV file (the same figures as the page)."""
    _form, counts = _report(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"safeguarding-counts-{counts.year}-{counts.year + 1}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in counts.csv_rows():
        writer.writerow([_csv_safe(cell) for cell in row])
    return response


def _csv_safe(cell: str) -> str:
    """Stop a spreadsheet from reading a cell (a category name) as a formula."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
