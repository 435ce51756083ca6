"""Sign-up, when settings.PIZHU_ALLOW_SIGNUP lets anyone create an account."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .throttling import throttle_signups


@require_http_methods(["GET", "HEAD", "POST"])
@throttle_signups
def signup(request):
    """Create an account and log in with it; 404 unless sign-up is switched on."""
    if not settings.PIZHU_ALLOW_SIGNUP:
        raise Http404("Sign-up is closed: ask an admin for an account.")
    target = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    if request.user.is_authenticated:
        return redirect(target or settings.LOGIN_REDIRECT_URL)
    form = UserCreationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(target or settings.LOGIN_REDIRECT_URL)
    context = {"form": form, "next": target}
    return render(
        request, "registration/signup.html", context, status=422 if form.is_bound else 200
    )
