"""Where a signed-in person lands: one address that sends each role to its own start page,
and where staff of several schools choose the school they are working in."""

from django.urls import path

from schools.views import home_for_user, school_switch

urlpatterns = [
    path("home/", home_for_user, name="home_for_user"),
    path("home/school/", school_switch, name="school_switch"),
]
