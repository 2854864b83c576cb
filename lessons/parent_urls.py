"""Public addresses of the parent and carer packs (included at `parents/` by the site)."""

from django.urls import path

from . import parent_views

app_name = "parents"
urlpatterns = [
    path("<slug:slug>/", parent_views.pack, name="pack"),
    path("<slug:slug>/pack.pdf", parent_views.pack_pdf, name="pack_pdf"),
]
