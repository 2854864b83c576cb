from django.urls import path

from . import views

urlpatterns = [
    path("", views.pupil_login_code, name="pupil_login"),
    path("name/", views.pupil_login_name, name="pupil_login_name"),
    path("pictures/", views.pupil_login_secret, name="pupil_login_secret"),
    path("logout/", views.pupil_logout, name="pupil_logout"),
]
