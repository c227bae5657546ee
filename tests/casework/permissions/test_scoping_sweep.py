"""Every per-object URL of the casework admin, generated from the URL resolver (so a view added
later is covered without touching this file): a social worker of Comune A gets 404 for a record
of Comune B on each of them, and the programme manager reaches the same URL normally."""

import datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.viewsets import viewsets as viewset_registry

from casework.audit import models as audit_models
from casework.cases import models as cases_models
from casework.cases.agenda import models as agenda_models
from casework.cases.signatures import models as signature_models
from casework.cases.traineeship.models import TraineeshipRules
from casework.cases.verification.models import VerificationMeeting
from casework.imports import models as imports_models
from casework.money import models as money_models
from casework.papers import models as papers_models
from casework.permissions import models as permissions_models
from casework.permissions.scoping import scope_paths
from network import models as net
from tests import factories as f

pytestmark = pytest.mark.django_db

# Models whose rows are not any Comune's personal data: their URLs are outside this sweep.
NOT_PERSONAL = {
    money_models.Edition,
    money_models.Tariff,
    TraineeshipRules,
    cases_models.TeamMeeting,
    audit_models.AuditEvent,
    permissions_models.StaffProfile,
    net.HostOrganisation,
    net.Position,
    net.Comune,
    # An import belongs to the user who uploaded it; its views look it up by pk *and* user.
    imports_models.ImportRun,
    # The Word templates of the papers: the programme's, no person's data.
    papers_models.PaperTemplate,
}
# URLs registered outside a viewset (admin URL hooks) whose view has no ``model`` attribute.
HOOK_URL_MODELS = {
    "casework_pathway_matching": cases_models.Pathway,
    "casework_position_candidates": net.Position,
    "casework_imports:confirm": imports_models.ImportRun,
    "casework_imports:run": imports_models.ImportRun,
    "casework_imports:status": imports_models.ImportRun,
}


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def _namespace_models():
    models = {}
    for viewset in viewset_registry.viewsets:
        model = getattr(viewset, "model", None)
        if not isinstance(model, type) or model._meta.app_label != "casework":
            continue
        models[viewset.url_namespace] = model
        chooser = getattr(viewset, "chooser_viewset", None)
        if chooser is not None:
            models[chooser.url_namespace] = model
    return models


def _model_for(namespace, pattern, namespace_models):
    last = namespace.split(":")[-1] if namespace else ""
    if last in namespace_models:
        return namespace_models[last]
    view_class = getattr(pattern.callback, "view_class", None)
    if getattr(view_class, "model", None) is not None:
        return view_class.model
    full_name = f"{namespace}:{pattern.name}" if namespace else pattern.name
    if full_name in HOOK_URL_MODELS:
        return HOOK_URL_MODELS[full_name]
    return None


def casework_object_urls():
    """(route, url name, model) of every admin URL with a pk whose model is casework's."""
    # Walked first: viewsets registered by ``register_admin_viewset`` hooks join the registry
    # when the URLconf is loaded.
    routes = list(_walk(get_resolver()))
    namespace_models = _namespace_models()
    found = []
    for route, namespace, pattern in routes:
        if "pk" not in pattern.pattern.regex.groupindex:
            continue
        in_casework = "casework" in namespace or (pattern.name or "").startswith("casework_")
        if not in_casework:
            continue
        model = _model_for(namespace, pattern, namespace_models)
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        found.append((route, name, model))
    return found


def test_every_casework_object_url_has_a_known_model():
    urls = casework_object_urls()
    unknown = [name for _route, name, model in urls if model is None]
    assert not unknown, f"Unknown model for {unknown}: add them to the sweep"
    names = {name for _route, name, _model in urls}
    # The sweep really sees the snippet views, the guarded actions and the hook URLs.
    for expected in (
        "wagtailsnippets_casework_beneficiary:edit",
        "wagtailsnippets_casework_referral:history",
        "wagtailsnippets_casework_referral:revisions_compare",
        "wagtailsnippets_casework_pathway:activate",
        "casework_activity_done",
    ):
        assert expected in names


def _records_of(comune):
    """One record of every personal-data model, all belonging to ``comune``."""
    person = f.BeneficiaryFactory(residence_comune=comune)
    referral = f.ReferralFactory(beneficiary=person, comune=comune)
    pathway = f.PathwayFactory(referral=referral, comune=comune)
    edition = f.EditionFactory()
    records = {
        net.Comune: comune,
        cases_models.Beneficiary: person,
        cases_models.Referral: referral,
        cases_models.Pathway: pathway,
        cases_models.PathwayActivity: cases_models.PathwayActivity.objects.create(
            pathway=pathway, activity="desk"
        ),
        cases_models.FollowUp: cases_models.FollowUp.objects.create(
            pathway=pathway, on=datetime.date(2016, 12, 1), situation="employed"
        ),
        money_models.TutoringSession: money_models.TutoringSession.objects.create(
            pathway=pathway, on=datetime.date(2016, 10, 1), hours=Decimal("2")
        ),
        money_models.Timesheet: money_models.Timesheet.objects.create(
            pathway=pathway, month=datetime.date(2016, 10, 1), hours_worked=Decimal("40")
        ),
        money_models.Budget: money_models.Budget.objects.create(
            comune=comune, edition=edition, amount=1000
        ),
        money_models.Voucher: f.VoucherFactory(pathway=pathway, comune=comune, edition=edition),
    }
    invoice = money_models.Invoice.objects.create(
        comune=comune,
        edition=edition,
        period_start=datetime.date(2016, 7, 1),
        period_end=datetime.date(2016, 9, 30),
        number=f"F-{comune.pk}",
        issued_on=datetime.date(2016, 10, 5),
    )
    records[papers_models.PathwayDocument] = f.pathway_document(pathway)
    records.update(_signature_records(pathway))
    records[money_models.Invoice] = invoice
    # Review meetings on the pathway (casework.cases.verification).
    records[VerificationMeeting] = VerificationMeeting.objects.create(
        pathway=pathway, held_on=datetime.date(2016, 10, 20), minutes="Verbale"
    )
    # The desk's agenda: an appointment of this Comune's referral.
    records[agenda_models.Appointment] = f.appointment(referral)
    records[money_models.InvoiceLine] = money_models.InvoiceLine.objects.create(
        invoice=invoice, description="Voce", net=200, vat=44, gross=244
    )
    for obj in records.values():
        if hasattr(obj, "save_revision"):
            obj.save_revision()
    return records


def _signature_records(pathway):
    from django.core.files.base import ContentFile

    scan = signature_models.SignedScan(
        pathway=pathway,
        kind="individual_project",
        original_name="progetto.pdf",
        content_type="application/pdf",
        size=9,
    )
    scan.file.save("scan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    signature = signature_models.PaperSignature.objects.create(
        pathway=pathway, kind="individual_project", party="agency", signed_on=pathway.intake_on
    )
    return {signature_models.SignedScan: scan, signature_models.PaperSignature: signature}


def _fill(route, obj):
    """A concrete URL for ``route`` with ``obj``'s pk and plausible values for other parts."""
    revision = getattr(obj, "latest_revision", None)
    values = {
        "pk": str(obj.pk),
        "revision_id": str(revision.pk) if revision else "1",
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
    }
    # Regex routes (re_path, e.g. Wagtail's revisions compare) first, then path converters.
    url = route.replace("(?P<pk>.+)", values["pk"])
    url = url.replace("(?P<revision_id_a>live|earliest|\\d+)", "earliest")
    url = url.replace("(?P<revision_id_b>live|latest|\\d+)", "latest")
    url = url.replace("\\.\\.\\.", "...").replace("^", "").replace("$", "")
    for key, value in values.items():
        for converter in ("", "int:", "str:", "path:"):
            url = url.replace(f"<{converter}{key}>", value)
    return "/" + url


def test_other_comune_records_are_404_everywhere(client, comune_a, comune_b, social_worker_a):
    records = _records_of(comune_b)
    f.PathwayFactory(referral__beneficiary__residence_comune=comune_a)  # own data exists too
    client.force_login(social_worker_a)
    checked = 0
    for route, name, model in casework_object_urls():
        if model in NOT_PERSONAL:
            continue
        assert model in records, f"{name}: no record of {model.__name__} in the sweep"
        assert model in scope_paths(), f"{name}: {model.__name__} has no scope path"
        url = _fill(route, records[model])
        response = client.get(url)
        assert response.status_code == 404, f"{name} {url} answered {response.status_code}"
        checked += 1
    assert checked >= 30


def test_programme_manager_reaches_the_same_urls(client, comune_b, programme_manager):
    records = _records_of(comune_b)
    client.force_login(programme_manager)
    for route, name, model in casework_object_urls():
        if model in NOT_PERSONAL:
            continue
        url = _fill(route, records[model])
        response = client.get(url)
        # 405 only for views that act on POST alone (choosers' "chosen multiple", locks).
        assert response.status_code in (200, 302, 405), (
            f"{name} {url} answered {response.status_code}"
        )
