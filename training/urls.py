from django.urls import path

from . import school_views, views

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<slug:slug>/", views.course, name="course"),
    path(
        "courses/<slug:slug>/activity/<str:activity_id>/",
        views.course_activity,
        name="course_activity",
    ),
    path("courses/<slug:slug>/quiz/", views.quiz, name="quiz"),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
    path("part-one/", views.part_one_sign, name="part_one_sign"),
    path("school/", school_views.school_training, name="school"),
    path("school/export.<str:fmt>", school_views.school_export, name="school_export"),
    path("school/assign/", school_views.assign, name="assign"),
    path("school/settings/", school_views.school_settings, name="settings"),
]
