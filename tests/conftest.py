"""Role fixtures: a social worker of Comune A (Lumezzane) and of Comune B (Sarezzo), an agency
operator and the programme manager. The Comuni come from the data migration."""

import pytest

from tests import factories as f


@pytest.fixture
def comune_a(db):
    return f.comune("Lumezzane")


@pytest.fixture
def comune_b(db):
    return f.comune("Sarezzo")


@pytest.fixture
def social_worker_a(comune_a):
    return f.social_worker(comune_a, username="sociale.a")


@pytest.fixture
def social_worker_b(comune_b):
    return f.social_worker(comune_b, username="sociale.b")


@pytest.fixture
def agency_operator(db):
    return f.agency_operator(username="agenzia")


@pytest.fixture
def programme_manager(db):
    return f.programme_manager(username="pal")


@pytest.fixture
def superuser(db):
    return f.UserFactory(username="admin", is_superuser=True, is_staff=True)
