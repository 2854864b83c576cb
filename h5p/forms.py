"""Admin forms: uploading an activity's package, installing libraries."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import services
from .builtin import max_score_for


class H5PPackageInput(forms.ClearableFileInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"accept": ".h5p,application/zip", **(attrs or {})})


class H5PContentForm(WagtailAdminModelForm):
    """Create an activity from an uploaded .h5p file, or replace its package.

    The upload is validated completely in ``clean_package`` (so every problem shows on the
    field, with nothing stored); files are only written on save.
    """

    package = forms.FileField(
        label=_("H5P package"),
        required=False,
        widget=H5PPackageInput,
        help_text=_(
            "An .h5p file. It may only use H5P libraries installed on this site; any library "
            "folders inside it are ignored."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validated_package = None
        if self.instance.pk:
            self.fields["package"].help_text = _(
                "Upload a new .h5p file only to replace this activity's package."
            )
        else:
            self.fields["package"].required = True
            self.fields["title"].required = False
            self.fields["title"].help_text = _("Leave blank to use the title inside the package.")

    def clean_package(self):
        upload = self.cleaned_data.get("package")
        if upload:
            self.validated_package = services.content_validate(file=upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        package = self.validated_package
        if package is not None and not cleaned.get("title"):
            cleaned["title"] = package.title
        if package is not None:
            machine_name, content_json = package.main_library.machine_name, package.content_json
        elif self.instance.pk:
            machine_name = self.instance.main_library.machine_name
            content_json = self.instance.content_json
        else:
            return cleaned
        computed = max_score_for(machine_name, content_json)
        if computed is not None:
            # Streamwise's own types know their maximum; an editor's guess cannot replace it.
            cleaned["max_score"] = computed
        return cleaned

    def save(self, commit=True):
        if self.validated_package is None:
            return super().save(commit=commit)
        content = super().save(commit=False)
        return services.content_store(
            content=content,
            package=self.validated_package,
            file=self.cleaned_data["package"],
            user=self.for_user,
        )


class LibraryInstallForm(forms.Form):
    package = forms.FileField(
        label=_("Library package"),
        widget=H5PPackageInput,
        help_text=_(
            "An .h5p file holding library folders (each with its library.json). Libraries are "
            "code that runs for every pupil: install only libraries from a source you trust."
        ),
    )
