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
from .cases.signatures.models import (
    PaperSignature,
    SignedScan,
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
    "AuditEvent",
    "AuditEventQuerySet",
    "Beneficiary",
    "Budget",
    "Edition",
    "FollowUp",
    "ImportRun",
    "Invoice",
    "InvoiceLine",
    "PaperSignature",
    "Pathway",
    "PathwayActivity",
    "Referral",
    "SignedScan",
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
