"""The three staff roles and the model permissions each holds.

Groups are created by a migration; their permissions are re-applied after every ``migrate``
(``casework.permissions.signals``) because permissions for models added by later migrations only exist
once post_migrate has run.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

SOCIAL_WORKER = "Servizio sociale comunale"


AGENCY_OPERATOR = "Operatore agenzia"


PROGRAMME_MANAGER = "Responsabile PAL"


ROLES = (SOCIAL_WORKER, AGENCY_OPERATOR, PROGRAMME_MANAGER)


VIEW = ("view",)


ALL = ("add", "change", "delete", "view")


ADD_CHANGE_VIEW = ("add", "change", "view")


# app_label.model -> actions. Models that do not exist yet are skipped, so later issues can add
# rows here before their models land.
ROLE_PERMISSIONS = {
    SOCIAL_WORKER: {
        "casework.beneficiary": ADD_CHANGE_VIEW,
        "casework.referral": ADD_CHANGE_VIEW,
        "casework.pathway": VIEW,
        "casework.followup": VIEW,
        "casework.verificationmeeting": VIEW,
        "casework.teammeeting": VIEW,
        "casework.voucher": VIEW,
        "casework.budget": VIEW,
        "casework.edition": VIEW,
        "casework.tariff": VIEW,
        "network.hostorganisation": VIEW,
        "network.position": VIEW,
        "documents.reportrun": VIEW,
        "wagtaildocs.document": VIEW,
        "casework.pathwaydocument": VIEW,
    },
    AGENCY_OPERATOR: {
        "casework.beneficiary": ADD_CHANGE_VIEW,
        "casework.referral": ADD_CHANGE_VIEW,
        "casework.pathway": ADD_CHANGE_VIEW,
        "casework.pathwayactivity": ALL,
        "casework.followup": ALL,
        "casework.verificationmeeting": ADD_CHANGE_VIEW,
        "casework.teammeeting": ADD_CHANGE_VIEW,
        "casework.voucher": ADD_CHANGE_VIEW,
        "casework.tutoringsession": ALL,
        "casework.timesheet": ALL,
        "casework.invoice": ADD_CHANGE_VIEW,
        "casework.budget": VIEW,
        "casework.edition": VIEW,
        "casework.tariff": VIEW,
        "network.hostorganisation": ADD_CHANGE_VIEW,
        "network.position": ADD_CHANGE_VIEW,
        "documents.reportrun": ADD_CHANGE_VIEW,
        "wagtaildocs.document": VIEW,
        "casework.pathwaydocument": ("add", "view"),
    },
    PROGRAMME_MANAGER: {
        "casework.beneficiary": ALL,
        "casework.referral": ALL,
        "casework.pathway": ALL,
        "casework.pathwayactivity": ALL,
        "casework.followup": ALL,
        "casework.verificationmeeting": ALL,
        "casework.teammeeting": ALL,
        # A voucher is cancelled through the services, never deleted: the budget history stays.
        "casework.voucher": ADD_CHANGE_VIEW,
        "casework.tutoringsession": ALL,
        "casework.timesheet": ALL,
        "casework.invoice": ALL,
        "casework.budget": ALL,
        "casework.edition": ALL,
        "casework.tariff": ALL,
        "casework.staffprofile": ALL,
        "casework.auditevent": VIEW,
        "network.comune": ("change", "view"),
        "network.hostorganisation": ALL,
        "network.position": ALL,
        "documents.reportrun": ADD_CHANGE_VIEW,
        "wagtaildocs.document": VIEW,
        "casework.pathwaydocument": ("add", "view"),
        "casework.papertemplate": ALL,
    },
}


# Traineeships (casework.cases.traineeship): the edition's rules are the programme manager's to
# edit (created with each edition, never added or deleted by hand); the agency records
# extensions, suspensions and compulsory communications; the social worker reads them.
_TRAINEESHIP_RECORDS = (
    "casework.traineeshipextension",
    "casework.traineeshipsuspension",
    "casework.traineeshipcommunication",
)
ROLE_PERMISSIONS[SOCIAL_WORKER].update(
    {"casework.traineeshiprules": VIEW, **dict.fromkeys(_TRAINEESHIP_RECORDS, VIEW)}
)
ROLE_PERMISSIONS[AGENCY_OPERATOR].update(
    {"casework.traineeshiprules": VIEW, **dict.fromkeys(_TRAINEESHIP_RECORDS, ADD_CHANGE_VIEW)}
)
ROLE_PERMISSIONS[PROGRAMME_MANAGER].update(
    {
        "casework.traineeshiprules": ("change", "view"),
        **dict.fromkeys(_TRAINEESHIP_RECORDS, ADD_CHANGE_VIEW),
    }
)

# Bulk import and export (casework.imports.messages, casework.imports.exports): permissions declared on
# casework.importrun with django-import-export's codenames, so "import" on "casework.referral"
# grants "casework.import_referral". A social worker imports referrals of their own Comuni only.
IMPORT_EXPORT_ACTIONS = {
    SOCIAL_WORKER: {
        "casework.referral": ("import", "export"),
        "casework.beneficiary": ("export",),
        "casework.budget": ("export",),
        "casework.voucher": ("export",),
    },
    AGENCY_OPERATOR: {
        "casework.referral": ("export",),
        "casework.beneficiary": ("export",),
        "casework.voucher": ("export",),
    },
    PROGRAMME_MANAGER: {
        "casework.referral": ("import", "export"),
        "casework.budget": ("import", "export"),
        "casework.beneficiary": ("export",),
        "casework.voucher": ("export",),
        "casework.importrun": VIEW,
    },
}


# The desk's agenda (casework.cases.agenda): the agency and the programme manager book, social
# workers read their Comune's people's appointments; the desk's setting is the manager's.
AGENDA_PERMISSIONS = {
    SOCIAL_WORKER: {"casework.appointment": VIEW},
    AGENCY_OPERATOR: {"casework.appointment": ADD_CHANGE_VIEW},
    PROGRAMME_MANAGER: {
        "casework.appointment": ADD_CHANGE_VIEW,
        "casework.desksettings": ("change", "view"),
    },
}


for _role, _extra in AGENDA_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role].update(_extra)


for _role, _extra in IMPORT_EXPORT_ACTIONS.items():
    for _model, _actions in _extra.items():
        ROLE_PERMISSIONS[_role][_model] = tuple(ROLE_PERMISSIONS[_role].get(_model, ())) + _actions


# Every role works in the Wagtail admin.
COMMON_PERMISSIONS = ("wagtailadmin.access_admin",)


@transaction.atomic
def apply_role_permissions(using="default"):
    """Make each role group hold exactly the permissions of ``ROLE_PERMISSIONS``."""
    wanted = {}
    for role in ROLES:
        codes = list(COMMON_PERMISSIONS)
        for model_label, actions in ROLE_PERMISSIONS[role].items():
            app_label, model = model_label.split(".")
            codes += [f"{app_label}.{action}_{model}" for action in actions]
        wanted[role] = codes
    all_codes = {code for codes in wanted.values() for code in codes}
    by_code = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.using(using)
        .select_related("content_type")
        .filter(codename__in={code.split(".")[1] for code in all_codes})
    }
    for role, codes in wanted.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([by_code[code] for code in codes if code in by_code])
