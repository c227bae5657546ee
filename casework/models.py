"""The models of casework, one import path for Django and for other apps (they live in the areas)."""

from .audit.models import (
    AUDIT_APPEND_ONLY,
    AUDIT_MIN_RETENTION_MONTHS,
    AUDIT_PURGE_TOO_RECENT,
    AuditEvent,
    AuditEventQuerySet,
    audit_purge_latest_cutoff,
    audit_retention_months,
)
from .cases.agenda.models import (
    Appointment,
    AppointmentChange,
    CalendarFeedToken,
    DeskSettings,
)
from .cases.models import (
    Beneficiary,
    FollowUp,
    Pathway,
    PathwayActivity,
    Referral,
    TeamMeeting,
)

# Migration 0004 names the upload path by this module's path.
from .imports.models import (
    ImportRun,
    _import_upload_path,
)
from .money.models import (
    MONEY,
    Budget,
    Edition,
    Invoice,
    InvoiceLine,
    Tariff,
    Timesheet,
    TutoringSession,
    Voucher,
)
from .permissions.models import (
    USER,
    StaffProfile,
)

# _import_upload_path is listed because migration 0004 names it by this module's path.
__all__ = [
    "AUDIT_APPEND_ONLY",
    "AUDIT_MIN_RETENTION_MONTHS",
    "AUDIT_PURGE_TOO_RECENT",
    "MONEY",
    "USER",
    "Appointment",
    "AppointmentChange",
    "AuditEvent",
    "AuditEventQuerySet",
    "Beneficiary",
    "Budget",
    "CalendarFeedToken",
    "DeskSettings",
    "Edition",
    "FollowUp",
    "ImportRun",
    "Invoice",
    "InvoiceLine",
    "Pathway",
    "PathwayActivity",
    "Referral",
    "StaffProfile",
    "Tariff",
    "TeamMeeting",
    "Timesheet",
    "TutoringSession",
    "Voucher",
    "_import_upload_path",
    "audit_purge_latest_cutoff",
    "audit_retention_months",
]
