"""Routing a lesson URL in one query (issue 16).

Wagtail routes `/<module>/<lesson>/step/2/` one tree level at a time: a query for each child,
another for its specific page, then two more for the view restrictions of every ancestor. The
lesson library knows its tree is exactly library → module → lesson, so it looks the lesson up
once, with what the player needs of the module and the "is any ancestor restricted?" answer
folded into that one query. Nothing is cached across requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils.encoding import iri_to_uri
from wagtail.models import Page, PageViewRestriction


def _restricted(library: Page) -> Exists:
    """Whether a view restriction applies to the outer lesson, its module or any ancestor.

    Aliases use their source page's restrictions (as `Page.get_view_restrictions` does).
    """
    ancestors = [library.path[:end] for end in range(Page.steplen, len(library.path) + 1, 4)]
    module_path = Substr(OuterRef(OuterRef("path")), 1, len(library.path) + Page.steplen)
    pages = (
        Page.objects.filter(
            Q(path__in=ancestors) | Q(path=module_path) | Q(pk=OuterRef(OuterRef("pk")))
        )
        .annotate(source=Coalesce("alias_of_id", "id"))
        .values("source")
    )
    return Exists(PageViewRestriction.objects.filter(page_id__in=pages))


@dataclass(frozen=True)
class ModuleLink:
    """The lesson's module as the lesson page shows it: a title and a link back."""

    title: str
    url: str


def route_lesson(library: Page, request, path_components: list[str]):
    """The lesson at `<module slug>/<lesson slug>/…` below the library, or None, in one query.

    The lesson comes with its quiz, its module's title and age band (enough for the permission
    check and the "back to the module" link) and whether a view restriction applies. None means
    "not a lesson URL": the caller falls back on Wagtail's own routing (and its 404s).
    """
    from .models import LessonPage, ModulePage  # noqa: PLC0415 - models import this module

    if len(path_components) < 2:
        return None
    module_slug, lesson_slug = path_components[:2]
    module = ModulePage.objects.filter(
        path=Substr(OuterRef("path"), 1, len(library.path) + Page.steplen)
    )
    lesson = (
        LessonPage.objects.filter(
            Exists(module.filter(slug=module_slug)),
            path__startswith=library.path,
            depth=library.depth + 2,
            slug=lesson_slug,
        )
        .select_related("quiz")
        .annotate(
            view_restricted=_restricted(library),
            routed_module_title=Subquery(module.values("title")[:1]),
            routed_module_age_band=Subquery(module.values("age_band")[:1]),
        )
        .first()
    )
    if lesson is None:
        return None
    # The URL this request reached the lesson by is the lesson's URL on this site.
    here = request.path if request.path.endswith("/") else request.path + "/"
    rest = "".join(f"{part}/" for part in path_components[2:])
    if here.endswith(f"/{module_slug}/{lesson_slug}/{rest}"):
        lesson.routed_url = (request, iri_to_uri(here[: len(here) - len(rest)]))
    return lesson


class RoutedUrlMixin:
    """Pages whose URL `route_lesson` learnt from the request: no site root paths lookup."""

    def get_url(self, request=None, current_site=None):
        routed = getattr(self, "routed_url", None)
        if routed is not None and request is not None and routed[0] is request:
            return routed[1]
        return super().get_url(request, current_site)
