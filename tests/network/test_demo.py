import io

import pytest

from network.choices import OrganisationKind
from network.demo import load_network
from network.models import DirectoryPage, HostOrganisation, Position, RegistrationPage

pytestmark = pytest.mark.django_db


def _run():
    from home.content import build_page_tree

    build_page_tree()
    load_network({"stdout": io.StringIO(), "logins": []})


def test_demo_network_is_complete_and_idempotent():
    _run()
    counts = (HostOrganisation.objects.count(), Position.objects.count())
    assert 28 <= counts[0] <= 35 and 55 <= counts[1] <= 70
    kinds = set(HostOrganisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)
    assert HostOrganisation.objects.values("comune").distinct().count() >= 15
    assert Position.objects.filter(reserved_for_comune__isnull=False).exists()
    assert HostOrganisation.objects.filter(status="pending").exists()
    directory, registration = DirectoryPage.objects.get(), RegistrationPage.objects.get()
    assert directory.live and directory.show_in_menus
    assert registration.live and registration.show_in_menus
    _run()
    assert (HostOrganisation.objects.count(), Position.objects.count()) == counts
    assert DirectoryPage.objects.count() == RegistrationPage.objects.count() == 1
