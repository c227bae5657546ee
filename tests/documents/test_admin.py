"""Who may open which report: the document URL per role, the runs in the admin, "Genera ora",
and the read-only task monitor."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Failure
from wagtail.documents import get_document_model

from documents import services
from documents.access import hidden_report_collection_ids
from documents.collections import collection_for
from documents.models import ReportRun, RunStatus
from tests import factories as f

from .conftest import Q1

pytestmark = pytest.mark.django_db
Document = get_document_model()


def built(kind="budget", comune=None):
    run = ReportRun.objects.create(kind=kind, period_start=Q1[0], period_end=Q1[1], comune=comune)
    services.run_report(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    return run


@pytest.fixture
def reports(report_data):
    return {
        "a": built(comune=report_data.a),
        "b": built(comune=report_data.b),
        "programme": built(),
    }


def status(client, user, document):
    if user is not None:
        client.force_login(user)
    return client.get(document.url).status_code


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("social_worker_a", {"a": 200, "b": 403, "programme": 403}),
        ("social_worker_b", {"a": 403, "b": 200, "programme": 403}),
        ("agency_operator", {"a": 200, "b": 200, "programme": 200}),
        ("programme_manager", {"a": 200, "b": 200, "programme": 200}),
        ("superuser", {"a": 200, "b": 200, "programme": 200}),
    ],
)
def test_document_urls_per_role(client, reports, request, role, expected):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for key, code in expected.items():
        for document in (reports[key].document, reports[key].spreadsheet):
            assert client.get(document.url).status_code == code, (role, key, document)


def test_served_through_django_not_the_media_folder(client, reports, programme_manager):
    document = reports["a"].document
    assert document.url.startswith("/documents/")
    client.force_login(programme_manager)
    response = client.get(document.url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    from casework.models import AuditEvent

    event = AuditEvent.objects.get(model="wagtaildocs.document")
    assert (event.user, event.action, event.object_id, event.comune_id) == (
        programme_manager,
        "export",
        str(document.pk),
        reports["a"].comune_id,
    )


def test_anonymous_goes_to_login_and_a_user_without_role_is_refused(client, reports):
    response = client.get(reports["a"].document.url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.force_login(f.UserFactory(username="nessuno"))
    assert client.get(reports["a"].document.url).status_code == 403


def test_collections_are_private(reports, comune_a):
    from wagtail.models import CollectionViewRestriction

    def groups(collection):
        return {
            group.name
            for restriction in CollectionViewRestriction.objects.filter(collection=collection)
            for group in restriction.groups.all()
        }

    comune_collection = collection_for(comune_a)
    root = comune_collection.get_parent()
    assert groups(root) == {"Responsabile PAL", "Operatore agenzia", "Servizio sociale comunale"}
    assert comune_collection.get_view_restrictions().count() == 1  # the root's, inherited
    assert groups(collection_for(None)) == {"Responsabile PAL", "Operatore agenzia"}
    assert reports["a"].document.collection == comune_collection


def test_chooser_hides_other_comuni_reports(reports, social_worker_a, programme_manager):
    hidden = set(hidden_report_collection_ids(social_worker_a))
    assert reports["a"].document.collection_id not in hidden
    assert reports["b"].document.collection_id in hidden
    assert reports["programme"].document.collection_id in hidden
    assert hidden_report_collection_ids(programme_manager) == []


def test_document_library_lists_reports_to_the_manager_only(
    client, reports, programme_manager, social_worker_a
):
    client.force_login(programme_manager)
    response = client.get(reverse("wagtaildocs:index"))
    assert response.status_code == 200
    assert reports["b"].document.title in response.content.decode()
    client.force_login(social_worker_a)
    response = client.get(reverse("wagtaildocs:index"))
    assert response.status_code in (302, 403)


URL = "wagtailsnippets_documents_reportrun"


def test_runs_listing_is_scoped_per_comune(client, reports, social_worker_a):
    client.force_login(social_worker_a)
    response = client.get(reverse(f"{URL}:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reports["a"].document.url in body
    assert reports["b"].document.url not in body
    assert reports["programme"].document.url not in body
    found = client.get(reverse(f"{URL}:list"), {"q": "Sarezzo"}).content.decode()
    assert reports["b"].document.url not in found  # search stays in scope
    found = client.get(reverse(f"{URL}:list"), {"q": "Lumezzane"}).content.decode()
    assert reports["a"].document.url in found
    assert client.get(reverse(f"{URL}:inspect", args=[reports["b"].pk])).status_code == 404
    assert client.get(reverse(f"{URL}:status", args=[reports["b"].pk])).status_code == 404
    assert client.get(reverse(f"{URL}:inspect", args=[reports["a"].pk])).status_code == 200
    # Social workers read reports; they do not request them.
    assert client.get(reverse(f"{URL}:add")).status_code in (302, 403)


def test_runs_cannot_be_edited_or_deleted(client, reports, programme_manager):
    client.force_login(programme_manager)
    pk = reports["a"].pk
    assert client.get(reverse(f"{URL}:edit", args=[pk])).status_code in (302, 403)
    assert client.post(reverse(f"{URL}:delete", args=[pk])).status_code in (302, 403)
    assert ReportRun.objects.filter(pk=pk).exists()


def test_genera_ora_queues_a_run_and_shows_its_progress(
    client, report_data, programme_manager, django_capture_on_commit_callbacks
):
    client.force_login(programme_manager)
    page = client.get(reverse(f"{URL}:add"))
    assert page.status_code == 200
    assert "Genera ora" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(f"{URL}:add"),
            {
                "kind": "quarterly",
                "period_start": "2017-01-01",
                "period_end": "2017-03-31",
                "comune": report_data.a.pk,
            },
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(f"{URL}:inspect", args=[run.pk])
    assert run.requested_by == programme_manager
    assert run.status == RunStatus.DONE  # sync queue in tests
    status = client.get(reverse(f"{URL}:status", args=[run.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "Completato",
        "progress": 100,
        "finished": True,
    }
    inspect = client.get(response["Location"]).content.decode()
    assert run.document.url in inspect
    assert "Genera di nuovo" in inspect


def test_genera_ora_shows_italian_errors(client, report_data, programme_manager):
    client.force_login(programme_manager)
    response = client.post(
        reverse(f"{URL}:add"),
        {"kind": "quarterly", "period_start": "2017-03-31", "period_end": "2017-01-01"},
    )
    assert response.status_code == 200
    from django.utils.html import escape

    assert escape(str(services.ERROR_PERIOD_ORDER)) in response.content.decode()
    assert not ReportRun.objects.exists()


def test_regenerate_creates_a_new_run_with_the_same_parameters(
    client, reports, agency_operator, django_capture_on_commit_callbacks
):
    client.force_login(agency_operator)
    original = reports["a"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(f"{URL}:regenerate", args=[original.pk]))
    new = ReportRun.objects.exclude(pk__in=[r.pk for r in reports.values()]).get()
    assert response["Location"] == reverse(f"{URL}:inspect", args=[new.pk])
    assert (new.kind, new.period_start, new.comune) == (
        original.kind,
        original.period_start,
        original.comune,
    )
    assert new.status == RunStatus.DONE
    assert new.document != original.document
    assert Document.objects.filter(pk=original.document.pk).exists()


def test_task_monitor_is_read_only_and_for_the_manager(
    client, reports, programme_manager, social_worker_a
):
    client.force_login(programme_manager)
    for model in ("success", "failure", "schedule", "ormq"):
        index = f"/admin/django_q/{model}/"
        assert client.get(index).status_code == 200, model
        # Read-only: the monitor has no add view at all (modeladmin's or the viewset's URL).
        for add in (f"{index}create/", f"{index}new/"):
            assert client.get(add).status_code in (302, 403, 404), model
            assert client.post(add, {"name": "x"}).status_code in (302, 403, 404), model
    client.force_login(social_worker_a)
    assert client.get("/admin/django_q/failure/").status_code in (302, 403)


def test_task_monitor_inspects_but_never_edits_or_deletes(
    client, programme_manager, social_worker_a
):
    now = timezone.now()
    failure = Failure.objects.create(
        id="d" * 32,
        name="report-rotto",
        func="documents.tasks.build_report",
        started=now,
        stopped=now,
        success=False,
        result="Traceback: ERRORE-VISIBILE",
    )
    client.force_login(programme_manager)
    listing = client.get("/admin/django_q/failure/").content.decode()
    assert "report-rotto" in listing and "ERRORE-VISIBILE" not in listing
    inspect = client.get(f"/admin/django_q/failure/inspect/{failure.pk}/")
    assert inspect.status_code == 200 and "ERRORE-VISIBILE" in inspect.content.decode()
    for action in ("edit", "delete"):
        url = f"/admin/django_q/failure/{action}/{failure.pk}/"
        assert client.post(url).status_code == 404, action
    assert Failure.objects.filter(pk=failure.pk).exists()
    client.force_login(social_worker_a)
    assert client.get(f"/admin/django_q/failure/inspect/{failure.pk}/").status_code in (302, 403)


def test_task_monitor_titles_are_italian(client, programme_manager):
    client.force_login(programme_manager)
    titles = {"success": "Riuscite", "failure": "Non riuscite", "schedule": "Pianificazioni"}
    for model, title in titles.items():
        html = client.get(f"/admin/django_q/{model}/").content.decode()
        assert f"<title>{title}" in html, model
        assert "Successful tasks" not in html and "Failed tasks" not in html, model
