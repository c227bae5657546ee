"""Account security: the second factor (TOTP on django-otp) and the lockout page of django-axes.

wagtail-2fa 1.8 was evaluated first (it declares Wagtail >= 7): its device removal asks for no
password, its screens exist only in English and other languages than Italian, and removing a
device of an unknown id fails with a server error. This thin layer keeps what it does right
(django-otp devices and throttling, a verify step after the password) and adds what the
programme needs. ``casework.middleware.TwoFactorMiddleware`` enforces it.

- Setting up or removing a device asks for the account's password, checked through
  ``authenticate`` so that django-axes counts the failures.
- Codes are throttled by django-otp (each failure doubles the wait); after
  ``OTP_MAX_FAILURES`` failures in a row the session is closed.
- A password reset logs nobody in, so the next sign-in asks for the code again.
"""

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
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
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

VERIFY_URL_NAME = "account_2fa_verify"
SETUP_URL_NAME = "account_2fa_setup"
DEVICES_URL_NAME = "account_2fa_devices"
REMOVE_URL_NAME = "account_2fa_remove"

SESSION_SETUP_DEVICE = "account_2fa_setup_device"
SESSION_FAILURES = "account_2fa_failures"
OTP_MAX_FAILURES = 10

INVALID_CODE = gettext_lazy("Codice non valido o scaduto: controlla l'app e riprova.")
THROTTLED = gettext_lazy("Troppi tentativi: attendi qualche secondo prima di riprovare.")
WRONG_PASSWORD = gettext_lazy("La password non è corretta.")
TOO_MANY_FAILURES = gettext_lazy(
    "Troppi codici errati: per sicurezza la sessione è stata chiusa. Accedi di nuovo."
)
DEMO_PASSWORD_REFUSED = gettext_lazy(
    "Questo account ha ancora la password dimostrativa, che è pubblica: chiunque la conosca "
    "potrebbe attivare il proprio telefono al posto tuo, quindi il secondo fattore non si può "
    "attivare. Scegli una nuova password con «Password dimenticata?» (il collegamento arriva "
    "all'indirizzo email dell'account) oppure chiedi all'amministratore di impostarla, poi "
    "accedi di nuovo."
)
LOCKED_OUT = gettext_lazy(
    "Troppi tentativi di accesso falliti per questo utente da questo indirizzo. "
    "Riprova tra %(minutes)s minuti o chiedi all'amministratore di sbloccare l'account."
)


def requires_second_factor(user):
    """Every account that reaches the admin holds personal data of vulnerable people."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def has_device(user):
    return user_has_device(user, confirmed=True)


def client_ip(request):
    """The address django-axes keys on: the public form's rule for proxies
    (``network.views.client_ip``), or None when there is no valid address (the test client,
    a misconfigured proxy) rather than a word the database's address column refuses."""
    import ipaddress

    from network.views import client_ip as forwarded_ip

    value = forwarded_ip(request)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "casework/accounts/locked_out.html",
        {"message": LOCKED_OUT % {"minutes": minutes}},
        status=429,
    )


def has_demo_password(user):
    from .demo import has_demo_password as check

    return check(user)


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


def _password_ok(request, password):
    user = request.user
    return authenticate(request, username=user.get_username(), password=password or "") is not None


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Codice a 6 cifre"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password attuale"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SetupForm(PasswordForm, TokenForm):
    name = forms.CharField(
        label=gettext_lazy("Nome del dispositivo"),
        max_length=64,
        initial=gettext_lazy("Telefono"),
    )


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
                    return HttpResponseRedirect(_safe_next(request, reverse(DEVICES_URL_NAME)))
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
            {"devices": devices, "form": PasswordForm(), "required": settings.ZO_REQUIRE_2FA},
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
        device.delete()
        messages.success(request, _("Dispositivo rimosso."))
        return HttpResponseRedirect(reverse(DEVICES_URL_NAME))


def urlpatterns():
    """Registered through ``register_admin_urls``: they need a signed-in admin user."""
    return [
        path("2fa/verify/", VerifyView.as_view(), name=VERIFY_URL_NAME),
        path("2fa/setup/", SetupView.as_view(), name=SETUP_URL_NAME),
        path("2fa/", DevicesView.as_view(), name=DEVICES_URL_NAME),
        path("2fa/<int:pk>/remove/", RemoveView.as_view(), name=REMOVE_URL_NAME),
    ]


def account_menu_item(request):
    return {
        "url": reverse(DEVICES_URL_NAME),
        "label": _("Autenticazione a due fattori"),
        "help_text": _("Attiva o rimuovi l'app che genera i codici di accesso."),
    }


# --- Demo ---------------------------------------------------------------------------------------
DEMO_DEVICE_NAME = "Demo"


def demo_key(username):
    """A fixed key per demo user, so that reloading the demo keeps the phones' entries valid."""
    import hashlib

    return hashlib.sha256(f"zeroottanta-demo-totp-{username}".encode()).hexdigest()[:40]


def demo_code(user):
    """The current code of a demo user's demo device, only with the development settings, so
    that the printed demo logins work without a phone; None everywhere else."""
    import time

    from django_otp.oath import TOTP

    if not getattr(settings, "SHOW_DEMO_PASSWORDS", False) or not user.is_authenticated:
        return None
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def demo_devices(context):
    """Dev only (``SHOW_DEMO_PASSWORDS``): each demo user gets a TOTP device with a printed key;
    elsewhere each user sets one up at the first sign-in."""
    from django.contrib.auth import get_user_model

    stdout = context["stdout"]
    if not settings.ZO_REQUIRE_2FA:
        stdout.write("  secondo fattore disattivato (ZO_REQUIRE_2FA=False)")
        return
    if not getattr(settings, "SHOW_DEMO_PASSWORDS", False):
        stdout.write(
            "  secondo fattore: al primo accesso ogni utente attiva l'app di autenticazione"
        )
        return
    User = get_user_model()
    stdout.write(
        "  secondo fattore (solo sviluppo): chiave TOTP di ogni utente demo, da inserire in "
        "un'app di autenticazione, oppure `manage.py demo_code UTENTE` per il codice attuale:"
    )
    for username, _password, _role in context["logins"]:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        device, _created = TOTPDevice.objects.update_or_create(
            user=user,
            name=DEMO_DEVICE_NAME,
            defaults={"key": demo_key(username), "confirmed": True},
        )
        secret = base64.b32encode(device.bin_key).decode("ascii")
        stdout.write(f"    {username:<14} {secret}")
