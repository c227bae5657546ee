"""Who signs which paper of a pathway, as data (Allegato D: "convenzione e progetto individuale"
for every pathway type, signed before activation; for a tirocinio the regional rules of Lombardy,
DGR 7763/2018, add the individual training project).

- Progetto individuale: the person, the agency that defined it, the referring Comune's social
  service (it shares the project: "condividere la definizione del progetto individuale") and the
  host organisation where the person will work.
- Convenzione: between the agency (soggetto promotore) and the host (soggetto ospitante), as the
  regional rules of traineeships have it; the social service is not a party.
- Progetto formativo individuale (tirocinio only): the trainee, the agency (promotore) and the
  host (ospitante), as in DGR 7763/2018.

A ``personalizzato`` pathway without a host position (defined case by case, e.g. a few months
from the unemployment benefit) has no agreement and its individual project is signed by the
person, the agency and the social service only; with a host it is like the others."""

from network.choices import PathwayType

from ..choices import PaperKind
from .choices import Party

SIGNATORIES = {
    PaperKind.INDIVIDUAL_PROJECT: (Party.PERSON, Party.AGENCY, Party.SOCIAL_SERVICE, Party.HOST),
    PaperKind.AGREEMENT: (Party.AGENCY, Party.HOST),
    PaperKind.TRAINING_PROJECT: (Party.PERSON, Party.AGENCY, Party.HOST),
}


# The order the pathway's page and the activation message list the papers in.
PAPER_ORDER = (PaperKind.AGREEMENT, PaperKind.INDIVIDUAL_PROJECT, PaperKind.TRAINING_PROJECT)


def has_host(pathway):
    """A host takes part: every type but ``personalizzato`` needs one to be activated, and a
    personalised pathway has one once a position is set."""
    return pathway.pathway_type != PathwayType.PERSONALIZZATO or pathway.host_id is not None


def required_papers(pathway):
    """(paper kind, the parties who must sign it) of the pathway, in ``PAPER_ORDER``."""
    host = has_host(pathway)
    papers = []
    for kind in PAPER_ORDER:
        if kind == PaperKind.AGREEMENT and not host:
            continue
        if kind == PaperKind.TRAINING_PROJECT and pathway.pathway_type != PathwayType.TIROCINIO:
            continue
        parties = tuple(p for p in SIGNATORIES[kind] if host or p != Party.HOST)
        papers.append((kind, parties))
    return papers
