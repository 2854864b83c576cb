"""A real OpenID Connect provider (django-oauth-toolkit) for the single sign-on tests.

`serve.py` runs it in its own process, with its own settings and SQLite file, on a port the
test picks: two organisations ("tenants"), whose id tokens carry `tid`, `email_verified` and
`amr` ("pwd", plus "mfa" when the person typed their one-time code at this provider).
"""
