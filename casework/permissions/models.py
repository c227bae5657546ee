"""The staff profile: which Comuni's people a staff account may see."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from network.models import Comune

USER = settings.AUTH_USER_MODEL


class StaffProfile(models.Model):
    """Ties a staff account to the Comuni whose people it may see (social workers)."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("utente")
    )
    comuni = models.ManyToManyField(
        Comune, blank=True, related_name="staff", verbose_name=_("Comuni")
    )
    phone = models.CharField(_("telefono"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("profilo operatore")
        verbose_name_plural = _("profili operatori")

    def __str__(self):
        return str(self.user)
