"""Recovery codes for the second factor: a django-otp device per user holding ten one-time codes.

django-otp's own ``otp_static`` plugin stores its tokens in clear text (``StaticToken.token``):
whoever reads the database or a backup could sign in with them. Here only a keyed hash of each
code is stored (HMAC-SHA256 with ``SECRET_KEY``, salted with the user's id), so the table is
useless without the key; the codes themselves are shown once, when generated. Changing
``SECRET_KEY`` (without keeping the old one in ``SECRET_KEY_FALLBACKS``) voids every code:
users then generate new ones from their account.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """The user's set of recovery codes, as a django-otp device: signing in with a code marks
    the session verified through it, like an app code does."""

    class Meta:
        verbose_name = _("codici di recupero")
        verbose_name_plural = _("codici di recupero")
        constraints = [
            models.UniqueConstraint(fields=["user"], name="casework_one_recovery_device_per_user")
        ]

    def get_throttle_factor(self):
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        # Used through casework.security.recovery.use_recovery_code, which audits and mails.
        from .recovery import consume_code

        return consume_code(self, token) is not None


class RecoveryCode(models.Model):
    device = models.ForeignKey(
        RecoveryCodeDevice,
        on_delete=models.CASCADE,
        related_name="codes",
        verbose_name=_("codici di recupero"),
    )
    code_hash = models.CharField(_("impronta del codice"), max_length=64)
    used_at = models.DateTimeField(_("usato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("codice di recupero")
        verbose_name_plural = _("codici di recupero")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "code_hash"], name="casework_recovery_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.device_id}:{self.pk}"
