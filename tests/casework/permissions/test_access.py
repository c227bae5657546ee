import pytest
from django.contrib.auth.models import AnonymousUser, Group

from casework.access import can_see_comune, scope, visible_comuni
from casework.models import Referral
from casework.permissions.roles import PROGRAMME_MANAGER, ROLES, SOCIAL_WORKER
from network.models import Comune
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_roles_exist_with_admin_access():
    for role in ROLES:
        group = Group.objects.get(name=role)
        codes = {p.codename for p in group.permissions.all()}
        assert "access_admin" in codes
        assert "view_beneficiary" in codes


def test_social_worker_cannot_delete_people_but_manager_can():
    worker = {p.codename for p in Group.objects.get(name=SOCIAL_WORKER).permissions.all()}
    manager = {p.codename for p in Group.objects.get(name=PROGRAMME_MANAGER).permissions.all()}
    assert "delete_beneficiary" not in worker
    assert "delete_beneficiary" in manager


def test_social_worker_sees_only_own_comune(social_worker_a, comune_a):
    assert list(visible_comuni(social_worker_a)) == [comune_a]


def test_social_worker_of_two_comuni(comune_a, comune_b):
    user = f.social_worker(comune_a)
    user.staff_profile.comuni.add(comune_b)
    user = type(user).objects.get(pk=user.pk)
    assert set(visible_comuni(user)) == {comune_a, comune_b}


def test_agency_and_manager_see_all(agency_operator, programme_manager, superuser):
    for user in (agency_operator, programme_manager, superuser):
        assert visible_comuni(user).count() == 18


def test_user_without_role_or_anonymous_sees_nothing(comune_a):
    plain = f.UserFactory(comuni=[comune_a])  # a profile is not enough without the role
    assert visible_comuni(plain).count() == 0
    assert visible_comuni(AnonymousUser()).count() == 0


def test_inactive_social_worker_sees_nothing(social_worker_a):
    social_worker_a.is_active = False
    assert visible_comuni(social_worker_a).count() == 0


def test_scope_filters_querysets(social_worker_a, comune_a, comune_b, programme_manager):
    own = f.ReferralFactory(beneficiary__residence_comune=comune_a)
    other = f.ReferralFactory(beneficiary__residence_comune=comune_b)
    assert list(scope(Referral.objects.all(), social_worker_a)) == [own]
    assert set(scope(Referral.objects.all(), programme_manager)) == {own, other}
    assert can_see_comune(social_worker_a, comune_a.pk)
    assert not can_see_comune(social_worker_a, comune_b.pk)


def test_scoping_is_cached_per_request_user(social_worker_a, django_assert_num_queries):
    visible_comuni(social_worker_a)
    with django_assert_num_queries(1):  # only the Comune query itself
        list(visible_comuni(social_worker_a))
    assert Comune.objects.count() == 18


def test_nobody_but_a_superuser_deletes_a_voucher():
    for role in ROLES:
        codes = {p.codename for p in Group.objects.get(name=role).permissions.all()}
        assert "delete_voucher" not in codes, role
