from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoCSPMiddleware


class ContentSecurityPolicyMiddleware(DjangoCSPMiddleware):
    """Django's CSP middleware, applied to every page except the Wagtail admin.

    The Wagtail admin is a trusted editors' tool that relies on inline scripts and styles, so it
    keeps Wagtail's own protections; pupil, teacher and DSL pages all get the strict policy.
    """

    exempt_prefixes = ("/admin/",)

    def process_response(self, request, response):
        if request.path.startswith(self.exempt_prefixes):
            return response
        return super().process_response(request, response)
