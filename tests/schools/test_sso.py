"""Staff single sign-on: who the adapter lets in, and the Microsoft id token checks."""

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from schools.models import SchoolSignIn, SignInKind, StaffRole
from schools.services import staff_role_grant
from schools.sso import SchoolSignInAdapter, provider_says_mfa
from schools.sso_microsoft.views import microsoft_id_token_claims
from tests import factories

TENANT_A = "11111111-2222-3333-4444-555555555555"
TENANT_B = "99999999-8888-7777-6666-555555555555"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def providers(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {
            "provider_class": "schools.sso_microsoft.provider.SchoolMicrosoftProvider",
            "APPS": [
                {"client_id": "ms-app", "secret": "s", "settings": {"tenant": "organizations"}}
            ],
        },
        "google": {"APPS": [{"client_id": "g-app", "secret": "s"}]},
    }


@pytest.fixture
def school():
    school = factories.SchoolFactory(name="Oak", slug="oak")
    SchoolSignIn.objects.create(
        school=school, provider="microsoft", kind=SignInKind.MICROSOFT, tenant=TENANT_A
    )
    SchoolSignIn.objects.create(
        school=school, provider="google", kind=SignInKind.GOOGLE, tenant="oak.sch.uk"
    )
    return school


def _request():
    request = RequestFactory().get("/accounts/oidc/callback/")
    request.session = SessionStore()
    return request


def microsoft_login(email, *, tid=TENANT_A, amr=None, uid="ms-1"):
    claims = {"tid": tid, "iss": f"https://login.microsoftonline.com/{tid}/v2.0"}
    if amr is not None:
        claims["amr"] = amr
    data = {"id": uid, "mail": email, "id_token": claims}
    account = SocialAccount(provider="microsoft", uid=uid, extra_data=data)
    return SocialLogin(account=account, user=get_user_model()(email=email), email_addresses=[])


def google_login(email, *, hd="oak.sch.uk", verified=True, uid="g-1"):
    data = {"sub": uid, "email": email, "email_verified": verified, "iss": "x"}
    if hd:
        data["hd"] = hd
    account = SocialAccount(provider="google", uid=uid, extra_data=data)
    return SocialLogin(
        account=account,
        user=get_user_model()(email=email),
        email_addresses=[EmailAddress(email=email, verified=verified, primary=True)],
    )


def run(sociallogin, user=None):
    request = _request()
    request.user = user or AnonymousUser()
    SchoolSignInAdapter().pre_social_login(request, sociallogin)
    return sociallogin


def refused(sociallogin) -> str:
    with pytest.raises(ImmediateHttpResponse) as refusal:
        run(sociallogin)
    assert refusal.value.response.status_code == 403
    return refusal.value.response.content.decode()


def test_signup_is_closed():
    assert SchoolSignInAdapter().is_open_for_signup(_request(), None) is False


def test_an_existing_teacher_of_the_linked_tenant_is_connected_and_signed_in(school):
    teacher = factories.staff(school, StaffRole.TEACHER, email="Jo.Bloggs@oak.sch.uk")
    login = run(microsoft_login("jo.bloggs@OAK.sch.uk"))
    assert login.user == teacher
    assert SocialAccount.objects.get(provider="microsoft", uid="ms-1").user == teacher
    # Next time the saved link is used, and checked again.
    assert run(google_login("jo.bloggs@oak.sch.uk")).user == teacher


def test_unknown_person_is_refused_with_a_kind_message(school):
    page = refused(microsoft_login("nobody@oak.sch.uk"))
    assert "This Microsoft account isn&#x27;t linked to a Streamwise account at your school" in page
    assert not SocialAccount.objects.exists()


def test_another_tenant_is_refused_even_with_a_staff_email(school):
    factories.staff(school, StaffRole.TEACHER, email="jo@oak.sch.uk")
    assert "no school on Streamwise has linked" in refused(
        microsoft_login("jo@oak.sch.uk", tid=TENANT_B)
    )
    assert "no school on Streamwise has linked" in refused(
        google_login("jo@oak.sch.uk", hd="evil.example")
    )
    assert "no school on Streamwise has linked" in refused(google_login("jo@oak.sch.uk", hd=None))


def test_no_match_across_schools(school):
    other = factories.SchoolFactory(name="Ash", slug="ash")
    SchoolSignIn.objects.create(
        school=other, provider="microsoft", kind=SignInKind.MICROSOFT, tenant=TENANT_B
    )
    factories.staff(school, StaffRole.TEACHER, email="jo@oak.sch.uk")
    # Tenant B is linked, but to Ash: Oak's teacher is not reachable through it.
    assert "isn&#x27;t linked to a Streamwise account" in refused(
        microsoft_login("jo@oak.sch.uk", tid=TENANT_B)
    )


def test_unverified_email_is_refused(school):
    factories.staff(school, StaffRole.TEACHER, email="jo@oak.sch.uk")
    assert "didn&#x27;t confirm" in refused(google_login("jo@oak.sch.uk", verified=False))


def test_a_saved_link_to_someone_else_is_refused(school):
    first = factories.staff(school, StaffRole.TEACHER, email="jo@oak.sch.uk")
    factories.staff(school, StaffRole.TEACHER, email="sam@oak.sch.uk")
    SocialAccount.objects.create(user=first, provider="microsoft", uid="ms-9")
    login = microsoft_login("sam@oak.sch.uk", uid="ms-9")
    login.lookup()
    assert "isn&#x27;t linked" in refused(login)


def test_pupils_and_inactive_staff_never_match(school):
    group = factories.TeachingGroupFactory(school=school)
    pupil_user = factories.pupil(group, "Isla").pupil.user
    pupil_user.email = "isla@oak.sch.uk"
    pupil_user.save()
    assert "isn&#x27;t linked" in refused(microsoft_login("isla@oak.sch.uk"))
    gone = factories.staff(school, StaffRole.TEACHER, email="gone@oak.sch.uk")
    gone.is_active = False
    gone.save()
    assert "isn&#x27;t linked" in refused(microsoft_login("gone@oak.sch.uk"))


def test_connecting_a_provider_account_to_someone_elses_account_is_refused(school):
    jo = factories.staff(school, StaffRole.TEACHER, email="jo@oak.sch.uk")
    sam = factories.staff(school, StaffRole.TEACHER, email="sam@oak.sch.uk")
    login = microsoft_login("jo@oak.sch.uk")
    login.state["process"] = "connect"
    with pytest.raises(ImmediateHttpResponse):
        run(login, user=sam)
    run(login, user=jo)  # one's own: allauth then connects it
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize(
    ("trusted", "amr", "skips"),
    [
        (False, ["pwd", "mfa"], False),
        (True, ["pwd"], False),
        (True, None, False),
        (True, ["pwd", "mfa"], True),
        (True, ["otp"], True),
    ],
)
def test_provider_mfa_counts_only_when_trusted_and_used(school, trusted, amr, skips):
    school.sign_in_links.update(trust_provider_mfa=trusted)
    factories.staff(school, StaffRole.DSL, email="dsl@oak.sch.uk")
    login = run(microsoft_login("dsl@oak.sch.uk", amr=amr))
    assert login.state["streamwise_provider_mfa"] is skips


def test_amr_values():
    assert provider_says_mfa({"amr": ["pwd", "mfa"]})
    assert provider_says_mfa({"amr": "otp"})
    assert not provider_says_mfa({"amr": ["pwd"]})
    assert not provider_says_mfa({})


def _token(**claims):
    base = {
        "aud": "ms-app",
        "tid": TENANT_A,
        "iss": f"https://login.microsoftonline.com/{TENANT_A}/v2.0",
        "exp": int(time.time()) + 300,
        "amr": ["pwd", "mfa"],
    }
    return jwt.encode({**base, **claims}, "k" * 32, algorithm="HS256")


def test_microsoft_id_token_claims_are_checked():
    args = {"client_id": "ms-app", "login_url": "https://login.microsoftonline.com"}
    claims = microsoft_id_token_claims(_token(), **args)
    assert claims["tid"] == TENANT_A and claims["amr"] == ["pwd", "mfa"]
    for bad in (
        _token(aud="another-app"),
        _token(iss=f"https://login.microsoftonline.com/{TENANT_B}/v2.0"),
        _token(tid=""),
        _token(exp=int(time.time()) - 3600),
        "not-a-token",
    ):
        with pytest.raises(OAuth2Error):
            microsoft_id_token_claims(bad, **args)


def test_the_login_page_shows_a_button_only_for_providers_set_up_here(client, settings):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Microsoft" in page and "Sign in with Google" in page
    assert 'action="/accounts/microsoft/login/?process=login"' in page
    settings.SOCIALACCOUNT_PROVIDERS = {"google": settings.SOCIALACCOUNT_PROVIDERS["google"]}
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Google" in page and "Sign in with Microsoft" not in page
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in page and "Or use your school account" not in page


def test_microsoft_sign_in_asks_for_an_id_token_from_any_organisation(client):
    response = client.post("/accounts/microsoft/login/?process=login")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://login.microsoftonline.com/organizations/oauth2/v2.0/")
    scope = parse_qs(urlsplit(location).query)["scope"][0].split()
    assert sorted(scope) == ["User.Read", "email", "openid", "profile"]


def test_microsoft_login_keeps_the_id_token_claims_and_signs_in_a_teacher(school, monkeypatch):
    """allauth's Microsoft flow with our adapter: Graph's profile (faked: the network is not
    reached) plus the id token from the token response, then the school's rules."""
    from unittest import mock

    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialToken

    from schools.sso_microsoft.views import SchoolMicrosoftAdapter

    teacher = factories.staff(school, StaffRole.TEACHER, email="jo@oak.sch.uk")
    graph = mock.Mock(status_code=200)
    graph.json.return_value = {"id": "graph-1", "mail": "jo@oak.sch.uk", "displayName": "Jo"}
    monkeypatch.setattr("requests.Session.get", lambda *args, **kwargs: graph)
    request = _request()
    request.user = AnonymousUser()
    app = get_adapter().get_app(request, provider="microsoft")
    with mock.patch("allauth.core.context._request_var") as var:
        var.get.return_value = request
        login = SchoolMicrosoftAdapter(request).complete_login(
            request, app, SocialToken(token="access"), response={"id_token": _token(aud="ms-app")}
        )
    assert login.account.extra_data["id_token"]["tid"] == TENANT_A
    SchoolSignInAdapter().pre_social_login(request, login)
    assert login.user == teacher
    with pytest.raises(OAuth2Error):
        SchoolMicrosoftAdapter(request).complete_login(
            request, app, SocialToken(token="access"), response={}
        )


def test_a_lead_of_two_schools_skips_the_code_only_if_both_trust_the_provider(school):
    other = factories.SchoolFactory(name="Ash", slug="ash")
    SchoolSignIn.objects.create(
        school=other, provider="microsoft", kind=SignInKind.MICROSOFT, tenant=TENANT_A
    )
    school.sign_in_links.update(trust_provider_mfa=True)
    lead = factories.staff(school, StaffRole.TEACHER, email="lead@oak.sch.uk")
    # The same person is the DSL at Ash, which does not trust the provider.
    staff_role_grant(user=lead, school=other, role=StaffRole.DSL)
    login = run(microsoft_login("lead@oak.sch.uk", amr=["pwd", "mfa"]))
    assert login.state["streamwise_provider_mfa"] is False
    other.sign_in_links.update(trust_provider_mfa=True)
    login = microsoft_login("lead@oak.sch.uk", amr=["pwd", "mfa"])
    login.lookup()  # signed in before: the saved link
    login = run(login)
    assert login.state["streamwise_provider_mfa"] is True
