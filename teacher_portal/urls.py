from django.urls import path

from . import views

app_name = "teacher_portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil_detail"),
    path("pupils/<int:pk>/reset-login/", views.pupil_reset_login, name="pupil_reset_login"),
]
