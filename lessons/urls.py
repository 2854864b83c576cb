from django.urls import path

from . import check_views, views

urlpatterns = [
    path("", views.learn_home, name="learn_home"),
    path(
        "modules/<int:module_id>/check/<str:phase>/",
        check_views.module_check_start,
        name="learn_module_check",
    ),
]
