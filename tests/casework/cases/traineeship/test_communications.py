"""Compulsory communications (COB): recorded with date and protocol; the missing ones on the
pathway page and in the dashboard panel, scoped and in a fixed number of queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.cases.services import pathways
from casework.cases.traineeship import services
from casework.cases.traineeship.choices import CommunicationKind
from casework.cases.traineeship.panels import MissingCommunicationsPanel
from casework.cases.traineeship.selectors import (
    missing_communication_pathways,
    missing_communications,
    missing_kinds_of,
)
from casework.permissions.access import visible_comune_ids
from tests import factories as f

pytestmark = pytest.mark.django_db


def _record(pathway, kind, user, protocol="COB-2016-1"):
    return services.record_communication(
        pathway, kind=kind, sent_on=datetime.date(2016, 10, 2), protocol=protocol, user=user
    )


def test_start_missing_once_active(active_tirocinio, agency_operator):
    assert missing_communications(active_tirocinio) == [CommunicationKind.START]
    _record(active_tirocinio, CommunicationKind.START, agency_operator)
    assert missing_communications(active_tirocinio) == []


def test_not_missing_before_activation_nor_for_other_types(make_tirocinio, edition):
    assert missing_communications(make_tirocinio(f.HostOrganisationFactory())) == []
    hire = f.active_pathway(f.comune("Sarezzo"), pathway_type="inserimento")
    assert missing_communications(hire) == []


def test_extension_and_end_missing(active_tirocinio, agency_operator):
    _record(active_tirocinio, CommunicationKind.START, agency_operator)
    services.extend_traineeship(
        active_tirocinio,
        on=datetime.date(2017, 3, 1),
        new_end_on=datetime.date(2017, 6, 30),
        reason="Proroga",
        user=agency_operator,
    )
    assert missing_communications(active_tirocinio) == [CommunicationKind.EXTENSION]
    _record(active_tirocinio, CommunicationKind.EXTENSION, agency_operator, "COB-2")
    pathways.complete_pathway(
        active_tirocinio, on=datetime.date(2017, 6, 30), outcome="completed", user=agency_operator
    )
    active_tirocinio.refresh_from_db()
    assert missing_communications(active_tirocinio) == [CommunicationKind.END]
    _record(active_tirocinio, CommunicationKind.END, agency_operator, "COB-3")
    assert missing_communications(active_tirocinio) == []


def test_communication_rules(active_tirocinio, agency_operator):
    with pytest.raises(ValidationError) as error:
        _record(active_tirocinio, CommunicationKind.EXTENSION, agency_operator)
    assert [str(m) for m in error.value.messages] == [services.MSG_COMMUNICATION_NOT_DUE]
    with pytest.raises(ValidationError) as error:
        _record(active_tirocinio, CommunicationKind.END, agency_operator)
    assert [str(m) for m in error.value.messages] == [services.MSG_COMMUNICATION_NOT_DUE]
    with pytest.raises(ValidationError) as error:
        _record(active_tirocinio, CommunicationKind.START, agency_operator, protocol="  ")
    assert [str(m) for m in error.value.messages] == [services.MSG_PROTOCOL_REQUIRED]
    with pytest.raises(ValidationError) as error:
        services.record_communication(
            active_tirocinio,
            kind=CommunicationKind.START,
            sent_on=datetime.date(2016, 9, 1),
            protocol="X",
            user=agency_operator,
        )
    assert [str(m) for m in error.value.messages] == [services.MSG_COMMUNICATION_BEFORE_INTAKE]


def test_the_panel_lists_the_missing_ones_in_fixed_queries(
    edition, agency_operator, django_assert_num_queries, rf
):
    comune = f.comune("Lumezzane")
    pathways_list = [f.active_pathway(comune) for _ in range(4)]
    services.record_communication(
        pathways_list[0],
        kind=CommunicationKind.START,
        sent_on=datetime.date(2016, 10, 1),
        protocol="P",
        user=agency_operator,
    )
    user = type(agency_operator).objects.get(pk=agency_operator.pk)
    user.has_perm("casework.view_pathway")
    panel = MissingCommunicationsPanel(user)
    visible_comune_ids(user)  # the role, cached on the user as in a request
    # One query: the list with its COB annotations (the total is the rows' count here).
    with django_assert_num_queries(1):
        context = panel.get_context_data({})
    assert len(context["rows"]) == 3 and context["total"] == 3
    assert all(row["missing"] == [CommunicationKind.START] for row in context["rows"])
    for _ in range(5):
        f.active_pathway(comune)
    with django_assert_num_queries(1):
        context = panel.get_context_data({})
    assert context["total"] == 8


def test_the_panel_is_scoped(edition, comune_a, comune_b, social_worker_a):
    mine = f.active_pathway(comune_a)
    f.active_pathway(comune_b)
    rows = list(missing_communication_pathways(social_worker_a))
    assert rows == [mine] and missing_kinds_of(rows[0]) == [CommunicationKind.START]


def test_recording_a_cob_from_the_pathway_page(client, active_tirocinio, agency_operator):
    client.force_login(agency_operator)
    page_url = reverse("wagtailsnippets_casework_pathway:inspect", args=[active_tirocinio.pk])
    page = client.get(page_url).content.decode()
    assert "data-cob-missing" in page and "Registra comunicazione obbligatoria" in page
    url = reverse("casework_traineeship_communication", args=[active_tirocinio.pk])
    response = client.post(url, {"kind": "start", "sent_on": "02/10/2016", "protocol": "COB-77"})
    assert response.status_code == 302
    page = client.get(page_url).content.decode()
    assert "data-cob-missing" not in page and "COB-77" in page and "02/10/2016" in page


def test_action_urls_are_scoped(client, edition, comune_a, comune_b, social_worker_a):
    other = f.active_pathway(comune_b)
    client.force_login(social_worker_a)
    for name in (
        "casework_traineeship_communication",
        "casework_traineeship_extension",
        "casework_traineeship_suspension",
        "casework_traineeship_resume",
    ):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404


def test_a_social_worker_reads_but_does_not_record(client, edition, comune_a, social_worker_a):
    mine = f.active_pathway(comune_a)
    client.force_login(social_worker_a)
    page = client.get(reverse("wagtailsnippets_casework_pathway:inspect", args=[mine.pk]))
    assert page.status_code == 200
    assert "Registra comunicazione obbligatoria" not in page.content.decode()
    url = reverse("casework_traineeship_communication", args=[mine.pk])
    assert client.get(url).status_code in (302, 403)  # Wagtail sends a refused user home
