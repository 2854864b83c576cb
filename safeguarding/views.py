"""Safeguarding pages: "Talk to someone" for pupils, "Raise a concern" for staff, and the DSL area.

Views parse, call a service and render. Who may see what is decided by the QuerySets
(`Concern.objects.visible_to`, `raised_by`) and `permissions`; every view of a case, a pupil's
record or a flag, and every search and export, is written to the access log before anything
is shown. URLs carry record ids only.
"""

from __future__ import annotations

import uuid
from itertools import chain

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schools.models import AgeBand, Pupil, School
from schools.permissions import get_pupil, pupil_required, staff_required

from . import conf, services
from .forms import (
    CategoriesForm,
    CloseForm,
    CorrectionForm,
    DecisionForm,
    EntryForm,
    FlagDismissForm,
    FlagPromoteForm,
    LinkPupilForm,
    PhrasesForm,
    RaiseConcernForm,
    ReferralForm,
    ReopenForm,
    SearchForm,
    TalkForm,
)
from .models import (
    AccessAction,
    AccessLogEntry,
    Alert,
    ChronologyEntry,
    Concern,
    ConcernCategory,
    ConcernPupilLink,
    ConcernSource,
    ConcernStatus,
    EntryKind,
    Feeling,
    Flag,
    lead_school_ids,
)
from .permissions import dsl_required, hidden_from_non_leads, record_denied_access, record_pupils
from .screening import phrases_for_school


def _see_other(url: str) -> HttpResponseRedirect:
    """Redirect after a POST, so reloading the page never posts again."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


# --- Pupils: "Talk to someone" ---------------------------------------------------------------


def _feelings():
    return [
        {"value": value, "label": label, "image": static(f"safeguarding/feelings/{value}.svg")}
        for value, label in Feeling.choices
    ]


@never_cache
@pupil_required
def talk(request):
    """A calm page where a pupil can ask for help. Every field is optional: Send is enough."""
    pupil = get_pupil(request.user)
    if request.method == "POST":
        form = TalkForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.concern_raise(
                raised_by=request.user,
                pupil=pupil,
                source=ConcernSource.PUPIL,
                what_happened=data["details"],
                feeling=data["feeling"],
                about=data["about"],
                talk_to=data["talk_to"],
                idempotency_key=data["submission"],
            )
            return _see_other(reverse("safeguarding:talk_sent"))
    else:
        form = TalkForm(initial={"submission": uuid.uuid4()})
    return render(
        request,
        "safeguarding/talk.html",
        {
            "form": form,
            "feelings": _feelings(),
            "pupil": pupil,
            "age_band": pupil.age_band.value,
            "quick_exit_url": conf.quick_exit_url(),
        },
    )


@never_cache
@pupil_required
def talk_sent(request):
    pupil = get_pupil(request.user)
    return render(
        request,
        "safeguarding/talk_sent.html",
        {
            "pupil": pupil,
            "age_band": pupil.age_band.value,
            "show_ceop": pupil.age_band != AgeBand.AGES_4_7,
            "quick_exit_url": conf.quick_exit_url(),
        },
    )


def quick_exit(request):
    """A plain times-tables page: where "Hide this page" goes. Nothing on it hints at why."""
    numbers = range(1, 13)
    return render(
        request,
        "safeguarding/quick_exit.html",
        {"rows": [(n, [n * m for m in numbers]) for n in numbers], "numbers": numbers},
    )


# --- Staff: raising a concern and seeing its status -----------------------------------------


@never_cache
@staff_required
def raise_concern(request):
    """Raise a concern about a pupil the staff member can see (pre-selected by ?pupil=<id>)."""
    pupils = (
        Pupil.objects.visible_to(request.user)
        .active()
        .select_related("school")
        .order_by("display_name")
    )
    schools = list(School.objects.filter(pk__in=pupils.values("school_id")))
    for school in schools:
        services.concern_categories_ensure(school=school)
    categories = ConcernCategory.objects.active().filter(school__in=schools)
    form_kwargs = {"pupils": pupils, "categories": categories}
    if request.method == "POST":
        form = RaiseConcernForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                concern = services.concern_raise(
                    raised_by=request.user,
                    pupil=data["pupil"],
                    source=ConcernSource.STAFF,
                    what_happened=data["what_happened"],
                    occurred_at=data["occurred_at"] or timezone.now(),
                    location=data["location"],
                    categories=data["categories"],
                    immediate_danger=data["immediate_danger"],
                    told_dsl_in_person=data["told_dsl_in_person"],
                    idempotency_key=data["submission"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return _see_other(reverse("safeguarding:raised_detail", args=[concern.pk]))
    else:
        initial = {"submission": uuid.uuid4()}
        pupil_id = request.GET.get("pupil", "")
        if pupil_id.isdecimal() and pupils.filter(pk=pupil_id).exists():
            initial["pupil"] = int(pupil_id)
        form = RaiseConcernForm(initial=initial, **form_kwargs)
    return render(request, "safeguarding/raise.html", {"form": form, "has_pupils": bool(schools)})


@never_cache
@staff_required
def raised_list(request):
    """The concerns this person raised, with their status only."""
    concerns = Concern.objects.raised_by(request.user).select_related("pupil")
    return render(request, "safeguarding/raised_list.html", {"concerns": concerns})


@never_cache
@staff_required
def raised_detail(request, concern_id):
    """The status of one concern this person raised: received, then acknowledged."""
    concern = get_object_or_404(
        Concern.objects.raised_by(request.user).select_related("pupil"), pk=concern_id
    )
    return render(request, "safeguarding/raised_detail.html", {"concern": concern})


# --- DSL area ------------------------------------------------------------------------------------


def _get_visible_or_404(request, queryset, model, pk):
    """The record if this lead may see it; otherwise 404, with the attempt logged when it
    exists (a lead of another school guessing ids)."""
    record = queryset.visible_to(request.user).filter(pk=pk).first()
    if record is None:
        if model.objects.filter(pk=pk).exists():
            key = {Concern: "concern_id", Flag: "flag_id"}[model]
            record_denied_access(request, **{key: pk})
        raise Http404
    return record


def _area_context(request) -> dict:
    return {
        "unread_alerts": Alert.objects.for_user(request.user).unread().count(),
    }


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


def _case_queryset():
    return Concern.objects.select_related(
        "pupil", "school", "raised_by", "acknowledged_by", "flag"
    ).prefetch_related(
        "categories",
        Prefetch("links", queryset=ConcernPupilLink.objects.select_related("pupil", "added_by")),
        Prefetch(
            "entries",
            queryset=ChronologyEntry.objects.select_related("author", "corrects").prefetch_related(
                "corrections"
            ),
        ),
    )


def _case_forms(request, concern, **bound):
    link_pupils = (
        record_pupils(request.user)
        .filter(school=concern.school)
        .exclude(pk=concern.pupil_id)
        .order_by("display_name")
    )
    forms = {
        "entry_form": EntryForm(prefix="entry"),
        "decision_form": DecisionForm(prefix="decision"),
        "referral_form": ReferralForm(prefix="referral"),
        "close_form": CloseForm(prefix="close"),
        "reopen_form": ReopenForm(prefix="reopen"),
        "link_form": LinkPupilForm(prefix="link", pupils=link_pupils),
    }
    forms.update(bound)
    return forms


def _render_case(request, concern, **bound_forms):
    services.access_log_record(user=request.user, action=AccessAction.VIEW_CASE, concern=concern)
    services.alerts_mark_read(user=request.user, concern=concern)
    concern = _case_queryset().get(pk=concern.pk)
    viewers = (
        AccessLogEntry.objects.visible_to(request.user)
        .filter(concern=concern)
        .select_related("user")
        .order_by("-seq")[:50]
    )
    return render(
        request,
        "safeguarding/case.html",
        {
            **_area_context(request),
            **_case_forms(request, concern, **bound_forms),
            "concern": concern,
            "entries": concern.entries.all(),
            "viewers": viewers,
        },
    )


@hidden_from_non_leads
def case(request, concern_id):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    return _render_case(request, concern)


@hidden_from_non_leads
@require_POST
def case_acknowledge(request, concern_id):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    services.concern_acknowledge(concern=concern, user=request.user)
    messages.success(request, _("Acknowledged. The person who raised it can now see that."))
    return _see_other(concern.get_absolute_url())


@hidden_from_non_leads
@require_POST
def case_entry_add(request, concern_id):
    """Add a note / action / parent contact / outcome, a decision, or a referral."""
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    which = request.POST.get("form")
    form_classes = {"entry": EntryForm, "decision": DecisionForm, "referral": ReferralForm}
    if which not in form_classes:
        raise Http404
    form = form_classes[which](request.POST, prefix=which)
    if form.is_valid():
        data = form.cleaned_data
        kind = {"decision": EntryKind.DECISION, "referral": EntryKind.REFERRAL}.get(
            which, data.get("kind")
        )
        try:
            services.chronology_add(
                concern=concern,
                user=request.user,
                kind=kind,
                text=data.get("text", ""),
                reason=data.get("reason", ""),
                agency=data.get("agency", ""),
                agency_name=data.get("agency_name", ""),
                event_date=data.get("event_date"),
                reference=data.get("reference", ""),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Added to the chronology."))
            return _see_other(concern.get_absolute_url() + "#chronology")
    return _render_case(request, concern, **{f"{which}_form": form})


@hidden_from_non_leads
def case_entry_correct(request, concern_id, entry_id):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    entry = get_object_or_404(
        ChronologyEntry.objects.select_related("author"), pk=entry_id, concern=concern
    )
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chronology_add(
                concern=concern,
                user=request.user,
                kind=EntryKind.CORRECTION,
                text=form.cleaned_data["text"],
                corrects=entry,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Correction added. The original entry is unchanged."))
            return _see_other(concern.get_absolute_url() + "#chronology")
    services.access_log_record(user=request.user, action=AccessAction.VIEW_CASE, concern=concern)
    return render(
        request,
        "safeguarding/case_correct.html",
        {**_area_context(request), "concern": concern, "entry": entry, "form": form},
    )


def _simple_case_action(request, concern_id, *, form_class, prefix, service, done):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(concern=concern, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, done)
            return _see_other(concern.get_absolute_url())
    return _render_case(request, concern, **{f"{prefix}_form": form})


@hidden_from_non_leads
@require_POST
def case_close(request, concern_id):
    return _simple_case_action(
        request,
        concern_id,
        form_class=CloseForm,
        prefix="close",
        service=services.concern_close,
        done=_("The case is closed."),
    )


@hidden_from_non_leads
@require_POST
def case_reopen(request, concern_id):
    return _simple_case_action(
        request,
        concern_id,
        form_class=ReopenForm,
        prefix="reopen",
        service=services.concern_reopen,
        done=_("The case is open again."),
    )


@hidden_from_non_leads
@require_POST
def case_link(request, concern_id):
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    pupils = record_pupils(request.user).filter(school=concern.school).exclude(pk=concern.pupil_id)
    form = LinkPupilForm(request.POST, prefix="link", pupils=pupils)
    if form.is_valid():
        try:
            services.concern_link_pupil(
                concern=concern,
                pupil=form.cleaned_data["pupil"],
                user=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Pupil linked."))
            return _see_other(concern.get_absolute_url())
    return _render_case(request, concern, link_form=form)


@hidden_from_non_leads
def case_export(request, concern_id):
    """The case as a printable document, for transfer to an agency or a new school."""
    concern = _get_visible_or_404(request, Concern.objects, Concern, concern_id)
    services.access_log_record(user=request.user, action=AccessAction.EXPORT_CASE, concern=concern)
    concern = _case_queryset().get(pk=concern.pk)
    return render(
        request,
        "safeguarding/export.html",
        {
            "title": _("Safeguarding case %(number)s") % {"number": concern.pk},
            "pupil": concern.pupil,
            "school": concern.school,
            "concerns": [concern],
            "flags": [],
            "exported_at": timezone.now(),
        },
    )


def _pupil_or_404(request, pupil_id):
    pupil = record_pupils(request.user).select_related("school").filter(pk=pupil_id).first()
    if pupil is None:
        if Pupil.objects.filter(pk=pupil_id).exists():
            record_denied_access(request, pupil_id=pupil_id)
        raise Http404
    return pupil


def _pupil_record(pupil):
    concerns = list(
        _case_queryset()
        .filter(Q(pupil=pupil) | Q(links__pupil=pupil))
        .distinct()
        .order_by("created_at")
    )
    flags = list(Flag.objects.filter(pupil=pupil).select_related("resolved_by"))
    return concerns, flags


@hidden_from_non_leads
def pupil_record(request, pupil_id):
    """Everything on a pupil's safeguarding record, in one chronology."""
    pupil = _pupil_or_404(request, pupil_id)
    services.access_log_record(
        user=request.user, action=AccessAction.VIEW_PUPIL_RECORD, pupil=pupil
    )
    concerns, flags = _pupil_record(pupil)
    timeline = sorted(
        chain(
            (
                {"at": entry.created_at, "entry": entry, "concern": concern}
                for concern in concerns
                for entry in concern.entries.all()
            ),
            ({"at": f.created_at, "flag": f} for f in flags),
        ),
        key=lambda item: item["at"],
    )
    return render(
        request,
        "safeguarding/pupil_record.html",
        {
            **_area_context(request),
            "pupil": pupil,
            "concerns": concerns,
            "flags": flags,
            "timeline": timeline,
        },
    )


@hidden_from_non_leads
def pupil_export(request, pupil_id):
    pupil = _pupil_or_404(request, pupil_id)
    services.access_log_record(
        user=request.user, action=AccessAction.EXPORT_PUPIL_RECORD, pupil=pupil
    )
    concerns, flags = _pupil_record(pupil)
    return render(
        request,
        "safeguarding/export.html",
        {
            "title": _("Safeguarding record of %(name)s") % {"name": pupil.display_name},
            "pupil": pupil,
            "school": pupil.school,
            "concerns": concerns,
            "flags": flags,
            "whole_record": True,
            "exported_at": timezone.now(),
        },
    )


def _render_flag(request, flag, **bound):
    services.access_log_record(user=request.user, action=AccessAction.VIEW_FLAG, flag=flag)
    services.alerts_mark_read(user=request.user, flag=flag)
    categories = services.concern_categories_ensure(school=flag.school)
    context = {
        **_area_context(request),
        "flag": flag,
        "promote_form": FlagPromoteForm(prefix="promote", categories=categories),
        "dismiss_form": FlagDismissForm(prefix="dismiss"),
        "promoted_concern": Concern.objects.filter(flag=flag).first(),
    }
    context.update(bound)
    return render(request, "safeguarding/flag.html", context)


@hidden_from_non_leads
def flag(request, flag_id):
    flag = _get_visible_or_404(request, Flag.objects.select_related("pupil"), Flag, flag_id)
    return _render_flag(request, flag)


@hidden_from_non_leads
@require_POST
def flag_promote(request, flag_id):
    flag = _get_visible_or_404(request, Flag.objects, Flag, flag_id)
    categories = services.concern_categories_ensure(school=flag.school)
    form = FlagPromoteForm(request.POST, prefix="promote", categories=categories)
    if form.is_valid():
        try:
            concern = services.flag_promote(flag=flag, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The flag is now a concern."))
            return _see_other(concern.get_absolute_url())
    return _render_flag(request, flag, promote_form=form)


@hidden_from_non_leads
@require_POST
def flag_dismiss(request, flag_id):
    flag = _get_visible_or_404(request, Flag.objects, Flag, flag_id)
    form = FlagDismissForm(request.POST, prefix="dismiss")
    if form.is_valid():
        try:
            services.flag_dismiss(flag=flag, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Dismissed. The reason is kept with the flag."))
            return _see_other(reverse("safeguarding:home") + "?tab=review")
    return _render_flag(request, flag, dismiss_form=form)


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
    categories = services.concern_categories_ensure(school=school)
    categories_form = CategoriesForm(
        prefix="categories",
        initial={"categories": "\n".join(category.name for category in categories)},
    )
    phrases_form = PhrasesForm(
        prefix="phrases", initial={"phrases": "\n".join(phrases_for_school(school))}
    )
    which = request.POST.get("form")
    if request.method == "POST" and which not in ("categories", "phrases"):
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
    except ValidationError as error:
        (categories_form if which == "categories" else phrases_form).add_service_errors(error)
    return render(
        request,
        "safeguarding/settings.html",
        {
            **_area_context(request),
            "school": school,
            "categories_form": categories_form,
            "phrases_form": phrases_form,
        },
    )
