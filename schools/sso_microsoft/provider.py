from allauth.socialaccount.providers.microsoft.provider import MicrosoftGraphProvider

from .views import SchoolMicrosoftAdapter


class SchoolMicrosoftProvider(MicrosoftGraphProvider):
    oauth2_adapter_class = SchoolMicrosoftAdapter

    def get_default_scope(self):
        # openid: an id token, whose tid says which organisation signed the person in.
        return ["openid", "email", "profile", "User.Read"]


provider_classes = [SchoolMicrosoftProvider]
