"""Permission sweep generated from the URL resolver: every admin URL (and the documents' serve
URL) is requested by each role, filled with the records of an allowed and of a forbidden
Comune. For a social worker of Lumezzane (A) the records of Sarezzo (B) answer 403/404 on their
own URLs, and no identifier of them (names, tax code, protocol, invoice number, report document)
appears in ANY response: lists, searches, exports, choosers, usage screens, history, revision
compare, bulk actions, the site history. Nobody gets a server error.

A view added later by us or by a Wagtail release is swept without touching this file."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.viewsets import viewsets as viewset_registry
from wagtail.documents import get_document_model
from wagtail.log_actions import log

from casework.audit.services import Action, record_event
from casework.cases import models as cases_models
from casework.cases.agenda import models as agenda_models
from casework.cases.traineeship import models as traineeship_models
from casework.cases.verification.models import VerificationMeeting
from casework.money import models as money_models
from casework.papers import models as papers_models
from casework.permissions.scoping import scope_paths
from documents import services as report_services
from documents.models import ReportRun
from network import models as net
from tests import factories as f

pytestmark = pytest.mark.django_db
Document = get_document_model()

# URLs that end the session, or Wagtail's deliberate error page (it raises by design).
SKIP_NAMES = {"wagtailadmin_logout", "wagtailadmin_error_test"}
# 405: a POST-only view refusing a GET (its content is still checked).
REFUSED = {403, 404, 405}


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
        if not isinstance(model, type) or not getattr(viewset, "name", None):
            continue
        models[viewset.url_namespace] = model
        chooser = getattr(viewset, "chooser_viewset", None)
        if chooser is not None:
            models[chooser.url_namespace] = model
    return models


HOOK_URL_MODELS = {
    "casework_pathway_matching": cases_models.Pathway,
    "casework_position_candidates": net.Position,
    "casework_activity_done": cases_models.PathwayActivity,
}


def _model_for(namespace, pattern, namespace_models):
    last = namespace.split(":")[-1] if namespace else ""
    if last in namespace_models:
        return namespace_models[last]
    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
    if name in HOOK_URL_MODELS:
        return HOOK_URL_MODELS[name]
    if last.startswith("wagtaildocs") or (pattern.name or "").startswith("wagtaildocs"):
        return Document
    view_class = getattr(pattern.callback, "view_class", None)
    model = getattr(view_class, "model", None)
    return model if isinstance(model, type) else None


def admin_urls():
    """(route, name, model, groups) of every URL under /admin/ and /documents/."""
    namespace_models = _namespace_models()
    for route, namespace, pattern in _walk(get_resolver()):
        if not (route.startswith("admin/") or route.startswith("documents/")):
            continue
        name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
        if name in SKIP_NAMES:
            continue
        groups = set(pattern.pattern.regex.groupindex)
        yield route, name, _model_for(namespace, pattern, namespace_models), groups


def _fill(route, values):
    url = route
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), m.group(0)), url)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), m.group(0)), url)
    url = url.replace("\\.", ".").replace("^", "").replace("$", "").replace("\\", "")
    if "<" in url or "(" in url or "*" in url:
        return None
    return "/" + url


def _values(obj):
    revision = getattr(obj, "latest_revision", None)
    values = {
        "pk": str(obj.pk),
        "object_id": str(obj.pk),
        "app_label": obj._meta.app_label,
        "model_name": obj._meta.model_name,
        "revision_id": str(revision.pk) if revision else "1",
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "action": "delete",
    }
    if isinstance(obj, Document):
        values.update(document_id=str(obj.pk), doc_id=str(obj.pk), document_filename=obj.filename)
    return values


def _text(response):
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if content[:2] == b"PK":  # XLSX: read the cells, not the zip
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


# --- data -----------------------------------------------------------------------------------


def _records_of(comune, tag):
    person = f.BeneficiaryFactory(
        residence_comune=comune,
        first_name=f"Zelinda{tag}",
        last_name=f"Marangoni{tag}",
        email=f"zelinda.{tag.lower()}@example.it",
    )
    referral = f.ReferralFactory(
        beneficiary=person, comune=comune, protocol=f"PRT-{tag}-4711", status="taken_in_charge"
    )
    host = f.HostOrganisationFactory(comune=comune)
    position = f.PositionFactory(host=host)
    pathway = f.PathwayFactory(referral=referral, comune=comune, host=host, position=position)
    edition = money_models.Edition.objects.get_or_create(
        name="2016-2017",
        defaults={"starts_on": datetime.date(2016, 9, 1), "ends_on": datetime.date(2017, 8, 31)},
    )[0]
    voucher = f.VoucherFactory(pathway=pathway, comune=comune, edition=edition)
    invoice = money_models.Invoice.objects.create(
        comune=comune,
        edition=edition,
        period_start=datetime.date(2016, 10, 1),
        period_end=datetime.date(2016, 12, 31),
        number=f"FT-{tag}-0815",
        issued_on=datetime.date(2017, 1, 5),
    )
    records = {
        net.Comune: comune,
        cases_models.Beneficiary: person,
        cases_models.Referral: referral,
        cases_models.Pathway: pathway,
        cases_models.PathwayActivity: cases_models.PathwayActivity.objects.create(
            pathway=pathway, activity="desk"
        ),
        cases_models.FollowUp: cases_models.FollowUp.objects.create(
            pathway=pathway, on=datetime.date(2017, 6, 1), situation="employed"
        ),
        money_models.TutoringSession: money_models.TutoringSession.objects.create(
            pathway=pathway, on=datetime.date(2016, 11, 1), hours=Decimal("2")
        ),
        money_models.Timesheet: money_models.Timesheet.objects.create(
            pathway=pathway, month=datetime.date(2016, 11, 1), hours_worked=Decimal("40")
        ),
        money_models.Budget: money_models.Budget.objects.get_or_create(
            comune=comune, edition=edition, defaults={"amount": 1000}
        )[0],
        money_models.Voucher: voucher,
        money_models.Invoice: invoice,
        money_models.InvoiceLine: money_models.InvoiceLine.objects.create(
            invoice=invoice,
            voucher=voucher,
            description=f"Tirocinio {person.last_name}",
            net=200,
            vat=44,
            gross=244,
        ),
        net.HostOrganisation: host,
        net.Position: position,
    }
    # Review meetings on the pathway (casework.cases.verification).
    records[VerificationMeeting] = VerificationMeeting.objects.create(
        pathway=pathway, held_on=datetime.date(2016, 11, 10), minutes=f"Verbale {tag}"
    )
    # A tirocinio's extension, suspension and compulsory communication (casework.cases.traineeship).
    records[traineeship_models.TraineeshipExtension] = (
        traineeship_models.TraineeshipExtension.objects.create(
            pathway=pathway,
            on=datetime.date(2017, 1, 10),
            previous_end_on=datetime.date(2017, 3, 31),
            new_end_on=datetime.date(2017, 5, 31),
            reason="Proroga",
        )
    )
    records[traineeship_models.TraineeshipSuspension] = (
        traineeship_models.TraineeshipSuspension.objects.create(
            pathway=pathway, starts_on=datetime.date(2017, 2, 1), reason="Malattia"
        )
    )
    records[traineeship_models.TraineeshipCommunication] = (
        traineeship_models.TraineeshipCommunication.objects.create(
            pathway=pathway, kind="start", sent_on=datetime.date(2016, 10, 1), protocol="COB-1"
        )
    )
    # The desk's agenda: an appointment of the referral and its history line.
    appointment = f.appointment(referral)
    records[agenda_models.Appointment] = appointment
    records[agenda_models.AppointmentChange] = agenda_models.AppointmentChange.objects.create(
        appointment=appointment, kind="booked", new_starts_at=appointment.starts_at
    )
    records.update(_signature_records(pathway, person))
    for obj in records.values():
        if hasattr(obj, "save_revision"):
            obj.save_revision()
        log(instance=obj, action="wagtail.edit")
    paper = f.pathway_document(pathway)
    records[papers_models.PathwayDocument] = paper
    record_event(None, Action.VIEW, person)
    run = ReportRun.objects.create(
        kind="budget",
        period_start=datetime.date(2017, 1, 1),
        period_end=datetime.date(2017, 3, 31),
        comune=comune,
    )
    report_services.run_report(run.pk)
    run.refresh_from_db()
    records[ReportRun] = run
    records[Document] = run.document
    identifiers = [
        person.tax_code,
        person.first_name,
        person.last_name,
        person.email,
        referral.protocol,
        invoice.number,
        run.document.title,
        run.document.filename.rsplit(".", 1)[0],
    ]
    return records, identifiers


def _signature_records(pathway, person):
    from django.core.files.base import ContentFile

    from casework.cases.signatures import models as signature_models

    scan = signature_models.SignedScan(
        pathway=pathway,
        kind="agreement",
        original_name=f"convenzione {person.last_name}.pdf",
        content_type="application/pdf",
        size=9,
    )
    scan.file.save("scan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    signature = signature_models.PaperSignature.objects.create(
        pathway=pathway,
        kind="agreement",
        party="host",
        host=pathway.host,
        signed_on=pathway.intake_on,
        signer_name=f"Legale rappresentante {person.last_name}",
    )
    return {signature_models.SignedScan: scan, signature_models.PaperSignature: signature}


@pytest.fixture
def world(comune_a, comune_b):
    allowed, _allowed_ids = _records_of(comune_a, "A")
    forbidden, forbidden_ids = _records_of(comune_b, "B")
    # A team meeting (not scoped: the team works for every Comune) discussing both cases.
    meeting = cases_models.TeamMeeting.objects.create(
        held_on=datetime.date(2017, 1, 5), minutes="Verbale"
    )
    meeting.cases.add(allowed[cases_models.Referral], forbidden[cases_models.Referral])
    meeting.save_revision()
    allowed[cases_models.TeamMeeting] = forbidden[cases_models.TeamMeeting] = meeting
    return allowed, forbidden, forbidden_ids


def _assert_nothing_of(text, identifiers, where):
    leaked = [needle for needle in identifiers if needle in text]
    assert not leaked, f"{where} shows {leaked}"


# --- the sweep ------------------------------------------------------------------------------


def test_the_sweep_sees_the_doors_we_care_about():
    names = {name for _route, name, _model, _groups in admin_urls()}
    for expected in (
        "wagtailsnippets_casework_beneficiary:list",
        "wagtailsnippets_casework_beneficiary:edit",
        "wagtailsnippets_casework_beneficiary:inspect",
        "wagtailsnippets_casework_beneficiary:history",
        "wagtailsnippets_casework_beneficiary:usage",
        "wagtailsnippets_casework_referral:revisions_compare",
        "wagtailsnippetchoosers_casework_beneficiary:chosen",
        "wagtailsnippets_network_hostorganisation:usage",
        "wagtail_bulk_action",
        "wagtailadmin_reports:site_history",
        "wagtaildocs:index",
        "wagtaildocs_chooser:choose",
        "wagtaildocs_serve",
    ):
        assert expected in names, expected


def _sweep(client, user, world, *, forbidden_view):
    _allowed, forbidden, identifiers = world
    client.force_login(user)
    client.raise_request_exception = False  # a crash is a 500 in the list, not the end
    checked = errors = 0
    failures = []
    last_name = forbidden[cases_models.Beneficiary].last_name
    for route, name, model, groups in admin_urls():
        urls = []
        if name == "wagtaildocs_serve":
            urls = [forbidden[Document].url, forbidden[papers_models.PathwayDocument].document.url]
            model = Document
        elif not groups:
            base = _fill(route, {})
            if base is None:
                continue
            # Searched by a prefix, so that a page echoing the query does not count as a leak.
            urls = [base, f"{base}?q={last_name[:-1]}", f"{base}?q={identifiers[0][:11]}"]
            if name.endswith((":list", ":index")):
                urls += [f"{base}?export=csv", f"{base}?export=xlsx"]
        elif model is not None and model in forbidden:
            url = _fill(route, _values(forbidden[model]))
            if url:
                urls = [url]
        for url in urls:
            response = client.get(url)
            checked += 1
            if response.status_code >= 500:
                failures.append(f"{name} {url} answered {response.status_code}")
                errors += 1
                continue
            try:
                text = _text(response)
            except Exception as error:  # a streamed export fails while it is read
                failures.append(f"{name} {url} crashed while streaming: {error!r}"[:300])
                continue
            if not forbidden_view:
                continue
            # A Comune is public territory data (choosing Sarezzo is no leak): its URLs only
            # need to show none of Sarezzo's people, which the identifier check below does.
            own_url = (groups or name == "wagtaildocs_serve") and (
                (model in scope_paths() and model is not net.Comune)
                or model in (Document, ReportRun)
            )
            if own_url and response.status_code not in REFUSED:
                refused_by_redirect = response.status_code == 302 and (
                    response["Location"] in ("/admin/", "/admin/login/")
                    or response["Location"].startswith("/admin/login/")
                )
                if not refused_by_redirect:
                    failures.append(f"{name} {url} answered {response.status_code}")
            leaked = [needle for needle in identifiers if needle in text]
            if leaked:
                failures.append(f"{name} {url} shows {leaked}")
    client.logout()
    return checked, failures


def test_social_worker_of_another_comune_sees_nothing_anywhere(client, world, social_worker_a):
    checked, failures = _sweep(client, social_worker_a, world, forbidden_view=True)
    assert not failures, "\n".join(failures)
    assert checked > 300


@pytest.mark.parametrize("role", ["agency_operator", "programme_manager", "superuser"])
def test_roles_that_see_every_comune_get_no_server_error(client, world, request, role):
    checked, failures = _sweep(client, request.getfixturevalue(role), world, forbidden_view=False)
    assert not failures, "\n".join(failures)
    assert checked > 300


def test_bulk_actions_never_list_another_comune_by_name(client, world, social_worker_a):
    allowed, forbidden, identifiers = world
    client.force_login(social_worker_a)
    for model in scope_paths():
        meta = model._meta
        url = f"/admin/bulk/{meta.app_label}/{meta.model_name}/delete/"
        for query in (
            {"id": [forbidden[model].pk]},
            {"id": [allowed[model].pk, forbidden[model].pk]},
            {"id": ["all"]},
        ):
            response = client.get(url, query)
            if response.status_code == 404:
                continue
            _assert_nothing_of(_text(response), identifiers, f"{url} {query}")
            assert model not in (
                cases_models.Beneficiary,
                cases_models.Referral,
                cases_models.Pathway,
            ), (url, query)


def test_site_history_lists_only_the_users_comuni(client, world, social_worker_a):
    allowed, _forbidden, identifiers = world
    client.force_login(social_worker_a)
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        _assert_nothing_of(text, identifiers, url)
        assert allowed[cases_models.Beneficiary].last_name in text  # own records are still listed
    export = client.get("/admin/reports/site-history/?export=csv")
    _assert_nothing_of(_text(export), identifiers, "site history CSV")


def test_usage_of_a_shared_record_hides_other_comuni_labels(client, world, social_worker_a):
    _allowed, forbidden, identifiers = world
    client.force_login(social_worker_a)
    edition = forbidden[money_models.Voucher].edition
    for url in (
        f"/admin/snippets/casework/edition/usage/{edition.pk}/",
        f"/admin/snippets/casework/teammeeting/usage/{forbidden[cases_models.TeamMeeting].pk}/",
    ):
        response = client.get(url)
        if response.status_code == 200:
            _assert_nothing_of(response.content.decode(), identifiers, url)


def test_everything_is_no_store_in_the_admin(client, world, programme_manager):
    allowed, _forbidden, _ids = world
    client.force_login(programme_manager)
    for url in (
        "/admin/",
        f"/admin/snippets/casework/beneficiary/inspect/{allowed[cases_models.Beneficiary].pk}/",
        "/admin/snippets/casework/beneficiary/?export=csv",
        allowed[Document].url,
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_every_model_with_personal_data_is_in_the_sweep():
    personal = {
        model
        for model in apps.get_app_config("casework").get_models()
        if any(f.name in ("comune", "pathway", "invoice") for f in model._meta.fields)
    }
    assert personal <= set(scope_paths())


def test_django_admin_with_the_queue_models_is_not_mounted():
    from django.urls import NoReverseMatch, reverse

    with pytest.raises(NoReverseMatch):
        reverse("admin:index")
    with pytest.raises(NoReverseMatch):
        reverse("admin:django_q_schedule_changelist")
