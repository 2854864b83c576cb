"""The school admin's page that links the school to its Microsoft, Google or other sign-in."""

from __future__ import annotations

import re

from allauth.socialaccount.adapter import get_adapter
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from teacher_portal.permissions import school_admin_view

from .sso import provider_kind
from .sso_models import SchoolSignIn, SignInKind

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)


def configured_providers(request) -> list[tuple[str, str]]:
    """(provider id, name) for each sign-in provider this deployment has set up."""
    return [(provider.sub_id, provider.name) for provider in get_adapter().list_providers(request)]


class SchoolSignInForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("Sign-in provider"))
    tenant = forms.CharField(
        label=gettext_lazy("Tenant id, Workspace domain or organisation"),
        required=False,
        max_length=255,
        help_text=gettext_lazy(
            "Microsoft: your directory (tenant) id, as in the Entra admin centre's overview. "
            "Google: your Workspace domain, e.g. myschool.org.uk. Another provider: the value "
            "of the claim below that names your school, if it has one."
        ),
    )
    issuer = forms.CharField(
        label=gettext_lazy("Issuer (another provider only)"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("The issuer (iss) your provider's sign-in tokens carry."),
    )
    tenant_claim = forms.CharField(
        label=gettext_lazy("Claim naming your school (another provider only)"),
        required=False,
        max_length=64,
    )
    trust_provider_mfa = forms.BooleanField(
        label=gettext_lazy("Trust the provider's two-step verification"),
        required=False,
        help_text=gettext_lazy(
            "Only if your provider makes safeguarding leads use a second factor. When it says it "
            "did, they skip Streamwise's own code; when it doesn't say so, they are asked for it."
        ),
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = providers

    def clean(self):
        data = super().clean()
        kind = provider_kind(data.get("provider") or "")
        data["kind"] = kind
        tenant = (data.get("tenant") or "").strip()
        if kind == SignInKind.MICROSOFT:
            if not GUID.match(tenant):
                self.add_error(
                    "tenant",
                    _(
                        "Enter your Microsoft tenant id: 32 letters and digits in five groups, "
                        "like 72f988bf-86f1-41af-91ab-2d7cd011db47."
                    ),
                )
            data["issuer"] = data["tenant_claim"] = ""
        elif kind == SignInKind.GOOGLE:
            tenant = tenant.lower().removeprefix("@")
            if not DOMAIN.match(tenant):
                self.add_error("tenant", _("Enter your Workspace domain, e.g. myschool.org.uk."))
            data["issuer"] = data["tenant_claim"] = ""
        else:
            if not (data.get("issuer") or "").strip():
                self.add_error("issuer", _("Enter the issuer your provider's tokens carry."))
            if bool(tenant) != bool((data.get("tenant_claim") or "").strip()):
                self.add_error(
                    "tenant_claim",
                    _("Give both the claim and its value for your school, or neither."),
                )
        data["tenant"] = tenant
        return data


@school_admin_view
@require_http_methods(["GET", "POST"])
def sso_links(request, *, school):
    providers = configured_providers(request)
    form = SchoolSignInForm(request.POST or None, providers=providers)
    if request.method == "POST" and "remove" in request.POST:
        link_id = request.POST.get("remove", "")
        if not (link_id.isascii() and link_id.isdigit()) or len(link_id) > 18:
            raise Http404
        link = get_object_or_404(SchoolSignIn, school=school, pk=int(link_id))
        link.delete()
        messages.success(request, _("Single sign-on link removed."))
        return redirect("teacher_portal:sso_links")
    if request.method == "POST" and providers and form.is_valid():
        data = form.cleaned_data
        SchoolSignIn.objects.update_or_create(
            school=school,
            provider=data["provider"],
            defaults={
                "kind": data["kind"],
                "tenant": data["tenant"],
                "issuer": data["issuer"].strip(),
                "tenant_claim": data["tenant_claim"].strip(),
                "trust_provider_mfa": data["trust_provider_mfa"],
                "created_by": request.user,
            },
        )
        messages.success(request, _("Saved. Staff can now sign in with it."))
        return redirect("teacher_portal:sso_links")
    names = dict(providers)
    links = [
        {"link": link, "name": names.get(link.provider, link.provider)}
        for link in SchoolSignIn.objects.filter(school=school).order_by("provider")
    ]
    return render(
        request,
        "schools/sso_links.html",
        {"school": school, "form": form, "providers": providers, "links": links},
    )
