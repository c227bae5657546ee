"""The audit trail's table: who opened, changed, exported or imported which person's data. Append-only."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

AUDIT_APPEND_ONLY = _("Il registro accessi non si modifica e non si cancella.")


AUDIT_PURGE_TOO_RECENT = _(
    "Il registro accessi si cancella solo oltre il periodo di conservazione (%(months)d mesi)."
)


# The trail is kept at least this long whatever AUDIT_RETENTION_MONTHS says; the database
# triggers (migrations 0006 and 0008) and the purge function (0009) hold the same floor.
AUDIT_MIN_RETENTION_MONTHS = 24


def audit_retention_months():
    return max(settings.AUDIT_RETENTION_MONTHS, AUDIT_MIN_RETENTION_MONTHS)


def _months_before(moment, months):
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def audit_purge_latest_cutoff(now=None):
    """The latest moment the purge may delete up to: ``now`` minus the retention. Counted in
    UTC, as the database triggers count it, so the two never disagree by a DST hour."""
    now = (now or timezone.now()).astimezone(datetime.UTC)
    return _months_before(now, audit_retention_months())


def _is_user_cleared(kwargs):
    # What deleting a staff account does through on_delete=SET_NULL (the deletion collector
    # calls update() on the base manager): the one change the triggers let through too.
    return len(kwargs) == 1 and any(kwargs.get(name, 0) is None for name in ("user", "user_id"))


USER = settings.AUTH_USER_MODEL


class AuditEventQuerySet(models.QuerySet):
    """Append-only through the ORM: no update, delete or their internal shortcuts, on every
    manager (``base_manager_name`` points the base manager here too). Only the scheduled purge
    deletes, through ``purge_older_than``, and only past the retention. What the ORM cannot
    stop (plain ``models.QuerySet`` on the model, SQL through a cursor) the database triggers
    stop; see docs/operations-database-roles.md."""

    def update(self, **kwargs):
        if not _is_user_cleared(kwargs):
            raise PermissionError(AUDIT_APPEND_ONLY)
        return super().update(**kwargs)

    def _update(self, values):
        # Model.save() of a row that claims to be new but has a pk ends up here.
        raise PermissionError(AUDIT_APPEND_ONLY)

    def delete(self):
        raise PermissionError(AUDIT_APPEND_ONLY)

    def _raw_delete(self, using):
        raise PermissionError(AUDIT_APPEND_ONLY)

    def purge_older_than(self, cutoff):
        """Delete the rows older than ``cutoff``; refuses any cutoff later than now minus the
        retention. Returns ``(count, {label: count})`` like ``delete()``."""
        if timezone.is_naive(cutoff):
            cutoff = timezone.make_aware(cutoff)
        if cutoff > audit_purge_latest_cutoff():
            raise ValidationError(
                AUDIT_PURGE_TOO_RECENT,
                code="audit_purge_too_recent",
                params={"months": audit_retention_months()},
            )
        connection = connections[self.db]
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Owned by the table owner (SECURITY DEFINER): the app role has no DELETE.
                cursor.execute("SELECT casework_auditevent_purge(%s)", [cutoff])
                deleted = cursor.fetchone()[0]
            else:
                if connection.vendor == "sqlite":
                    # The trigger's switch, for this transaction only.
                    cursor.execute("INSERT INTO casework_auditevent_purge (id) VALUES (1)")
                plain = models.QuerySet(self.model, using=self.db).filter(at__lt=cutoff)
                deleted = plain._raw_delete(self.db)
                if connection.vendor == "sqlite":
                    cursor.execute("DELETE FROM casework_auditevent_purge")
        return deleted, {self.model._meta.label: deleted}


class AuditEvent(models.Model):
    """Who opened, changed, exported or imported which person's data. Ids only, never contents;
    append-only (see ``casework.audit.services``)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Consultazione")
        CREATE = "create", _("Creazione")
        CHANGE = "change", _("Modifica")
        DELETE = "delete", _("Eliminazione")
        EXPORT = "export", _("Esportazione")
        IMPORT = "import", _("Importazione")
        ANONYMISE = "anonymise", _("Anonimizzazione")

    at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("utente"),
    )
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices)
    model = models.CharField(_("tipo di dato"), max_length=60)
    object_id = models.CharField(_("id"), max_length=40, blank=True)
    beneficiary_id = models.BigIntegerField(_("id persona"), null=True, blank=True, db_index=True)
    comune_id = models.BigIntegerField(_("id Comune"), null=True, blank=True)
    detail = models.CharField(_("dettaglio"), max_length=200, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        # Related-object updates and Model.save() use the base manager: it must refuse too.
        base_manager_name = "objects"
        ordering = ["-at"]
        verbose_name = _("evento di audit")
        verbose_name_plural = _("registro accessi")

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.model} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise PermissionError(AUDIT_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(AUDIT_APPEND_ONLY)
