"""Every missing signature of a pathway at once: for the demo data and the tests' factories
(a person records them one by one on the pathway's page)."""

from . import selectors, services

DEMO_SIGNERS = {
    "person": "",
    "agency": "Operatore dell'agenzia",
    "host": "Legale rappresentante dell'ente",
    "social_service": "Assistente sociale del Comune",
}


def sign_every_paper(pathway, *, on=None, user):
    on = on or pathway.intake_on
    for kind, parties in selectors.missing_signatures(pathway):
        for party in parties:
            services.record_signature(
                pathway,
                kind=kind,
                party=party,
                signed_on=on,
                signer_name=DEMO_SIGNERS.get(party, ""),
                user=user,
            )
