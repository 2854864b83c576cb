from django.http import HttpResponse
from django.urls import path

from streamwise.urls import urlpatterns as streamwise_urlpatterns


def trivial(request):
    """The floor: a view that does nothing, through the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *streamwise_urlpatterns]
