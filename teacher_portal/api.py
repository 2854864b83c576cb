"""The JSON API for school IT, at /api/v1/ (OpenAPI document at /api/v1/openapi.json).

Every request carries a school's API token (`Authorization: Bearer sw_…`) and every query is
scoped to that token's school: another school's records do not exist as far as a token can tell
(404, never 403). Pupil data is the minimum: a display name and a year group.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer

from schools.models import TeachingGroup

from .services import api_token_authenticate

PAGE_SIZE = 50


class SchoolToken(HttpBearer):
    """A school's API token; `request.auth` becomes the ApiToken (and so its school)."""

    def authenticate(self, request, token):
        return api_token_authenticate(raw=token)


api = NinjaAPI(
    title="Streamwise API",
    version="1",
    description=(
        "Read-only access to one school's classes for the school's own IT systems. "
        "Authenticate with a token made by a school admin in the teacher portal: "
        "`Authorization: Bearer <token>`."
    ),
    auth=SchoolToken(),
    urls_namespace="streamwise_api",
    # The interactive docs page loads its code from a CDN; Streamwise serves nothing from one.
    docs_url=None,
)


class ClassOut(Schema):
    id: int
    name: str
    year_group: int


class PupilOut(Schema):
    display_name: str
    year_group: int


def _school_classes(request):
    return TeachingGroup.objects.active().filter(school=request.auth.school)


@api.get("/classes", response=list[ClassOut], tags=["classes"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_classes(request):
    """The school's classes (not archived ones), by year group and name."""
    return _school_classes(request).order_by("year_group", "name", "pk")


@api.get("/classes/{class_id}/pupils", response=list[PupilOut], tags=["classes"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_class_pupils(request, class_id: int):
    """The pupils of one of the school's classes, by name."""
    group = get_object_or_404(_school_classes(request), pk=class_id)
    return group.pupils.active().order_by("display_name", "pk")
