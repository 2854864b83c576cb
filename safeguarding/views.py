from django.shortcuts import render

from schools.permissions import staff_school

from .permissions import dsl_required


@dsl_required
def home(request):
    return render(request, "safeguarding/home.html", {"school": staff_school(request.user)})
