from django.shortcuts import render

from schools.permissions import get_pupil, pupil_required


@pupil_required
def learn_home(request):
    pupil = get_pupil(request.user)
    return render(
        request,
        "lessons/learn_home.html",
        {"pupil": pupil, "age_band": pupil.age_band.value},
    )
