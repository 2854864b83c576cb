"""The DSL area's inbox, search, access log and settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from schools.models import School

from .. import conf, services
from ..forms import (
    CategoriesForm,
    EscalationSettingsForm,
    PhrasesForm,
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
    ("new", _("New")),
    ("review", _("Needs review")),
    ("open", _("Open")),
    ("referred", _("Referred")),
    ("closed", _("Closed")),
]


@dsl_required
def home(request):
    """The inbox: new concerns, flags to review, open, referred and closed cases."""
    concerns = Concern.objects.visible_to(request.user)
    counts = {row["status"]: row["n"] for row in concerns.values("status").annotate(n=Count("pk"))}
    review = Flag.objects.visible_to(request.user).needs_review()
    tab_counts = {
        "new": counts.get(ConcernStatus.NEW, 0),
        "review": review.count(),
        "open": counts.get(ConcernStatus.OPEN, 0),
        "referred": counts.get(ConcernStatus.REFERRED, 0),
        "closed": counts.get(ConcernStatus.CLOSED, 0),
    }
    tab = request.GET.get("tab", "new")
    if tab not in tab_counts:
        tab = "new"
    items = []
    if tab == "review":
        items = list(review.select_related("pupil").order_by("-created_at")[:200])
    else:
        items = list(
            concerns.filter(status=tab)
            .select_related("pupil", "raised_by")
            .prefetch_related("categories")
            .inbox_order()[:200]
        )
    alerts = list(
        Alert.objects.for_user(request.user).unread().select_related("concern", "flag")[:20]
    )
    return render(
        request,
        "safeguarding/home.html",
        {
            **_area_context(request),
            "tabs": [(key, label, tab_counts[key]) for key, label in INBOX_TABS],
            "tab": tab,
            "tab_label": dict(INBOX_TABS)[tab],
            "items": items,
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
