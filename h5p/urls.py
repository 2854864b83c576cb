"""URLs of the H5P app. Include them once, e.g. ``path("h5p/", include("h5p.urls"))``.

The same patterns answer on two hosts: the player and files on the H5P origin only, the xAPI
intake on the site only (each view returns 404 on the other host).
"""

from django.urls import path

from . import views

app_name = "h5p"

urlpatterns = [
    path("play/<uuid:key>/", views.play, name="play"),
    path("content/<uuid:key>/h5p.json", views.h5p_json, name="h5p_json"),
    path("content/<uuid:key>/content/content.json", views.content_json, name="content_json"),
    path("content/<uuid:key>/content/<path:path>", views.content_file, name="content_file"),
    path("libraries/<str:folder>/library.json", views.library_json, name="library_json"),
    path("libraries/<str:folder>/<path:path>", views.library_file, name="library_file"),
    path("xapi/", views.xapi, name="xapi"),
]
