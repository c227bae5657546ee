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
from .cases.signatures.models import (
    PaperSignature,
    SignedScan,
)
from .cases.traineeship.models import (
    TraineeshipCommunication,
    TraineeshipExtension,
    TraineeshipRules,
    TraineeshipSuspension,
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
from .papers.models import (
    PaperFormat,
    PaperTemplate,
    PathwayDocument,
)
from .permissions.models import (
    USER,
    StaffProfile,
)

# Recovery codes of the second factor (casework/security/models.py).
from .security.models import RecoveryCode, RecoveryCodeDevice

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
    "PaperFormat",
    "PaperSignature",
    "PaperTemplate",
    "Pathway",
    "PathwayActivity",
    "PathwayDocument",
    "RecoveryCode",
    "RecoveryCodeDevice",
    "Referral",
    "SignedScan",
    "StaffProfile",
    "Tariff",
    "TeamMeeting",
    "Timesheet",
    "TraineeshipCommunication",
    "TraineeshipExtension",
    "TraineeshipRules",
    "TraineeshipSuspension",
    "TutoringSession",
    "Voucher",
    "_import_upload_path",
    "audit_purge_latest_cutoff",
    "audit_retention_months",
]

# --- Review meetings on a pathway (casework.cases.verification) ---
from .cases.verification.models import VerificationMeeting

__all__ += ["VerificationMeeting"]
