"""The quick exit ("hide this page"): a neutral address that does not say "safeguarding"."""

from django.urls import path

from safeguarding.views import quick_exit

urlpatterns = [
    path("times-tables/", quick_exit, name="times_tables"),
]
