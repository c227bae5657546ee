"""What is signed and what is missing on a pathway: the activation's check, the checklist's
paperwork item and the pathway's page all read these."""

from django.utils.translation import gettext_lazy as _

from ..choices import PaperKind
from .choices import Party
from .models import PaperSignature, SignedScan
from .rules import required_papers

MSG_MISSING_SIGNATURES = _("Per attivare il percorso mancano le firme: %(missing)s.")


def current_signatures(pathway):
    """The signatures in force, by (kind, party): not withdrawn, and a host's only if it is the
    pathway's host now (a position moved to another host needs that host's signatures)."""
    rows = PaperSignature.objects.filter(pathway_id=pathway.pk, withdrawn_at__isnull=True)
    return {
        (row.kind, row.party): row
        for row in rows.select_related("recorded_by")
        if row.party != Party.HOST or row.host_id == pathway.host_id
    }


def missing_signatures(pathway, signatures=None):
    """[(kind, [parties still to sign])] for the papers not fully signed, in the page's order."""
    if signatures is None:
        signatures = current_signatures(pathway)
    missing = []
    for kind, parties in required_papers(pathway):
        unsigned = [party for party in parties if (kind, party) not in signatures]
        if unsigned:
            missing.append((kind, unsigned))
    return missing


def describe_missing(missing):
    """ "Convenzione con l'ente ospitante (ente ospitante), Progetto individuale (persona)"."""
    return ", ".join(
        "{} ({})".format(
            PaperKind(kind).label,
            ", ".join(str(Party(party).label).lower() for party in parties),
        )
        for kind, parties in missing
    )


def missing_message(pathway, signatures=None):
    """The activation's refusal naming what is missing, or "" when everything is signed."""
    missing = missing_signatures(pathway, signatures)
    if not missing:
        return ""
    return MSG_MISSING_SIGNATURES % {"missing": describe_missing(missing)}


def all_signed(pathway, signatures=None):
    return not missing_signatures(pathway, signatures)


def scans_by_kind(pathway):
    scans = {}
    for scan in SignedScan.objects.filter(pathway_id=pathway.pk).select_related("uploaded_by"):
        scans.setdefault(scan.kind, []).append(scan)
    return scans


MSG_PAPERWORK_BY_SIGNATURES = _(
    "L'attività amministrativa risulta svolta da sola quando tutte le parti hanno firmato "
    "convenzione e progetti: registrare le firme nella sezione «Firme»."
)
