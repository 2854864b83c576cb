from django.urls import path

from . import views

app_name = "safeguarding"
urlpatterns = [
    path("", views.home, name="home"),
]
