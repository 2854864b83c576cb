from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.models import Pupil, TeachingGroup
from schools.permissions import teacher_required
from schools.pictures import pictures_for
from schools.services import pupil_login_reset


@teacher_required
def home(request):
    groups = TeachingGroup.objects.visible_to(request.user).active().order_by("year_group", "name")
    return render(request, "teacher_portal/home.html", {"groups": groups})


@teacher_required
def class_detail(request, pk):
    group = get_object_or_404(TeachingGroup.objects.visible_to(request.user), pk=pk)
    pupils = group.pupils.active().order_by("display_name")
    return render(request, "teacher_portal/class_detail.html", {"group": group, "pupils": pupils})


@teacher_required
def pupil_detail(request, pk):
    pupil = get_object_or_404(
        Pupil.objects.visible_to(request.user).prefetch_related("teaching_groups"), pk=pk
    )
    return render(request, "teacher_portal/pupil_detail.html", {"pupil": pupil})


@teacher_required
@require_POST
def pupil_reset_login(request, pk):
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pk)
    credentials = pupil_login_reset(pupil=pupil)
    messages.success(
        request, _("%(name)s has a new login and can log in now.") % {"name": pupil.display_name}
    )
    return render(
        request,
        "teacher_portal/pupil_detail.html",
        {
            "pupil": pupil,
            "new_password": credentials.password,
            "new_pictures": pictures_for(credentials.picture_password),
        },
    )
