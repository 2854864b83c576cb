"""allauth's Microsoft provider, also reading the id token's tenant (tid) and methods (amr).

Enabled by `SOCIALACCOUNT_PROVIDERS["microsoft"]["provider_class"]` in settings; its URLs and
its provider id ("microsoft") are allauth's.
"""
