from html import escape

from django.contrib.auth import authenticate, login
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import url_has_allowed_host_and_scheme

PAGE = """<!doctype html><html lang="en"><head><title>Test school sign-in</title></head>
<body><main><h1>Test school sign-in</h1>{error}
<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">
<p><label for="u">Username</label> <input id="u" name="username"></p>
<p><label for="p">Password</label> <input id="p" name="password" type="password"></p>
<p><label for="c">One-time code (optional)</label> <input id="c" name="code"></p>
<p><button type="submit">Sign in to the provider</button></p></form></main></body></html>"""


def login_view(request):
    error = ""
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username"), password=request.POST.get("password")
        )
        if user is not None:
            account = user.idp_account
            code = request.POST.get("code", "").strip()
            account.amr = "pwd mfa" if code and code == account.one_time_code else "pwd"
            account.save()
            login(request, user)
            target = request.GET.get("next", "/")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target)
        error = "<p role='alert'>Wrong username or password.</p>"
    return HttpResponse(PAGE.format(error=error, csrf=escape(get_token(request))))


urlpatterns = [
    path("login/", login_view),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
