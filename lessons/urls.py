from django.urls import path

from . import certificate_views, views

urlpatterns = [
    path("", views.learn_home, name="learn_home"),
    path(
        "certificates/<int:module_pk>/",
        certificate_views.pupil_certificate,
        name="pupil_certificate",
    ),
]
