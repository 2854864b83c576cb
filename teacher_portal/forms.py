"""Portal forms: they parse and validate input; the work is done by services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.models import LessonPage, ModulePage
from schools.forms import RecordChoicesField
from schools.models import Pupil, StaffMembership, StaffRole, TeachingGroup, YearGroup
from schools.services import SCHOOL_ADMIN_MANAGED_ROLES

from . import conf
from .roster import too_big_message


class PortalForm(forms.Form):
    """Renders every field with a visible label, its help and its errors linked to the input."""

    template_name = "teacher_portal/includes/form.html"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class StaffChoiceField(RecordChoicesField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.email})" if name else user.email


def _school_staff(school):
    return (
        get_user_model()
        .objects.filter(
            staff_memberships__school=school,
            staff_memberships__role__in=[StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN],
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def _school_classes(school):
    return TeachingGroup.objects.filter(school=school).active().order_by("year_group", "name")


class ClassForm(PortalForm):
    name = forms.CharField(
        label=_("Class name"),
        max_length=100,
        help_text=_("As your school says it, e.g. “Kestrels” or “7B”."),
    )
    year_group = forms.TypedChoiceField(
        label=_("Year group"), choices=YearGroup.choices, coerce=int
    )
    teachers = StaffChoiceField(
        label=_("Teachers"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Teachers see this class and its pupils' progress."),
    )

    def __init__(self, *args, school, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.group = group
        self.fields["teachers"].queryset = _school_staff(school)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = TeachingGroup.objects.filter(school=self.school, name__iexact=name)
        if self.group is not None:
            clash = clash.exclude(pk=self.group.pk)
        clash = clash.first()
        if clash is not None:
            if clash.archived_at is not None:
                raise forms.ValidationError(
                    _(
                        "There is an archived class called “%(name)s”. Restore it, or pick a "
                        "new name."
                    ),
                    params={"name": clash.name},
                )
            raise forms.ValidationError(
                _("There is already a class called “%(name)s”."), params={"name": clash.name}
            )
        return name


class PupilForm(PortalForm):
    display_name = forms.CharField(
        label=_("Name"),
        max_length=60,
        help_text=_(
            "How the pupil appears on screen and on their login card, e.g. a first name and an "
            "initial. No surnames or other personal details are needed."
        ),
    )
    year_group = forms.TypedChoiceField(
        label=_("Year group"), choices=YearGroup.choices, coerce=int
    )
    teaching_groups = RecordChoicesField(
        label=_("Classes"),
        queryset=TeachingGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pupils log in with the code of one of their classes."),
    )

    def __init__(self, *args, school, pupil=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.pupil = pupil
        self.fields["teaching_groups"].queryset = _school_classes(school)

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        clash = Pupil.objects.filter(school=self.school, display_name__iexact=name)
        if self.pupil is not None:
            clash = clash.exclude(pk=self.pupil.pk)
        if clash.exists():
            raise forms.ValidationError(
                _(
                    "There is already a pupil called “%(name)s” in your school. Add an initial "
                    "to tell them apart."
                ),
                params={"name": name},
            )
        return name


class PupilMoveForm(PortalForm):
    from_group = forms.ModelChoiceField(
        label=_("Move from"), queryset=TeachingGroup.objects.none(), empty_label=None
    )
    to_group = forms.ModelChoiceField(
        label=_("Move to"), queryset=TeachingGroup.objects.none(), empty_label=None
    )

    def __init__(self, *args, school, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_group"].queryset = pupil.teaching_groups.all().order_by(
            "year_group", "name"
        )
        self.fields["to_group"].queryset = _school_classes(school).exclude(
            pk__in=pupil.teaching_groups.all()
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_group") and cleaned.get("from_group") == cleaned.get("to_group"):
            self.add_error("to_group", _("Choose a different class to move to."))
        return cleaned


MANAGED_ROLE_CHOICES = [
    (role.value, role.label) for role in StaffRole if role in SCHOOL_ADMIN_MANAGED_ROLES
]


class StaffRolesForm(PortalForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=MANAGED_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Teachers see the classes they teach. School admins manage the whole school's "
            "classes, pupils and staff."
        ),
        error_messages={"required": _("Choose at least one role.")},
    )


class StaffAddForm(StaffRolesForm):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We'll email them a link to set their password."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    field_order = ["email", "first_name", "last_name", "roles"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if StaffMembership.objects.filter(
            school=self.school,
            role__in=SCHOOL_ADMIN_MANAGED_ROLES,
            user__email__iexact=email,
        ).exists():
            raise forms.ValidationError(
                _("%(email)s already works here. Change their roles from the staff list instead."),
                params={"email": email},
            )
        return email


class RosterUploadForm(PortalForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One row per pupil, with the columns Name, Year group and Class. "
            "Year groups can be written “Year 4”, “Y4”, “4”, “Reception” or “R”."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > conf.roster_max_bytes():
            raise forms.ValidationError(too_big_message())
        return upload


class ConfirmForm(PortalForm):
    """A required tick box for actions that cannot be undone."""

    confirm = forms.BooleanField(
        label=_("Yes, I understand"),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label


class ApiTokenForm(PortalForm):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, so you know which one to revoke, e.g. “MIS sync”."),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AssignmentForm(PortalForm):
    """What to set (a module or a lesson of the class's age band), for whom, and when."""

    page = forms.TypedChoiceField(
        label=_("Work to set"),
        coerce=int,
        help_text=_("A whole module, or one lesson from it."),
    )
    pupils = RecordChoicesField(
        label=_("Pupils"),
        queryset=Pupil.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty to set the work for the whole class."),
    )
    opens_on = forms.DateField(
        label=_("Open date"),
        widget=DateInput(),
        help_text=_("Pupils see the work from this day."),
    )
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        modules = list(
            ModulePage.objects.live().for_age_band(group.age_band.value).order_by("path")
        )
        lessons = list(LessonPage.objects.in_modules(modules).values_list("pk", "title", "path"))
        self.modules = {module.pk: module for module in modules}
        self.lesson_ids = {pk for pk, _title, _path in lessons}
        choices = [("", _("Choose a module or a lesson"))]
        whole = []
        for module in modules:
            count = sum(1 for _pk, _title, path in lessons if path.startswith(module.path))
            whole.append(
                (
                    module.pk,
                    _("%(title)s (whole module, %(count)s lessons)")
                    % {"title": module.title, "count": count},
                )
            )
        if whole:
            choices.append((_("Whole modules"), whole))
        for module in modules:
            inside = [
                (pk, f"{number}. {title}")
                for number, (pk, title, _path) in enumerate(
                    (item for item in lessons if item[2].startswith(module.path)), start=1
                )
            ]
            if inside:
                choices.append((_("Lessons in %(module)s") % {"module": module.title}, inside))
        self.fields["page"].choices = choices
        self.fields["pupils"].queryset = group.pupils.active().order_by("display_name")

    def clean_page(self):
        pk = self.cleaned_data["page"]
        if pk in self.modules:
            return {"module": self.modules[pk], "lesson": None}
        if pk in self.lesson_ids:
            return {"module": None, "lesson": LessonPage.objects.get(pk=pk)}
        raise forms.ValidationError(_("Choose a module or a lesson."))

    def clean(self):
        cleaned = super().clean()
        opens_on, due_on = cleaned.get("opens_on"), cleaned.get("due_on")
        if opens_on and due_on and due_on < opens_on:
            self.add_error("due_on", _("The due date can't be before the open date."))
        return cleaned

    def service_kwargs(self) -> dict:
        """The cleaned data as keyword arguments for the assignment services."""
        data = self.cleaned_data
        return {
            **data["page"],
            "opens_on": data["opens_on"],
            "due_on": data["due_on"],
            "pupils": list(data["pupils"]),
        }


class OnlineSafetyReviewForm(PortalForm):
    """The yearly online-safety review, recorded by the DSL with the governor's name."""

    reviewed_on = forms.DateField(label=_("Date of the review"), widget=DateInput())
    governor_name = forms.CharField(
        label=_("Governor"),
        max_length=120,
        help_text=_("The governor who took part, as the governing body's minutes name them."),
    )
    what_changed = forms.CharField(
        label=_("What changed"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What changed in the school's online-safety approach since the last review."),
    )
    actions = forms.CharField(
        label=_("Actions"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What will be done next, by whom and by when."),
    )

    def clean_reviewed_on(self):
        reviewed_on = self.cleaned_data["reviewed_on"]
        if reviewed_on > timezone.localdate():
            raise forms.ValidationError(
                _("The review has to have happened: choose today or a day before.")
            )
        return reviewed_on
