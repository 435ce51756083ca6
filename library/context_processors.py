from django.conf import settings


def accounts(request):
    """`allow_signup`: whether the pages offer a sign-up link (PIZHU_ALLOW_SIGNUP)."""
    return {"allow_signup": settings.PIZHU_ALLOW_SIGNUP}
