from django.conf import settings
from django.db import models


class IdpAccount(models.Model):
    """What this test provider knows of a person beyond their user row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idp_account"
    )
    tenant = models.CharField(max_length=64)
    email_verified = models.BooleanField(default=True)
    one_time_code = models.CharField(max_length=12, blank=True)
    # The methods of the person's latest sign-in here, space-separated ("pwd" or "pwd mfa").
    amr = models.CharField(max_length=64, default="pwd")

    class Meta:
        app_label = "sso_provider"

    def __str__(self):
        return f"{self.user} ({self.tenant})"
