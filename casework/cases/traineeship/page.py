"""The tirocinio's section of the pathway page (``PATHWAY_PAGE_HOOK``): the regional terms, the
latest end, the host's trainees limit, extensions, suspensions and the compulsory communications,
with what is missing."""

from django.urls import reverse

from casework.cases.choices import PathwayStatus

from .checks import is_traineeship
from .models import DGR
from .rules import host_limit, latest_end, rules_for
from .selectors import missing_communications, training_terms
from .views import COMMUNICATION_URL, EXTENSION_URL, RESUME_URL, SUSPENSION_URL


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def _url(user, perm, name, pathway, allowed=True):
    return reverse(name, args=[pathway.pk]) if allowed and user.has_perm(perm) else ""


def pathway_traineeship(pathway, user):
    if not is_traineeship(pathway):
        return None
    rules = rules_for(pathway)
    host = pathway.host if pathway.host_id else None
    active = pathway.status == PathwayStatus.ACTIVE
    suspensions = list(pathway.traineeship_suspensions.select_related("recorded_by"))
    suspended = any(s.ends_on is None for s in suspensions)
    communications = [
        {
            "kind": c.get_kind_display(),
            "sent_on": c.sent_on,
            "protocol": c.protocol,
            "by": _name(c.recorded_by),
        }
        for c in pathway.traineeship_communications.select_related("recorded_by")
    ]
    return {
        "traineeship": {
            "terms": training_terms(pathway),
            "edition": rules.edition if rules.pk else None,
            "rule_reference": DGR,
            "latest_end": latest_end(pathway, rules=rules),
            "host_employees": host.employees if host else None,
            "host_limit": host_limit(rules, host.employees) if host else None,
            "extensions": list(pathway.traineeship_extensions.select_related("recorded_by")),
            "suspensions": suspensions,
            "suspended": suspended,
            "communications": communications,
            "missing": missing_communications(pathway),
            "communication_url": _url(
                user,
                "casework.add_traineeshipcommunication",
                COMMUNICATION_URL,
                pathway,
                pathway.activated_on is not None,
            ),
            "extension_url": _url(
                user,
                "casework.add_traineeshipextension",
                EXTENSION_URL,
                pathway,
                active and pathway.planned_end_on is not None,
            ),
            "suspension_url": _url(
                user,
                "casework.add_traineeshipsuspension",
                SUSPENSION_URL,
                pathway,
                active and not suspended,
            ),
            "resume_url": _url(
                user,
                "casework.change_traineeshipsuspension",
                RESUME_URL,
                pathway,
                active and suspended,
            ),
        }
    }
