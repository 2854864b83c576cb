from django.urls import path

from . import card_views, views

urlpatterns = [
    path("", views.pupil_login_code, name="pupil_login"),
    path("name/", views.pupil_login_name, name="pupil_login_name"),
    path("pictures/", views.pupil_login_secret, name="pupil_login_secret"),
    path("card/", card_views.pupil_login_card, name="pupil_login_card"),
    path("logout/", views.pupil_logout, name="pupil_logout"),
]
