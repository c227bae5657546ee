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
    _import_upload_path,  # noqa: F401
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

__all__ = [
    "AUDIT_APPEND_ONLY",
    "AUDIT_MIN_RETENTION_MONTHS",
    "AUDIT_PURGE_TOO_RECENT",
    "MONEY",
    "USER",
    "AuditEvent",
    "AuditEventQuerySet",
    "Beneficiary",
    "Budget",
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
    "audit_purge_latest_cutoff",
    "audit_retention_months",
]
