from __future__ import annotations

import time

import jwt
from allauth.socialaccount.providers.microsoft.views import MicrosoftGraphOAuth2Adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

# The claims Streamwise keeps from Microsoft's id token.
KEPT_CLAIMS = ("iss", "tid", "oid", "amr", "acrs", "email", "preferred_username")


def microsoft_id_token_claims(id_token: str, *, client_id: str, login_url: str) -> dict:
    """The claims of the id token Microsoft's token endpoint returned, checked.

    The token came straight from the token endpoint, over TLS, in exchange for our client
    secret, so (as OpenID Connect Core 3.1.3.7 allows, and as allauth does for Google and
    OpenID Connect) its signature is not checked again; its audience, issuer and expiry are.
    """
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise OAuth2Error("Microsoft's id token could not be read") from error
    tenant = str(claims.get("tid") or "")
    if claims.get("aud") != client_id:
        raise OAuth2Error("Microsoft's id token is for another app")
    if not tenant or claims.get("iss") != f"{login_url.rstrip('/')}/{tenant}/v2.0":
        raise OAuth2Error("Microsoft's id token has an unexpected issuer")
    if float(claims.get("exp", 0)) < time.time() - 60:
        raise OAuth2Error("Microsoft's id token has expired")
    return {name: claims[name] for name in KEPT_CLAIMS if name in claims}


class SchoolMicrosoftAdapter(MicrosoftGraphOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        id_token = (kwargs.get("response") or {}).get("id_token")
        if not id_token:
            raise OAuth2Error("Microsoft sent no id token (is the openid scope granted?)")
        login.account.extra_data["id_token"] = microsoft_id_token_claims(
            id_token,
            client_id=app.client_id,
            login_url=app.settings.get("login_url", "https://login.microsoftonline.com"),
        )
        return login


oauth2_login = OAuth2LoginView.adapter_view(SchoolMicrosoftAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(SchoolMicrosoftAdapter)
