"""A review meeting on a pathway: its date, who took part, the minutes and the next meeting."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.cases.models import Pathway
from casework.permissions.models import USER


class Party(models.TextChoices):
    """Who may sit at a review meeting."""

    PERSON = "person", _("La persona")
    AGENCY = "agency", _("Operatore dell'agenzia")
    HOST = "host", _("Ente ospitante / tutor aziendale")
    SOCIAL_SERVICE = "social_service", _("Servizio sociale")


# Each party is a yes/no field of the meeting (queryable, one checkbox each on the form).
PARTY_FIELDS = {
    Party.PERSON: "person_took_part",
    Party.AGENCY: "agency_took_part",
    Party.HOST: "host_took_part",
    Party.SOCIAL_SERVICE: "social_service_took_part",
}


class VerificationMeeting(models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "pathway__comune"
    person_path = "pathway__referral__beneficiary"

    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="verification_meetings",
        verbose_name=_("percorso"),
    )
    held_on = models.DateField(_("data dell'incontro"))
    person_took_part = models.BooleanField(_("la persona"), default=False)
    agency_took_part = models.BooleanField(_("operatore dell'agenzia"), default=False)
    host_took_part = models.BooleanField(_("ente ospitante / tutor aziendale"), default=False)
    social_service_took_part = models.BooleanField(_("servizio sociale"), default=False)
    participant_names = models.CharField(_("nomi dei partecipanti"), max_length=255, blank=True)
    minutes = models.TextField(_("verbale"))
    next_meeting_on = models.DateField(_("prossimo incontro"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registrato da"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("creato il"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("aggiornato il"))

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("incontro di verifica")
        verbose_name_plural = _("incontri di verifica")
        indexes = [models.Index(fields=["pathway", "-held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_meeting_on__isnull=True)
                | models.Q(next_meeting_on__gt=models.F("held_on")),
                name="verification_next_after_held",
                violation_error_message=_("Il prossimo incontro deve essere successivo a questo."),
            )
        ]

    def __str__(self):
        return _("Incontro di verifica del %(date)s") % {"date": self.held_on.strftime("%d/%m/%Y")}

    @property
    def parties(self):
        """The parties who took part, as their Italian labels, in the form's order."""
        return [party.label for party, field in PARTY_FIELDS.items() if getattr(self, field)]

    @property
    def party_codes(self):
        return [party.value for party, field in PARTY_FIELDS.items() if getattr(self, field)]
