"""The StreamField block that places an H5P activity in a page.

It renders the activity in an ``<iframe sandbox="allow-scripts allow-same-origin">`` loaded from
the H5P origin (safe only because that origin differs from the site's) and the small
``h5p/embed.js`` module that relays the activity's xAPI statements to the site.

The page that renders the block may put ``h5p_context_id`` in the template context (for example
``"lesson-12:step-3"``); it is signed into the activity's token and comes back, trusted, as
``context_id`` of :data:`h5p.signals.result_recorded`.
"""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from . import conf
from .services import MAX_CONTEXT_ID_LENGTH, xapi_token_create


class H5PActivityBlock(blocks.StructBlock):
    activity = SnippetChooserBlock("h5p.H5PContent", label=_("Activity"))
    title = blocks.CharBlock(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Optional. Shown above the activity."),
    )

    class Meta:
        icon = "media"
        label = _("H5P activity")
        template = "h5p/blocks/h5p_activity.html"

    def get_h5p_context_id(self, value, parent_context) -> str:
        """The context the activity's results are recorded under.

        Override this to derive it from something other than ``h5p_context_id`` in the parent
        template context. At most 200 characters.
        """
        return str(parent_context.get("h5p_context_id", ""))[:MAX_CONTEXT_ID_LENGTH]

    def get_context(self, value, parent_context=None):
        parent_context = dict(parent_context or {})
        context = super().get_context(value, parent_context=dict(parent_context))
        content = value.get("activity")
        origin = conf.h5p_origin()
        context["heading"] = value.get("title") or ""
        context["player_url"] = ""
        if content is None or not origin:
            return context
        request = parent_context.get("request")
        user = getattr(request, "user", None)
        context.update(
            {
                "player_url": content.get_player_url(),
                "h5p_origin": origin,
                "frame_title": value.get("title") or content.title,
                "xapi_url": reverse("h5p:xapi"),
                "xapi_token": xapi_token_create(
                    content=content,
                    user=user,
                    context_id=self.get_h5p_context_id(value, parent_context),
                ),
                "csrf_token_value": get_token(request) if request is not None else "",
            }
        )
        return context
