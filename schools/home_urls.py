"""Where a signed-in person lands: one address that sends each role to its own start page."""

from django.urls import path

from schools.views import home_for_user

urlpatterns = [
    path("home/", home_for_user, name="home_for_user"),
]
