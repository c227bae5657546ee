"""The second-factor screens: verify, set up, list and remove devices."""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import recovery
from .demo import demo_code
from .forms import PasswordForm, SetupForm, TokenForm
from .recovery_views import (
    RECOVERY_CODES_URL_NAME,
    RECOVERY_VERIFY_URL_NAME,
    RecoveryCodesView,
    RecoveryVerifyView,
    render_codes,
)
from .twofactor import (
    DEVICES_URL_NAME,
    INVALID_CODE,
    OTP_MAX_FAILURES,
    REMOVE_URL_NAME,
    SESSION_FAILURES,
    SESSION_SETUP_DEVICE,
    SETUP_URL_NAME,
    THROTTLED,
    TOO_MANY_FAILURES,
    VERIFY_URL_NAME,
    WRONG_PASSWORD,
    _password_ok,
    has_demo_password,
    has_device,
)

DEMO_PASSWORD_REFUSED = gettext_lazy(
    "Questo account ha ancora la password dimostrativa, che è pubblica: chiunque la conosca "
    "potrebbe attivare il proprio telefono al posto tuo, quindi il secondo fattore non si può "
    "attivare. Scegli una nuova password con «Password dimenticata?» (il collegamento arriva "
    "all'indirizzo email dell'account) oppure chiedi all'amministratore di impostarla, poi "
    "accedi di nuovo."
)


def demo_password_response(request):
    """The first set-up of a second factor binds the account to whoever holds the password. With
    the published demo password that could be anybody, so the set-up is refused until the
    password is changed out of this session: by the reset link sent to the account's email
    (its screens are open before the second factor) or by an administrator. The in-admin password
    change is no way out: it sits behind the second factor, and whoever knows the demo password
    would pass it too. A page, not a redirect, so the middleware cannot loop."""
    return render(
        request,
        "casework/accounts/demo_password.html",
        {"message": DEMO_PASSWORD_REFUSED},
        status=403,
    )


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _verify(device, token):
    """``(ok, error)``; django-otp counts the failure and doubles the wait."""
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        return False, THROTTLED
    if device.verify_token((token or "").strip().replace(" ", "")):
        return True, None
    return False, INVALID_CODE


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class VerifyView(View):
    template_name = "casework/accounts/verify.html"

    def get(self, request):
        if request.user.is_verified():
            return HttpResponseRedirect(_safe_next(request, reverse("wagtailadmin_home")))
        if not has_device(request.user):
            return HttpResponseRedirect(reverse(SETUP_URL_NAME))
        return self.render(request, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
        if form.is_valid() and devices:
            error = INVALID_CODE
            for device in devices:
                ok, error = _verify(device, form.cleaned_data["otp_token"])
                if ok:
                    request.session.pop(SESSION_FAILURES, None)
                    otp_login(request, device)
                    return HttpResponseRedirect(_safe_next(request, reverse("wagtailadmin_home")))
            failures = request.session.get(SESSION_FAILURES, 0) + 1
            if failures >= OTP_MAX_FAILURES:
                logout(request)
                messages.error(request, TOO_MANY_FAILURES)
                return HttpResponseRedirect(reverse("wagtailadmin_login"))
            request.session[SESSION_FAILURES] = failures
            form.add_error("otp_token", error)
        return self.render(request, form, status=200)

    def render(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {"form": form, "next": _safe_next(request, ""), "demo_code": demo_code(request.user)},
            status=status,
        )


def _qr_svg(device):
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    # Built by qrcode from our own URL: no user text goes into it.
    return mark_safe(image.to_string(encoding="unicode"))


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class SetupView(View):
    """A new TOTP device: QR code (and the key for manual entry), the account's password and one
    code from the app. An account that already has a device must have used it in this session."""

    template_name = "casework/accounts/setup.html"

    def dispatch(self, request, *args, **kwargs):
        if has_device(request.user):
            if not request.user.is_verified():
                return HttpResponseRedirect(reverse(VERIFY_URL_NAME))
        elif has_demo_password(request.user):
            return demo_password_response(request)
        return super().dispatch(request, *args, **kwargs)

    def pending_device(self, request, create):
        device_id = request.session.get(SESSION_SETUP_DEVICE)
        device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
        if device is None and create:
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=request.user, name="", confirmed=False)
            request.session[SESSION_SETUP_DEVICE] = device.pk
        return device

    def get(self, request):
        device = self.pending_device(request, create=True)
        return self.render(request, SetupForm(), device)

    def post(self, request):
        device = self.pending_device(request, create=False)
        form = SetupForm(request.POST)
        if device is None:
            return HttpResponseRedirect(reverse(SETUP_URL_NAME))
        if form.is_valid():
            if not _password_ok(request, form.cleaned_data["password"]):
                form.add_error("password", WRONG_PASSWORD)
            else:
                ok, error = _verify(device, form.cleaned_data["otp_token"])
                if ok:
                    device.name = form.cleaned_data["name"]
                    device.confirmed = True
                    device.save()
                    request.session.pop(SESSION_SETUP_DEVICE, None)
                    otp_login(request, device)
                    messages.success(
                        request, _("Dispositivo attivato: da ora l'accesso chiede il codice.")
                    )
                    next_url = _safe_next(request, reverse(DEVICES_URL_NAME))
                    if recovery.recovery_device(request.user) is None:
                        # The first device: its recovery codes, shown this once.
                        codes = recovery.generate_recovery_codes(user=request.user)
                        return render_codes(request, codes, next_url)
                    return HttpResponseRedirect(next_url)
                form.add_error("otp_token", error)
        return self.render(request, form, device)

    def render(self, request, form, device):
        secret = base64.b32encode(device.bin_key).decode("ascii")
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "qr_svg": _qr_svg(device),
                "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                "next": _safe_next(request, ""),
            },
        )


@method_decorator(never_cache, name="dispatch")
class DevicesView(View):
    template_name = "casework/accounts/devices.html"

    def get(self, request):
        devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=True)
        return render(
            request,
            self.template_name,
            {
                "devices": devices,
                "form": PasswordForm(),
                "required": settings.ZO_REQUIRE_2FA,
                "recovery_remaining": recovery.remaining_codes(request.user),
                "has_recovery_codes": recovery.recovery_device(request.user) is not None,
            },
        )


@method_decorator([never_cache, sensitive_post_parameters()], name="dispatch")
class RemoveView(View):
    """Removes one of the user's own devices (a superuser may remove anybody's, for a lost phone),
    after the acting user's password."""

    def post(self, request, pk):
        device = TOTPDevice.objects.filter(pk=pk, confirmed=True).first()
        if device is None or (device.user_id != request.user.pk and not request.user.is_superuser):
            raise Http404
        form = PasswordForm(request.POST)
        if not form.is_valid() or not _password_ok(request, form.cleaned_data["password"]):
            messages.error(request, WRONG_PASSWORD)
            return HttpResponseRedirect(reverse(DEVICES_URL_NAME))
        owner = device.user
        device.delete()
        if not TOTPDevice.objects.filter(user=owner, confirmed=True).exists():
            # Without an app the codes would stand in for it for good: they go with the last one.
            recovery.delete_recovery_codes(user=owner)
        messages.success(request, _("Dispositivo rimosso."))
        return HttpResponseRedirect(reverse(DEVICES_URL_NAME))


def urlpatterns():
    """Registered through ``register_admin_urls``: they need a signed-in admin user."""
    return [
        path("2fa/verify/", VerifyView.as_view(), name=VERIFY_URL_NAME),
        path("2fa/setup/", SetupView.as_view(), name=SETUP_URL_NAME),
        path("2fa/", DevicesView.as_view(), name=DEVICES_URL_NAME),
        path("2fa/<int:pk>/remove/", RemoveView.as_view(), name=REMOVE_URL_NAME),
        path("2fa/verify/recupero/", RecoveryVerifyView.as_view(), name=RECOVERY_VERIFY_URL_NAME),
        path("2fa/codici-di-recupero/", RecoveryCodesView.as_view(), name=RECOVERY_CODES_URL_NAME),
    ]


def account_menu_item(request):
    return {
        "url": reverse(DEVICES_URL_NAME),
        "label": _("Autenticazione a due fattori"),
        "help_text": _("Attiva o rimuovi l'app che genera i codici di accesso."),
    }
