"""Parent and carer packs in the Wagtail admin, under "Parent packs"."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from .parents import ParentPack


class ParentPackViewSet(SnippetViewSet):
    """Editors change a module's pack here; saving runs the same check as the curriculum files
    (`ParentPack.clean`), so the help and evidence advice cannot be lost by an edit."""

    model = ParentPack
    icon = "group"
    menu_label = _("Parent packs")
    menu_name = "parent_packs"
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["title", "module", "updated_at"]
    search_fields = ["title"]
    search_backend_name = None
    ordering = ["module__path"]
    inspect_view_enabled = False
