"""The recovery-code screens: the codes shown once, sign-in with a code, new codes."""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from . import recovery
from .forms import PasswordForm, RecoveryCodeForm
from .twofactor import (
    OTP_MAX_FAILURES,
    SESSION_FAILURES,
    SETUP_URL_NAME,
    TOO_MANY_FAILURES,
    has_device,
)

RECOVERY_VERIFY_URL_NAME = "account_2fa_recovery_verify"
RECOVERY_CODES_URL_NAME = "account_2fa_recovery_codes"
CODES_TEMPLATE = "casework/accounts/recovery_codes.html"

CODES_EXPLANATION = gettext_lazy(
    "Se perdi il telefono o l'app non funziona, puoi accedere con uno di questi codici al posto "
    "del codice a 6 cifre. Ogni codice vale una sola volta. Stampali o copiali e conservali in un "
    "posto sicuro, lontano dal telefono: questa è l'unica volta che vengono mostrati. Se li perdi "
    "o li finisci, generane di nuovi da «Autenticazione a due fattori»: quelli vecchi smettono "
    "di funzionare."
)


def render_codes(request, codes, next_url, status=200):
    """The one page that ever shows the codes (never cached)."""
    return render(
        request,
        CODES_TEMPLATE,
        {"codes": codes, "explanation": CODES_EXPLANATION, "next": next_url},
        status=status,
    )


def _remaining_message(remaining):
    return ngettext(
        "Hai usato un codice di recupero: te ne resta %(count)d. Generane di nuovi da "
        "«Autenticazione a due fattori».",
        "Hai usato un codice di recupero: te ne restano %(count)d.",
        remaining,
    ) % {"count": remaining}


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class RecoveryVerifyView(View):
    """The second-factor prompt with a recovery code instead of the app's code."""

    template_name = "casework/accounts/recovery_verify.html"

    def get(self, request):
        from .views import _safe_next

        if request.user.is_verified():
            return HttpResponseRedirect(_safe_next(request, reverse("wagtailadmin_home")))
        if not has_device(request.user):
            return HttpResponseRedirect(reverse(SETUP_URL_NAME))
        return self.render(request, RecoveryCodeForm())

    def post(self, request):
        from .views import _safe_next

        form = RecoveryCodeForm(request.POST)
        if form.is_valid():
            try:
                device, remaining = recovery.use_recovery_code(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                failures = request.session.get(SESSION_FAILURES, 0) + 1
                if failures >= OTP_MAX_FAILURES:
                    logout(request)
                    messages.error(request, TOO_MANY_FAILURES)
                    return HttpResponseRedirect(reverse("wagtailadmin_login"))
                request.session[SESSION_FAILURES] = failures
                form.add_error("code", error)
            else:
                request.session.pop(SESSION_FAILURES, None)
                otp_login(request, device)
                messages.warning(request, _remaining_message(remaining))
                return HttpResponseRedirect(_safe_next(request, reverse("wagtailadmin_home")))
        return self.render(request, form)

    def render(self, request, form):
        from .views import _safe_next

        return render(request, self.template_name, {"form": form, "next": _safe_next(request, "")})


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class RecoveryCodesView(View):
    """How many codes are left, and new ones after the password (the old ones stop working)."""

    template_name = "casework/accounts/recovery_regenerate.html"

    def get(self, request):
        return self.render(request, PasswordForm())

    def post(self, request):
        form = PasswordForm(request.POST)
        if form.is_valid():
            try:
                codes = recovery.regenerate_recovery_codes(
                    user=request.user, password=form.cleaned_data["password"], request=request
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        for item in errors:
                            form.add_error(field, item)
                else:
                    form.add_error(None, error)
            else:
                return render_codes(request, codes, reverse("account_2fa_devices"))
        return self.render(request, form)

    def render(self, request, form):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "remaining": recovery.remaining_codes(request.user),
                "has_codes": recovery.recovery_device(request.user) is not None,
            },
        )
