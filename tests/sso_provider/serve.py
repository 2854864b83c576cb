"""Run the test OpenID Connect provider: `python -m tests.sso_provider.serve PORT`.

Environment: IDP_DATABASE (a new SQLite file), IDP_CLIENT_ID, IDP_CLIENT_SECRET and
IDP_REDIRECT_URI (the site's callback). Prints "ready" once it serves.
"""

import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# People of two organisations. Passwords are the username backwards; codes are one-time codes.
PEOPLE = [
    # username, email, tenant, email verified, one-time code
    ("teacher-a", "teacher@school-a.example", "tenant-a", True, ""),
    ("dsl-a", "dsl@school-a.example", "tenant-a", True, "246810"),
    ("stranger-a", "stranger@school-a.example", "tenant-a", True, ""),
    ("unverified-a", "teacher@school-a.example", "tenant-a", False, ""),
    # Another organisation's account that claims school A's teacher's address.
    ("teacher-b", "teacher@school-a.example", "tenant-b", True, ""),
]


def main(port: int) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["IDP_RSA_PRIVATE_KEY"] = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    os.environ["IDP_ISSUER"] = f"http://127.0.0.1:{port}/o"
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on the loopback only
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso_provider.settings"

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run
    from oauth2_provider.models import Application

    from tests.sso_provider.models import IdpAccount

    call_command("migrate", run_syncdb=True, verbosity=0)
    for username, email, tenant, verified, code in PEOPLE:
        user = User.objects.create_user(username, email, username[::-1])
        IdpAccount.objects.create(
            user=user, tenant=tenant, email_verified=verified, one_time_code=code
        )
    Application.objects.create(
        name="Streamwise",
        client_id=os.environ["IDP_CLIENT_ID"],
        client_secret=os.environ["IDP_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["IDP_REDIRECT_URI"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    print("ready", flush=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso_provider.settings"
    run("127.0.0.1", port, get_internal_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    main(int(sys.argv[1]))
