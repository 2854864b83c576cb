"""Wagtail admin: activities as snippets (upload a package), libraries (list, install)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import services
from .forms import H5PContentForm, LibraryInstallForm
from .models import H5PContent, H5PLibrary


class PackageInfoPanel(Panel):
    """What an uploaded package is: its type, the libraries it needs, a preview link."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "h5p/admin/package_info.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            content = self.instance
            context["content"] = content
            context["libraries"] = content.dependencies.order_by("machine_name")
            context["file_count"] = len(content.files)
            context["player_url"] = content.get_player_url()
            return context


class H5PContentViewSet(SnippetViewSet):
    model = H5PContent
    icon = "media"
    menu_label = _("H5P activities")
    menu_order = 300
    add_to_admin_menu = True
    copy_view_enabled = False  # a copy would share (and later delete) the original's files
    inspect_view_enabled = True
    list_display = [
        "title",
        Column("type", label=_("Type"), accessor="type_title"),
        "max_score",
        "uploaded_by",
        "updated_at",
    ]
    search_fields = ["title", "slug"]
    edit_handler = ObjectList(
        [
            FieldPanel("package"),
            PackageInfoPanel(heading=_("Package")),
            FieldPanel("title"),
            FieldPanel("slug"),
            FieldPanel("max_score"),
        ],
        base_form_class=H5PContentForm,
    )

    def get_queryset(self, request):
        return H5PContent.objects.select_related("main_library", "uploaded_by")


class LibraryIndexView(IndexView):
    def get_add_url(self):
        if self.add_url_name and self.user_has_permission("install"):
            return reverse(self.add_url_name)
        return None

    @property
    def add_item_label(self):
        return _("Install libraries")


class LibraryInstallView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a package of libraries; only for users with the *install* permission."""

    model = H5PLibrary
    permission_required = "install"
    form_class = LibraryInstallForm
    template_name = "h5p/admin/library_install.html"
    page_title = _("Install H5P libraries")
    header_icon = "download"
    index_url_name = None

    def form_valid(self, form):
        try:
            report = services.library_install(
                file=form.cleaned_data["package"], user=self.request.user
            )
        except ValidationError as error:
            form.add_error("package", error)
            return self.form_invalid(form)
        for library in report.installed:
            messages.success(self.request, _("Installed %(library)s.") % {"library": library})
        for library in report.unchanged:
            messages.info(
                self.request, _("%(library)s was already installed.") % {"library": library}
            )
        for library in report.newer_kept:
            messages.warning(
                self.request,
                _("A newer patch of %(library)s is installed; it was kept.") % {"library": library},
            )
        return redirect(self.index_url_name)


class H5PLibraryViewSet(ModelViewSet):
    model = H5PLibrary
    icon = "code"
    menu_label = _("H5P libraries")
    menu_order = 301
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = LibraryIndexView
    list_display = ["title", "machine_name", "version", "runnable", "installed_at"]
    form_fields = ["title"]
    inspect_view_fields = [
        "title",
        "machine_name",
        "major_version",
        "minor_version",
        "patch_version",
        "runnable",
        "installed_by",
        "installed_at",
    ]

    @property
    def add_view(self):
        return self.construct_view(LibraryInstallView)
