from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail import hooks
from wagtail.actions.delete import DeleteAction, DeletePermissionError
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet

from . import services
from .models import H5PContent, H5PLibrary
from .viewsets import H5PContentViewSet, H5PLibraryViewSet


class H5PContentDeleteAction(DeleteAction):
    """Deleting an activity in the admin also deletes its stored files (after the commit)."""

    def _delete(self):
        with transaction.atomic():
            if self.log_action:
                log(instance=self.instance, action=self.log_action, user=self.user, deleted=True)
            services.content_delete(content=self.instance)


class H5PLibraryDeleteAction(DeleteAction):
    """Uninstalling a library: refused while anything uses it; its files go after the commit."""

    def _delete(self):
        with transaction.atomic():
            if self.log_action:
                log(instance=self.instance, action=self.log_action, user=self.user, deleted=True)
            try:
                services.library_delete(library=self.instance)
            except ValidationError as error:
                raise DeletePermissionError(" ".join(error.messages)) from error


@hooks.register("register_actions")
def register_h5p_actions(registry):
    registry.register(H5PContent, H5PContentDeleteAction)
    registry.register(H5PLibrary, H5PLibraryDeleteAction)


register_snippet(H5PContentViewSet)


@hooks.register("register_admin_viewset")
def register_library_viewset():
    return H5PLibraryViewSet("h5p_libraries")
