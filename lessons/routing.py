"""Routing a lesson URL in one query (issue 16).

Wagtail routes `/<module>/<lesson>/step/2/` one tree level at a time: a query for each child,
another for its specific page, then two more for the view restrictions of every ancestor. The
lesson library knows its tree is exactly library → module → lesson, so it looks the lesson up
once, with what the player needs of the module and the "is any ancestor restricted?" answer
folded into that one query. Nothing is cached across requests but the SQL text.

Why SQL written here rather than the ORM: the same query built with subqueries and `OuterRef`
took Django about 10 ms of CPU to compile on every request (measured through the WSGI handler
with `bench/peer`), more than everything else on the lesson page's route. The text is built once
per process from the models' own metadata (tables and columns are never spelled out by hand) and
only the slugs and paths are parameters.

Other pages below the library (its modules, a host site's own pages) are found by
`route_child`: Wagtail's own two queries for one level, prepared once per process
(`schools.prepared`); Wagtail's view-restriction check still runs for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connections
from django.utils.encoding import iri_to_uri
from wagtail.models import Page, PageViewRestriction

from schools.prepared import PreparedQuery


@dataclass(frozen=True)
class ModuleLink:
    """The lesson's module as the lesson page shows it: a title and a link back."""

    title: str
    url: str


@dataclass(frozen=True)
class _Part:
    """One model's columns in the routing query: what `from_db` needs, and each column's
    converters (what the ORM applies to a value read from this database: booleans, dates,
    JSON...)."""

    names: list[str]
    converters: list[tuple[int, list, object]]

    def instance(self, model, db: str, connection, values: list):
        for index, converters, expression in self.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, expression, connection)
            values[index] = value
        return model.from_db(db, self.names, values)


def _part(model, alias: dict[str, str], qn, connection) -> tuple[list[str], _Part]:
    """`alias`-qualified columns of every concrete field of `model`, in `from_db` order.

    Inherited fields live in their parent's table: `alias` maps each table to its alias.
    """
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(alias[field.model._meta.db_table])
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    columns = [f"{alias[f.model._meta.db_table]}.{qn(f.column)}" for f in fields]
    return columns, _Part(names=[f.attname for f in fields], converters=converters)


@cache
def _lesson_sql(db: str, ancestors: int):
    """The lesson-routing SQL on database `db`, for a library at depth `ancestors`."""
    from .models import LessonPage, ModulePage  # noqa: PLC0415 - models import this module

    connection = connections[db]
    qn = connection.ops.quote_name
    page, lesson_table = Page._meta.db_table, LessonPage._meta.db_table
    quiz_model = LessonPage._meta.get_field("quiz").related_model
    aliases = {page: "p", lesson_table: "lp"}
    lesson_columns, lesson_part = _part(LessonPage, aliases, qn, connection)
    quiz_aliases = {quiz_model._meta.db_table: "q"}
    quiz_columns, quiz_part = _part(quiz_model, quiz_aliases, qn, connection)
    restriction = PageViewRestriction._meta
    marks = ", ".join(["%s"] * ancestors)
    pk, path, slug, depth = (
        qn(Page._meta.get_field(name).column) for name in ("id", "path", "slug", "depth")
    )
    alias_of = qn(Page._meta.get_field("alias_of").column)
    title = qn(Page._meta.get_field("title").column)
    age_band = qn(ModulePage._meta.get_field("age_band").column)
    ptr = qn(LessonPage._meta.pk.column)
    module_ptr = qn(ModulePage._meta.pk.column)
    quiz_fk = qn(LessonPage._meta.get_field("quiz").column)
    quiz_pk = qn(quiz_model._meta.pk.column)
    # Names come from the models' metadata, quoted; every value is a parameter.
    sql = f"""
        SELECT {", ".join(lesson_columns + quiz_columns)},
            EXISTS (
                SELECT 1 FROM {qn(restriction.db_table)} r
                WHERE r.{qn(restriction.get_field("page").column)} IN (
                    SELECT COALESCE(a.{alias_of}, a.{pk}) FROM {qn(page)} a
                    WHERE a.{path} IN ({marks}) OR a.{path} = m.{path} OR a.{pk} = p.{pk}
                )
            ),
            m.{title}, mp.{age_band}
        FROM {qn(lesson_table)} lp
        INNER JOIN {qn(page)} p ON p.{pk} = lp.{ptr}
        INNER JOIN {qn(page)} m ON m.{path} = SUBSTR(p.{path}, 1, %s)
        INNER JOIN {qn(ModulePage._meta.db_table)} mp ON mp.{module_ptr} = m.{pk}
        LEFT OUTER JOIN {qn(quiz_model._meta.db_table)} q ON q.{quiz_pk} = lp.{quiz_fk}
        WHERE p.{path} LIKE %s AND p.{depth} = %s AND p.{slug} = %s AND m.{slug} = %s
        LIMIT 1
    """  # noqa: S608
    return sql, lesson_part, quiz_part, quiz_model


def route_lesson(library: Page, request, path_components: list[str]):
    """The lesson at `<module slug>/<lesson slug>/…` below the library, or None, in one query.

    The lesson comes with its quiz, its module's title and age band (enough for the permission
    check and the "back to the module" link) and whether a view restriction applies (to the
    lesson, its module or any ancestor; an alias uses its source page's restrictions, as
    `Page.get_view_restrictions` does). None means "not a lesson URL": the caller falls back on
    Wagtail's own routing (and its 404s).
    """
    from .models import LessonPage  # noqa: PLC0415 - models import this module

    if len(path_components) < 2:
        return None
    module_slug, lesson_slug = path_components[:2]
    ancestors = [library.path[:end] for end in range(Page.steplen, len(library.path) + 1, 4)]
    db = library._state.db or "default"
    sql, lesson_part, quiz_part, quiz_model = _lesson_sql(db, len(ancestors))
    params = [
        *ancestors,
        len(library.path) + Page.steplen,
        library.path + "%",
        library.depth + 2,
        lesson_slug,
        module_slug,
    ]
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(lesson_part.names)
    body_text = row[lesson_part.names.index("body")]
    lesson = lesson_part.instance(LessonPage, db, connection, list(row[:split]))
    # The body as saved: the key its parsed steps are kept under (lessons.body_cache).
    lesson.routed_body_text = body_text if isinstance(body_text, str) else None
    quiz_values = list(row[split : split + len(quiz_part.names)])
    has_quiz = quiz_values[quiz_part.names.index(quiz_model._meta.pk.attname)] is not None
    lesson.quiz = quiz_part.instance(quiz_model, db, connection, quiz_values) if has_quiz else None
    row = row[split + len(quiz_part.names) :]
    restricted, module_title, module_age_band = row
    lesson.view_restricted = bool(restricted)
    lesson.routed_module_title = module_title
    lesson.routed_module_age_band = module_age_band
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


_page_field = Page._meta.get_field
# A child of a page: treebeard gives it the parent's path and four more characters.
_CHILD = PreparedQuery(
    lambda depth, first, last, slug: Page.objects.filter(
        depth=depth, path__gte=first, path__lte=last, slug=slug
    )[:1],
    depth=_page_field("depth"),
    first=_page_field("path"),
    last=_page_field("path"),
    slug=_page_field("slug"),
)


@cache
def _specific_query(model) -> PreparedQuery:
    return PreparedQuery(lambda pk: model._default_manager.filter(pk=pk), pk=model._meta.pk)


def route_child(parent: Page, slug: str):
    """`parent`'s child page with this slug in its specific form, or None: what Wagtail's
    `Page.route` finds for one level, in the same two queries, compiled once per process."""
    db = parent._state.db or "default"
    last = parent.path + Page.alphabet[-1] * Page.steplen
    found = _CHILD.fetch(depth=parent.depth + 1, first=parent.path, last=last, slug=slug, using=db)
    if not found:
        return None
    model = found[0].specific_class
    if model is None:  # a page type no longer in the code: Wagtail serves the base page
        return found[0]
    specific = _specific_query(model).fetch(pk=found[0].pk, using=db)
    if not specific:
        return None  # deleted between the two queries
    specific[0]._cached_parent_obj = parent  # as Wagtail does, for get_parent()
    return specific[0]
