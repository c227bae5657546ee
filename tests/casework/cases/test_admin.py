import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from wagtail import hooks

from casework.access import is_programme_manager
from casework.cases.choices import PathwayStatus, ReferralStatus
from casework.cases.panels import TEAM_MEETING_AGENDA_HOOK
from casework.cases.services import pathways as cases_pathways
from casework.cases.services import referrals as cases_referrals
from casework.models import AuditEvent, Beneficiary, Pathway, Referral, TeamMeeting
from casework.permissions.names import display_name
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
LIST = "wagtailsnippets_casework_referral:list"
# Session, user, permissions, groups, profile, Comuni of the filter, count, page, the page's
# people and Comuni (one query each), locale and Wagtail's own per-request lookups: a fixed number
# whatever the rows on the page (Wagtail's plain list runs 49 for 20 rows).
MAX_LIST_QUERIES = 18


def url(viewset, name, *args):
    return reverse(f"wagtailsnippets_casework_{viewset}:{name}", args=args)


def bulk_referrals(count, comune, *, start=0):
    people = Beneficiary.objects.bulk_create(
        Beneficiary(
            tax_code=f.make_tax_code(start + n),
            first_name=f"Nome{n}",
            last_name=f"Cognome{start + n:06d}",
            birth_date=D(1980, 1, 1),
            sex="M",
            residence_comune=comune,
            target_group="giovane",
        )
        for n in range(count)
    )
    Referral.objects.bulk_create(
        Referral(
            comune=comune,
            protocol=f"P-{start + n}",
            beneficiary=person,
            referred_on=D(2016, 9, 1) + datetime.timedelta(days=n % 60),
            intake_due_on=D(2016, 9, 16) + datetime.timedelta(days=n % 60),
            status="received",
        )
        for n, person in enumerate(people)
    )


def test_referral_list_renders_columns_and_deadline(client, programme_manager):
    referral = f.ReferralFactory(referred_on=D(2016, 9, 1))
    client.force_login(programme_manager)
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    body = response.content.decode()
    assert referral.protocol in body
    assert str(referral.beneficiary) in body
    assert "scaduto" in body


def _list_queries(user, page_size, query=""):
    viewset = Referral.snippet_viewset
    view = viewset.construct_view(
        viewset.index_view_class, **viewset.get_index_view_kwargs(paginate_by=page_size)
    )
    request = RequestFactory().get("/admin/snippets/casework/referral/" + query)
    request.user = user
    with CaptureQueriesContext(connection) as context:
        response = view(request)
        response.render()
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_referral_list_queries_do_not_grow_with_rows_or_page_size(
    client, programme_manager, comune_a, django_assert_max_num_queries
):
    bulk_referrals(10_000, comune_a)
    assert Referral.objects.count() == 10_000
    client.force_login(programme_manager)
    for query in ("", "?status=received", "?q=Cognome000123", "?deadline=overdue&comune=%d"):
        query = query.replace("%d", str(comune_a.pk))
        with django_assert_max_num_queries(MAX_LIST_QUERIES):
            response = client.get(reverse(LIST) + query)
        assert response.status_code == 200
    _list_queries(programme_manager, 20)  # warm the per-process caches (content types...)
    small, _ = _list_queries(programme_manager, 20)
    large, body = _list_queries(programme_manager, 200)
    assert small == large
    assert body.count("P-") >= 200


def test_referral_search_by_surname_tax_code_and_protocol(client, programme_manager, comune_a):
    bulk_referrals(30, comune_a)
    client.force_login(programme_manager)
    person = Beneficiary.objects.get(last_name="Cognome000007")
    for term in ("cognome000007", person.tax_code.lower(), "P-7"):
        response = client.get(reverse(LIST) + f"?q={term}")
        assert "Cognome000007" in response.content.decode(), term
    assert "Cognome000008" not in client.get(reverse(LIST) + "?q=Cognome000007").content.decode()


def test_referral_filters(client, programme_manager, comune_a, comune_b):
    own = f.ReferralFactory(beneficiary__residence_comune=comune_a, status="received")
    other = f.ReferralFactory(beneficiary__residence_comune=comune_b, status="declined")
    client.force_login(programme_manager)
    body = client.get(reverse(LIST) + f"?comune={comune_b.pk}").content.decode()
    assert other.protocol in body and own.protocol not in body
    body = client.get(reverse(LIST) + "?deadline=overdue").content.decode()
    assert own.protocol in body and other.protocol not in body


def test_social_worker_list_is_scoped(client, social_worker_a, comune_a, comune_b):
    own = f.ReferralFactory(beneficiary__residence_comune=comune_a)
    other = f.ReferralFactory(beneficiary__residence_comune=comune_b)
    client.force_login(social_worker_a)
    body = client.get(reverse(LIST)).content.decode()
    assert own.protocol in body and other.protocol not in body
    # The Comune filter offers only the user's own Comuni.
    assert f'value="{comune_b.pk}"' not in body


def test_pages_render(client, programme_manager):
    pathway = f.PathwayFactory()
    client.force_login(programme_manager)
    for target in (
        url("referral", "inspect", pathway.referral_id),
        url("pathway", "inspect", pathway.pk),
        url("beneficiary", "inspect", pathway.referral.beneficiary_id),
        url("beneficiary", "edit", pathway.referral.beneficiary_id),
        url("pathway", "edit", pathway.pk),
        url("pathway", "list"),
        url("pathway", "list") + "?deadline=late_or_soon",
        url("beneficiary", "list") + "?q=Cognome",
        url("teammeeting", "add"),
        url("teammeeting", "list"),
        url("referral", "add"),
        reverse("wagtailadmin_home"),
        reverse("casework_auditevent:index"),
    ):
        response = client.get(target)
        assert response.status_code == 200, target


# --- Confidential notes -------------------------------------------------------------------------


@pytest.fixture
def person_with_notes(comune_a):
    person = f.BeneficiaryFactory(
        residence_comune=comune_a, confidential_notes="Segnalata dal consultorio"
    )
    f.ReferralFactory(beneficiary=person, comune=comune_a)
    person.save_revision()
    return person


@pytest.mark.parametrize(
    ("role", "visible"),
    [("social_worker_a", True), ("programme_manager", True), ("agency_operator", False)],
)
def test_confidential_notes_only_for_comune_and_manager(
    request, client, person_with_notes, role, visible
):
    client.force_login(request.getfixturevalue(role))
    for target in (
        url("beneficiary", "inspect", person_with_notes.pk),
        url("beneficiary", "edit", person_with_notes.pk),
    ):
        body = client.get(target).content.decode()
        assert ("Segnalata dal consultorio" in body) is visible, target


def test_agency_edit_keeps_notes_it_cannot_see(client, agency_operator, person_with_notes):
    client.force_login(agency_operator)
    person = person_with_notes
    data = {
        "tax_code": person.tax_code,
        "first_name": person.first_name,
        "last_name": "Nuovocognome",
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "residence_comune": person.residence_comune_id,
        "employment_condition": person.employment_condition,
        "target_group": person.target_group,
        "confidential_notes": "",
    }
    response = client.post(url("beneficiary", "edit", person.pk), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.last_name == "Nuovocognome"
    assert person.confidential_notes == "Segnalata dal consultorio"


def test_revision_compare_hides_notes(
    client, agency_operator, programme_manager, person_with_notes
):
    person = person_with_notes
    person.confidential_notes = "Seconda nota riservata"
    person.save()
    person.save_revision()
    compare = reverse(
        "wagtailsnippets_casework_beneficiary:revisions_compare",
        kwargs={"pk": person.pk, "revision_id_a": "earliest", "revision_id_b": "latest"},
    )
    client.force_login(programme_manager)
    assert "Seconda nota riservata" in client.get(compare).content.decode()
    client.force_login(agency_operator)
    assert "Seconda nota riservata" not in client.get(compare).content.decode()


def test_edit_form_checks_tax_code_against_birth_date(client, programme_manager, comune_a):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    client.force_login(programme_manager)
    data = {
        "tax_code": person.tax_code,
        "first_name": "A",
        "last_name": "B",
        "birth_date": "1990-05-05",
        "sex": "M",
        "residence_comune": comune_a.pk,
        "employment_condition": "disoccupato",
        "target_group": "giovane",
    }
    response = client.post(url("beneficiary", "edit", person.pk), data)
    assert response.status_code == 200
    assert str(cases_referrals.MSG_BIRTH_DATE_MISMATCH) in response.content.decode()


# --- Audit ---------------------------------------------------------------------------------------


def test_opening_a_record_is_logged_and_manager_reads_the_log(
    client, social_worker_a, programme_manager, person_with_notes
):
    client.force_login(social_worker_a)
    client.get(url("beneficiary", "inspect", person_with_notes.pk))
    client.get(url("beneficiary", "edit", person_with_notes.pk))
    events = AuditEvent.objects.filter(beneficiary_id=person_with_notes.pk, action="view")
    assert events.count() == 2
    assert {e.user for e in events} == {social_worker_a}
    assert client.get(reverse("casework_auditevent:index")).status_code in (302, 403)
    client.force_login(programme_manager)
    assert is_programme_manager(programme_manager)
    response = client.get(
        reverse("casework_auditevent:index") + f"?beneficiary_id={person_with_notes.pk}"
    )
    assert response.status_code == 200
    # Named as a person, not by the login (``casework.permissions.names``).
    assert display_name(social_worker_a) in response.content.decode()


# --- New referral --------------------------------------------------------------------------------


def _new_referral_data(comune, **extra):
    return {
        "comune": comune.pk,
        "protocol": "2016/77",
        "referred_on": "2016-09-01",
        "intake_deadline_days": 15,
        "employment_condition": "disoccupato",
        **extra,
    }


def test_new_referral_reuses_existing_person(client, social_worker_a, comune_a):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    client.force_login(social_worker_a)
    response = client.post(
        url("referral", "add"), _new_referral_data(comune_a, tax_code=person.tax_code.lower())
    )
    assert response.status_code == 302
    assert Beneficiary.objects.count() == 1
    referral = Referral.objects.get()
    assert referral.beneficiary == person and referral.intake_due_on == D(2016, 9, 16)


def test_new_referral_registers_new_person_from_code(client, social_worker_a, comune_a):
    code = f.make_tax_code(99, birth_date=D(1990, 4, 5), sex="F")
    client.force_login(social_worker_a)
    response = client.post(
        url("referral", "add"),
        _new_referral_data(
            comune_a,
            tax_code=code,
            first_name="Giulia",
            last_name="Ferrari",
            residence_comune=comune_a.pk,
            target_group="giovane",
        ),
    )
    assert response.status_code == 302
    person = Beneficiary.objects.get()
    assert (person.birth_date, person.sex) == (D(1990, 4, 5), "F")


def test_new_referral_rejects_bad_code_and_saves_nothing(client, social_worker_a, comune_a):
    code = f.make_tax_code(98)
    wrong = code[:15] + ("A" if code[15] != "A" else "B")
    client.force_login(social_worker_a)
    response = client.post(
        url("referral", "add"),
        _new_referral_data(
            comune_a, tax_code=wrong, first_name="X", last_name="Y", residence_comune=comune_a.pk
        ),
    )
    assert response.status_code == 200
    assert "carattere di controllo" in response.content.decode()
    assert not Beneficiary.objects.exists() and not Referral.objects.exists()


def test_new_referral_group_deadline_error_leaves_no_person(client, social_worker_a, comune_a):
    code = f.make_tax_code(97)
    client.force_login(social_worker_a)
    response = client.post(
        url("referral", "add"),
        _new_referral_data(
            comune_a,
            tax_code=code,
            first_name="X",
            last_name="Y",
            residence_comune=comune_a.pk,
            target_group="giovane",
            intake_deadline_days=40,
        ),
    )
    assert response.status_code == 200
    assert not Beneficiary.objects.exists()


# --- Action screens ------------------------------------------------------------------------------


def test_take_in_charge_screen(client, agency_operator):
    referral = f.ReferralFactory(referred_on=D(2016, 9, 1), status="received")
    client.force_login(agency_operator)
    target = url("referral", "take", referral.pk)
    assert client.get(target).status_code == 200
    response = client.post(target, {"on": "2016-08-01", "pathway_type": "tirocinio"})
    assert response.status_code == 200
    assert str(cases_pathways.MSG_INTAKE_BEFORE_REFERRAL) in response.content.decode()
    assert not Pathway.objects.exists()
    response = client.post(target, {"on": "2016-09-05", "pathway_type": "tirocinio"})
    pathway = Pathway.objects.get()
    assert response.status_code == 302
    assert response.url == url("pathway", "inspect", pathway.pk)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TAKEN_IN_CHARGE


def test_social_worker_cannot_take_in_charge(client, social_worker_a, comune_a):
    referral = f.ReferralFactory(beneficiary__residence_comune=comune_a)
    client.force_login(social_worker_a)
    response = client.post(url("referral", "take", referral.pk), {"on": "2016-09-05"})
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    assert response.status_code in (302, 403)
    assert not Pathway.objects.exists()


def test_activate_and_complete_screens(client, agency_operator):
    pathway = f.PathwayFactory(intake_on=D(2016, 9, 5))
    position = f.PositionFactory(pathway_types=["tirocinio"])
    f.sign_papers(pathway, agency_operator, position=position)
    client.force_login(agency_operator)
    response = client.post(
        url("pathway", "activate", pathway.pk), {"on": "2016-09-10", "position": position.pk}
    )
    assert response.status_code == 302
    response = client.post(url("pathway", "complete", pathway.pk), {"on": "2016-12-10"})
    assert escape(str(cases_pathways.MSG_OUTCOME_REQUIRED)) in response.content.decode()
    client.post(url("pathway", "complete", pathway.pk), {"on": "2016-12-10", "outcome": "hired"})
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.COMPLETED


def test_pathway_inspect_links_to_matching_and_checklist(client, agency_operator):
    pathway = cases_pathways.take_in_charge(
        f.ReferralFactory(referred_on=D(2016, 9, 1)), on=D(2016, 9, 2), user=agency_operator
    )
    client.force_login(agency_operator)
    body = client.get(url("pathway", "inspect", pathway.pk)).content.decode()
    assert reverse("casework_pathway_matching", args=[pathway.pk]) in body
    item = pathway.activities.get(activity="cv")
    assert reverse("casework_activity_done", args=[item.pk]) in body
    response = client.post(
        reverse("casework_activity_done", args=[item.pk]), {"on": "2016-09-03", "note": ""}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_on == D(2016, 9, 3)


# --- Dashboard and team meeting ------------------------------------------------------------------


def test_dashboard_panel_is_scoped_and_warns_about_meetings(
    client, social_worker_a, comune_a, comune_b
):
    own = f.ReferralFactory(beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1))
    other = f.ReferralFactory(beneficiary__residence_comune=comune_b, referred_on=D(2016, 9, 1))
    TeamMeeting.objects.create(held_on=D(2016, 9, 1))
    client.force_login(social_worker_a)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert str(own.beneficiary) in body and str(other.beneficiary) not in body
    assert "scaduto" in body
    assert "ultima équipe congiunta" in body


def test_team_meeting_screen_proposes_agenda_with_hook_sections(
    client, programme_manager, comune_a
):
    waiting = f.ReferralFactory(beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1))
    closed = f.ReferralFactory(beneficiary__residence_comune=comune_a, status="closed")

    def vouchers_section(request, meeting):
        return {
            "title": "Voucher da decidere",
            "template": "casework/_deadline.html",
            "context": {},
        }

    client.force_login(programme_manager)
    with hooks.register_temporarily(TEAM_MEETING_AGENDA_HOOK, vouchers_section):
        body = client.get(url("teammeeting", "add")).content.decode()
    assert "Ordine del giorno proposto" in body
    assert str(waiting.beneficiary) in body
    assert "Voucher da decidere" in body
    # The "cases discussed" choices are the open cases, not every referral ever made.
    assert str(closed.beneficiary) not in body


def test_new_referral_lookup_shows_existing_person(client, social_worker_a, comune_a, comune_b):
    own = f.BeneficiaryFactory(residence_comune=comune_a)
    other = f.BeneficiaryFactory(residence_comune=comune_b)
    client.force_login(social_worker_a)
    body = client.get(url("referral", "add") + f"?tax_code={own.tax_code}").content.decode()
    assert "Persona già registrata" in body and str(own) in body
    # Another Comune's resident is not revealed by the lookup.
    body = client.get(url("referral", "add") + f"?tax_code={other.tax_code}").content.decode()
    assert str(other) not in body and "Persona già registrata" not in body


@pytest.mark.postgres
def test_postgres_search_can_use_indexes_only(client, programme_manager, comune_a):
    """With sequential scans discouraged, every table of the search is still read through an
    index: the conditions are index-compatible (an IN-subquery OR'ed with another column is not,
    and PostgreSQL would have to scan the table however large)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    bulk_referrals(200, comune_a)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_referral")
        cursor.execute("ANALYZE casework_beneficiary")
        cursor.execute("SET enable_seqscan = off")
    try:
        client.force_login(programme_manager)
        person = Beneficiary.objects.get(last_name="Cognome000042")
        for term in ("Cognome000042", person.tax_code):
            with CaptureQueriesContext(connection) as context:
                response = client.get(reverse(LIST) + f"?q={term}")
            assert "Cognome000042" in response.content.decode()
            searches = [
                q["sql"]
                for q in context.captured_queries
                if '"casework_referral"' in q["sql"] and "LIKE" in q["sql"]
            ]
            assert len(searches) == 2  # the count and the page
            for sql in searches:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                assert "Seq Scan" not in plan, plan
                assert "trgm" in plan, plan
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


def test_referral_and_pathway_exports(client, programme_manager, social_worker_a, comune_b):
    pathway = f.PathwayFactory()
    other = f.ReferralFactory(beneficiary__residence_comune=comune_b)
    client.force_login(programme_manager)
    body = b"".join(client.get(reverse(LIST) + "?export=csv").streaming_content).decode()
    assert pathway.referral.beneficiary.tax_code in body and other.protocol in body
    body = b"".join(client.get(url("pathway", "list") + "?export=csv").streaming_content).decode()
    assert pathway.referral.protocol in body
    client.force_login(social_worker_a)
    body = b"".join(client.get(reverse(LIST) + "?export=csv").streaming_content).decode()
    assert pathway.referral.protocol in body and other.protocol not in body
    # Every exported record is in the access log, with its person.
    exported = AuditEvent.objects.filter(action="export", user=social_worker_a)
    assert set(exported.values_list("beneficiary_id", flat=True)) == {
        pathway.referral.beneficiary_id
    }


def test_pathways_are_not_added_by_hand(client, agency_operator):
    client.force_login(agency_operator)
    body = client.get(url("pathway", "list")).content.decode()
    assert url("pathway", "add") not in body
    response = client.get(url("pathway", "add"))
    assert response.status_code == 302 and response.url == reverse(LIST)


def test_matching_is_offered_only_while_the_pathway_waits_for_its_position(
    client, agency_operator, comune_a
):
    client.force_login(agency_operator)
    waiting = f.PathwayFactory(status="matching", comune=comune_a)
    active = f.active_pathway(comune_a)
    label = "Cerca postazioni adatte (matching)"
    assert label in client.get(url("pathway", "inspect", waiting.pk)).content.decode()
    assert label not in client.get(url("pathway", "inspect", active.pk)).content.decode()
