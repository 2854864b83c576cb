from oauth2_provider.oauth2_validators import OAuth2Validator


class TenantValidator(OAuth2Validator):
    # Every claim below goes in the id token and userinfo, whatever scope was asked for.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        account = user.idp_account
        return {
            "email": user.email,
            "email_verified": account.email_verified,
            "name": user.get_full_name() or user.username,
            "tid": account.tenant,
            "amr": account.amr.split(),
        }
