from django.urls import path

from . import certificate_views, check_views, views

urlpatterns = [
    path("", views.learn_home, name="learn_home"),
    path(
        "modules/<int:module_id>/check/<str:phase>/",
        check_views.module_check_start,
        name="learn_module_check",
    ),
    path(
        "certificates/<int:module_pk>/",
        certificate_views.pupil_certificate,
        name="pupil_certificate",
    ),
]
