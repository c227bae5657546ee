"""Role-aware screens: the dashboard offers only what the role may open; the person's weekly
availability is asked on the new referral and on the person's form; people named in full."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from casework.models import Beneficiary, TeamMeeting
from casework.permissions.names import display_name
from core.fields import HoursField
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date

MEETING_ADD = reverse("wagtailsnippets_casework_teammeeting:add")


def _dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("wagtailadmin_home")).content.decode()


def _panel_links(body):
    """The hrefs of the case panels: the team-meeting warning and the deadlines section."""
    parts = re.findall(r'<div class="help-block help-warning.*?</div>', body, re.S)
    parts += re.findall(r"<section[^>]*casework-deadlines-heading.*?</section>", body, re.S)
    return [link for part in parts for link in re.findall(r'href="([^"]+)"', part)]


@pytest.fixture
def overdue_cases(comune_a):
    TeamMeeting.objects.create(held_on=D(2016, 9, 1))  # long ago: the warning shows
    referral = f.ReferralFactory(beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1))
    pathway = f.PathwayFactory(referral__beneficiary__residence_comune=comune_a, status="defining")
    return referral, pathway


def test_a_social_worker_is_not_offered_to_record_a_meeting(client, social_worker_a, overdue_cases):
    body = _dashboard(client, social_worker_a)
    assert "ultima équipe congiunta" in body  # the warning is still there
    assert MEETING_ADD not in body
    assert "Registra un&#x27;équipe" not in body and "Registra un'équipe" not in body


@pytest.mark.parametrize("role", ["agency_operator", "programme_manager"])
def test_who_may_record_a_meeting_gets_the_link(client, request, role, overdue_cases):
    assert MEETING_ADD in _dashboard(client, request.getfixturevalue(role))


@pytest.mark.parametrize("role", ["social_worker_a", "agency_operator", "programme_manager"])
def test_every_link_of_the_case_panels_opens_for_the_role(client, request, role, overdue_cases):
    user = request.getfixturevalue(role)
    links = _panel_links(_dashboard(client, user))
    referral, _pathway = overdue_cases
    assert reverse("wagtailsnippets_casework_referral:inspect", args=[referral.pk]) in links
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        # A refused admin view redirects home with "non hai i permessi".
        assert response.status_code == 200, (role, link, response.status_code)


def test_the_deadlines_links_follow_the_view_permission(client, social_worker_a, overdue_cases):
    from django.contrib.auth.models import Permission

    referral, _pathway = overdue_cases
    # The same user without the view permission on referrals: the person is named, not linked.
    social_worker_a.groups.clear()
    social_worker_a.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_pathway"),
    )
    body = _dashboard(client, social_worker_a)
    inspect = reverse("wagtailsnippets_casework_referral:inspect", args=[referral.pk])
    assert inspect not in body


# --- Weekly availability -----------------------------------------------------------------------


def test_the_new_referral_asks_for_the_weekly_availability(client, social_worker_a, comune_a):
    client.force_login(social_worker_a)
    add = reverse("wagtailsnippets_casework_referral:add")
    assert "Disponibilità settimanale (ore)" in client.get(add).content.decode()
    response = client.post(
        add,
        {
            "tax_code": f.make_tax_code(77, birth_date=D(1990, 4, 5), sex="F"),
            "first_name": "Giulia",
            "last_name": "Ferrari",
            "residence_comune": comune_a.pk,
            "target_group": "giovane",
            "available_hours_per_week": "17,5",
            "comune": comune_a.pk,
            "protocol": "2016/78",
            "referred_on": "01/09/2016",
            "intake_deadline_days": 15,
            "employment_condition": "disoccupato",
        },
    )
    assert response.status_code == 302
    assert Beneficiary.objects.get().available_hours_per_week == Decimal("17.5")


def test_the_persons_form_edits_the_availability(client, agency_operator):
    person = f.BeneficiaryFactory(available_hours_per_week=Decimal("20"))
    client.force_login(agency_operator)
    html = client.get(
        reverse("wagtailsnippets_casework_beneficiary:edit", args=[person.pk])
    ).content.decode()
    assert 'name="available_hours_per_week"' in html and 'value="20"' in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("typed", "expected"), [("17,5", Decimal("17.5")), ("20", Decimal("20")), ("", None)]
)
def test_hours_are_typed_the_italian_way(typed, expected):
    field = HoursField(max_digits=4, decimal_places=1, required=False)
    assert field.clean(typed) == expected


# --- Names -------------------------------------------------------------------------------------


def test_people_are_named_in_full_else_by_username():
    assert display_name(f.UserFactory(first_name="Chiara", last_name="Rinaldi")) == "Chiara Rinaldi"
    assert display_name(f.UserFactory(username="agenzia2", first_name="", last_name="")) == (
        "agenzia2"
    )
    assert display_name(None) == "—"
