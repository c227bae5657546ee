"""One write path per money rule: the budget screen, the budget import and the budget service
refuse alike and with one message; the invoice screen is ``record_invoice``; the voucher's
buttons are the transitions the services accept."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from casework.money import invoices as money_invoices
from casework.money import models as money_models
from casework.money import services as money_services
from casework.money import transitions
from casework.money import views as money_views
from casework.money.choices import VoucherStatus
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


# --- invoices --------------------------------------------------------------------------------

INVOICE_ADD = "wagtailsnippets_casework_invoice:add"
INVOICE_EDIT = "wagtailsnippets_casework_invoice:edit"


def _invoice_header(comune, edition, number):
    return {
        "comune": comune,
        "edition": edition,
        "number": number,
        "issued_on": datetime.date(2016, 12, 31),
        "period_start": datetime.date(2016, 10, 1),
        "period_end": datetime.date(2016, 12, 31),
    }


def _invoice_post(header, lines, *, initial=0):
    data = {
        "comune": header["comune"].pk,
        "edition": header["edition"].pk,
        "number": header["number"],
        "issued_on": header["issued_on"].isoformat(),
        "period_start": header["period_start"].isoformat(),
        "period_end": header["period_end"].isoformat(),
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for n, line in enumerate(lines):
        voucher = line.get("voucher")
        data.update(
            {
                f"lines-{n}-id": line.get("id", ""),
                f"lines-{n}-description": line.get("description", ""),
                f"lines-{n}-voucher": voucher.pk if voucher else "",
                f"lines-{n}-quantity": "1",
                f"lines-{n}-net": str(line["net"]),
                f"lines-{n}-vat": str(line["vat"]),
                f"lines-{n}-gross": str(line["gross"]),
            }
        )
    return data


def _shape(invoice):
    """What an invoice amounts to, whichever way it was recorded."""
    lines = [
        (line.description == str(line.voucher), line.net, line.vat, line.gross)
        for line in invoice.lines.order_by("pk")
    ]
    statuses = [line.voucher.status for line in invoice.lines.order_by("pk")]
    return lines, statuses, invoice.revisions.count()


def test_admin_invoice_form_and_record_invoice_give_the_same_result(
    client, edition, comune_a, programme_manager
):
    budget(comune_a, edition, "5000.00")
    by_screen = _approved(comune_a, programme_manager)
    by_service = _approved(comune_a, programme_manager)
    amounts = {"net": Decimal("200.00"), "vat": Decimal("44.00"), "gross": Decimal("244.00")}
    client.force_login(programme_manager)

    response = client.post(
        reverse(INVOICE_ADD),
        _invoice_post(
            _invoice_header(comune_a, edition, "1/2016"), [{"voucher": by_screen, **amounts}]
        ),
    )
    recorded = money_invoices.record_invoice(
        **_invoice_header(comune_a, edition, "2/2016"),
        lines=[{"voucher": by_service, **amounts}],
        user=programme_manager,
    )

    assert response.status_code == 302
    from_screen = money_models.Invoice.objects.get(number="1/2016")
    assert _shape(from_screen) == _shape(recorded)
    assert _shape(recorded) == ([(True, *amounts.values())], ["invoiced"], 1)


def test_admin_invoice_form_and_record_invoice_refuse_alike(
    client, edition, comune_a, comune_b, programme_manager
):
    budget(comune_a, edition, "5000.00")
    budget(comune_b, edition, "5000.00")
    other = _approved(comune_b, programme_manager)
    header = _invoice_header(comune_a, edition, "1/2016")
    bad_lines = [
        {"voucher": other, "net": "200.00", "vat": "44.00", "gross": "244.00"},
        {"description": "x", "net": "200.00", "vat": "44.00", "gross": "245.00"},
    ]
    client.force_login(programme_manager)
    for line in bad_lines:
        with pytest.raises(ValidationError) as refused:
            money_invoices.record_invoice(**header, lines=[line], user=programme_manager)

        response = client.post(reverse(INVOICE_ADD), _invoice_post(header, [line]))

        assert response.status_code == 200
        row = response.context["form"].formsets["lines"].forms[0]
        assert row.errors["__all__"] == refused.value.message_dict["line_1"]
    assert not money_models.Invoice.objects.exists()
    other.refresh_from_db()
    assert other.status == "approved"


def test_admin_invoice_edit_is_update_invoice(client, edition, comune_a, programme_manager):
    budget(comune_a, edition, "5000.00")
    first = _approved(comune_a, programme_manager)
    second = _approved(comune_a, programme_manager)
    header = _invoice_header(comune_a, edition, "1/2016")
    amounts = {"net": "200.00", "vat": "44.00", "gross": "244.00"}
    invoice = money_invoices.record_invoice(
        **header, lines=[{"voucher": first, **amounts}], user=programme_manager
    )
    line = invoice.lines.get()
    client.force_login(programme_manager)

    response = client.post(
        reverse(INVOICE_EDIT, args=[invoice.pk]),
        _invoice_post(
            header,
            [{"id": line.pk, "voucher": first, **amounts}, {"voucher": second, **amounts}],
            initial=1,
        ),
    )

    assert response.status_code == 302
    assert sorted(invoice.lines.values_list("voucher", flat=True)) == [first.pk, second.pk]
    second.refresh_from_db()
    assert second.status == "invoiced"
    assert invoice.revisions.count() == 2


# --- the voucher's transitions -----------------------------------------------------------------

SERVICE_OF = {
    "approve": lambda voucher, user: money_services.approve_voucher(voucher, user=user),
    "reject": lambda voucher, user: money_services.reject_voucher(voucher, user=user, reason="r"),
    "cancel": lambda voucher, user: money_services.cancel_voucher(voucher, user=user, reason="r"),
    "invoiced": lambda voucher, user: money_services.mark_voucher_invoiced(voucher, user=user),
    "paid": lambda voucher, user: money_services.mark_voucher_paid(voucher, user=user),
}


def _service_accepts(action, voucher, user):
    """Whether the service takes ``action`` on ``voucher``; undone either way."""
    with transaction.atomic():
        try:
            SERVICE_OF[action](voucher, user)
            accepted = True
        except ValidationError:
            accepted = False
        transaction.set_rollback(True)
    return accepted


def test_the_table_names_a_service_for_every_action():
    assert set(transitions.BY_ACTION) == {"propose", *SERVICE_OF}


@pytest.mark.parametrize("role", ["programme_manager", "agency_operator"])
@pytest.mark.parametrize("status", VoucherStatus.values)
def test_shown_buttons_are_what_the_services_and_screens_accept(
    request, client, edition, comune_a, programme_manager, status, role
):
    user = request.getfixturevalue(role)
    budget(comune_a, edition, "5000.00")
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=programme_manager
    )
    # Put straight into the state under test: the table is what is being checked.
    money_models.Voucher.objects.filter(pk=voucher.pk).update(status=status)
    voucher.refresh_from_db()
    client.force_login(user)

    page = client.get(reverse("wagtailsnippets_casework_voucher:inspect", args=[voucher.pk]))
    html = page.content.decode() if page.status_code == 200 else ""
    urls = {
        action: reverse(f"wagtailsnippets_casework_voucher:{action}", args=[voucher.pk])
        for action in SERVICE_OF
    }
    shown = {action for action, url in urls.items() if f'href="{url}"' in html}
    accepted = {
        action
        for action, url in urls.items()
        if _service_accepts(action, voucher, user) and client.get(url).status_code == 200
    }

    assert shown == accepted
    expected = {t.action for t in transitions.available(user, status)}
    assert shown == expected


@pytest.mark.parametrize("role", ["programme_manager", "agency_operator", "social_worker_a"])
def test_propose_button_is_what_the_propose_screen_accepts(request, client, comune_a, role):
    user = request.getfixturevalue(role)
    pathway = active_pathway(comune_a)
    client.force_login(user)

    shown = [str(b.label) for b in money_views.pathway_listing_buttons(pathway, user)]
    opens = client.get(reverse("wagtailsnippets_casework_voucher:add")).status_code == 200

    assert (str(transitions.BY_ACTION["propose"].label) in shown) == opens
