"""One write path per money rule: the budget screen, the budget import and the budget service
refuse alike and with one message; the invoice screen is ``record_invoice``; the voucher's
buttons are the transitions the services accept."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from casework.money import models as money_models
from casework.money import services as money_services
from casework.money.euro import format_euro
from tests.factories import active_pathway, budget, seed_edition

pytestmark = pytest.mark.django_db

BUDGET_EDIT = "wagtailsnippets_casework_budget:edit"
BUDGET_ADD = "wagtailsnippets_casework_budget:add"


@pytest.fixture
def edition(db):
    return seed_edition()


def _approved(comune, user):
    voucher = money_services.create_voucher(
        active_pathway(comune), kind="traineeship_activation", user=user
    )
    return money_services.approve_voucher(voucher, user=user)


def below_committed(committed, amount):
    return money_services.MSG_BUDGET_BELOW_COMMITTED % {
        "committed": format_euro(Decimal(committed)),
        "missing": format_euro(Decimal(committed) - Decimal(amount)),
    }


def _budget_post(plan, amount):
    return {
        "comune": plan.comune_id,
        "edition": plan.edition_id,
        "amount": amount,
        "criteria": "",
        "notes": "",
    }


# --- budgets ---------------------------------------------------------------------------------


def test_admin_edit_below_committed_is_refused_saying_by_how_much(
    client, edition, comune_a, programme_manager
):
    plan = budget(comune_a, edition, "30000.00")
    _approved(comune_a, programme_manager)
    _approved(comune_a, programme_manager)  # 488.00 committed
    client.force_login(programme_manager)

    response = client.post(reverse(BUDGET_EDIT, args=[plan.pk]), _budget_post(plan, "300.00"))

    assert response.status_code == 200
    message = below_committed("488.00", "300.00")
    assert "(€ 488,00): mancano € 188,00." in str(message)
    assert response.context["form"].errors["amount"] == [message]
    plan.refresh_from_db()
    assert plan.amount == Decimal("30000.00")
    assert not plan.revisions.exists()


def test_admin_edit_above_committed_is_saved_with_a_revision(
    client, edition, comune_a, programme_manager
):
    plan = budget(comune_a, edition, "30000.00")
    _approved(comune_a, programme_manager)
    client.force_login(programme_manager)

    response = client.post(reverse(BUDGET_EDIT, args=[plan.pk]), _budget_post(plan, "244.00"))

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.amount == Decimal("244.00")
    revision = plan.revisions.get()
    assert revision.content["amount"] == "244.00"
    assert revision.user == programme_manager


def test_admin_create_goes_through_the_service(client, edition, comune_a, programme_manager):
    client.force_login(programme_manager)
    data = {"comune": comune_a.pk, "edition": edition.pk, "amount": "1000.00", "notes": "n"}

    response = client.post(reverse(BUDGET_ADD), data)

    assert response.status_code == 302
    plan = money_models.Budget.objects.get(comune=comune_a, edition=edition)
    assert plan.amount == Decimal("1000.00")
    assert plan.notes == "n"
    assert plan.revisions.count() == 1


def test_service_refuses_below_committed_and_keeps_the_amount(edition, comune_a, programme_manager):
    plan = budget(comune_a, edition, "1000.00")
    _approved(comune_a, programme_manager)

    with pytest.raises(ValidationError) as refused:
        money_services.set_budget_amount(plan, amount=Decimal("243.99"), user=programme_manager)

    assert refused.value.message_dict == {"amount": [below_committed("244.00", "243.99")]}
    plan.refresh_from_db()
    assert plan.amount == Decimal("1000.00")
    saved = money_services.set_budget_amount(plan, amount="244.00", user=programme_manager)
    assert saved.amount == Decimal("244.00")


def test_importer_refuses_with_the_service_message(tmp_path, edition, comune_a, programme_manager):
    plan = budget(comune_a, edition, "1000.00")
    _approved(comune_a, programme_manager)
    path = tmp_path / "budget.csv"
    path.write_text("comune;edizione;importo\nLumezzane;2016-2017;200,00\n", encoding="utf-8")
    out = io.StringIO()

    with pytest.raises(SystemExit):
        call_command("import_budgets", str(path), stdout=out, stderr=io.StringIO())

    first = out.getvalue().strip().splitlines()[0]
    assert first == f"riga 2, colonna importo: {below_committed('244.00', '200.00')}"
    plan.refresh_from_db()
    assert plan.amount == Decimal("1000.00")
