"""Regression tests for the import findings of the adversarial probe (6, 7, 11, 12, 13): absurd
amounts, an XLSX whose declared dimension hides rows, a CSV mixing two encodings, two imports at
the same moment, and names or protocols a spreadsheet would run as formulas. Through the
management commands (exit status and ``ImportRun``) and through the admin upload."""

import datetime
import io
import re
import threading
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from casework.imports import messages as imports_messages
from casework.imports import parsing as imports_parsing
from casework.models import Beneficiary, Budget, ImportRun, Referral
from network.models import Comune
from tests import factories as f

AMOUNT_FIELD = Budget._meta.get_field("amount")
# 9.999.999.999,99 for DecimalField(max_digits=12, decimal_places=2), read from the field.
MAXIMUM = Decimal(10) ** (AMOUNT_FIELD.max_digits - AMOUNT_FIELD.decimal_places) - Decimal(
    1
).scaleb(-AMOUNT_FIELD.decimal_places)
TOO_LARGE = imports_messages.MSG_AMOUNT_TOO_LARGE % {
    "maximum": imports_parsing.format_euro(MAXIMUM)
}

REFERRAL_HEADER = (
    "protocollo;comune;data_segnalazione;codice_fiscale;cognome;nome;target;assistente_sociale"
)


def command(name, path, *args):
    """Run an import command; returns (exit code, stdout lines). Anything but SystemExit (a
    traceback) fails the test."""
    out = io.StringIO()
    try:
        call_command(name, str(path), *args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip().splitlines()


def write(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def budget_csv(*lines):
    return ("comune;edizione;importo\n" + "\n".join(lines) + "\n").encode("utf-8")


def referral_line(protocol, n, *, surname="Rossi", name="Anna", worker="Bianchi"):
    return f"{protocol};Lumezzane;01/09/2016;{f.make_tax_code(n)};{surname};{name};giovane;{worker}"


def upload(client, name, data, kind):
    return client.post(
        reverse("casework_imports:upload", args=[kind]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        follow=True,
    )


@pytest.fixture
def edition(db):
    return f.EditionFactory()


# --- Finding 6: absurd amounts ---------------------------------------------------------------------


def test_finding_6_absurd_amount_is_refused_per_row(tmp_path, edition):
    path = write(
        tmp_path,
        budget_csv(
            "Lumezzane;2016-2017;999999999999999999999",
            "Sarezzo;2016-2017;1.000,00",
            "Nave;2016-2017;1.234,567",
        ),
        "budget.csv",
    )

    code, out = command("import_budgets", path)

    assert code == 1
    assert out == [
        f"riga 2, colonna importo: {TOO_LARGE}",
        "riga 4, colonna importo: "
        + imports_messages.MSG_TOO_MANY_DECIMALS % {"value": "1.234,567", "places": 2},
        "Righe da creare: 1, da aggiornare: 0, invariate: 0, con errori: 2",
    ]
    assert not Budget.objects.exists()
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.errors) == ("budgets", ImportRun.Status.FAILED, 2)


def test_finding_6_maximum_comes_from_the_field_and_is_accepted(tmp_path, edition, client):
    path = write(tmp_path, budget_csv("Lumezzane;2016-2017;9.999.999.999,99"), "budget.csv")

    assert command("import_budgets", path) == (0, ["Righe create: 1, aggiornate: 0, invariate: 0"])

    assert Budget.objects.get().amount == MAXIMUM
    # The budget screens still answer once the largest amount is stored.
    client.force_login(f.programme_manager(username="pal"))
    assert client.get(reverse("wagtailsnippets_casework_budget:list")).status_code == 200

    over = write(tmp_path, budget_csv("Sarezzo;2016-2017;10000000000"), "over.csv")
    assert command("import_budgets", over)[1][0] == f"riga 2, colonna importo: {TOO_LARGE}"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("12.500", Decimal("12500.00")),
        ("1.234.567,89", Decimal("1234567.89")),
        (0.125, Decimal("0.13")),  # a number cell is a binary float: rounded half up
        (2.675, Decimal("2.68")),
    ],
)
def test_finding_6_italian_amounts_are_accepted(text, expected):
    assert imports_parsing.parse_amount(text) == expected


@pytest.mark.parametrize("text", ["1.234,567", "1234.567", "1,234", "0,125", "1.234.567,891"])
def test_finding_6_more_decimals_than_cents_is_refused_not_rounded(text):
    with pytest.raises(ValueError) as error:
        imports_parsing.parse_amount(text)
    assert str(error.value) == imports_messages.MSG_TOO_MANY_DECIMALS % {"value": text, "places": 2}


def test_finding_6_export_widget_rounds_half_up():
    from casework.imports.resources import ItalianDecimalWidget

    assert ItalianDecimalWidget().render(Decimal("0.125")) == "0,13"
    assert ItalianDecimalWidget().render(Decimal("2.665")) == "2,67"


@pytest.fixture
def failing_budget_insert(db):
    """A real database error on every insert into the budget table: a trigger, no mock."""
    table = Budget._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION zo_probe_fail() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'errore di prova'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER zo_probe_fail BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION zo_probe_fail()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER zo_probe_fail BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'errore di prova'); END"
            )

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP TRIGGER zo_probe_fail ON {table}"
                if connection.vendor == "postgresql"
                else "DROP TRIGGER zo_probe_fail"
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION zo_probe_fail()")

    return drop


def test_finding_6_database_error_ends_as_a_failed_run_not_a_traceback(
    tmp_path, edition, failing_budget_insert
):
    path = write(tmp_path, budget_csv("Lumezzane;2016-2017;1.000,00"), "budget.csv")

    code, out = command("import_budgets", path)

    assert code == 1
    assert out[0] == f"Importazione non riuscita: {imports_messages.MSG_DATABASE_ERROR}"
    run = ImportRun.objects.get()
    assert (run.status, run.message) == (
        ImportRun.Status.FAILED,
        str(imports_messages.MSG_DATABASE_ERROR),
    )
    assert path.exists()  # the command never touches the file: it can be run again
    failing_budget_insert()
    assert command("import_budgets", path)[0] == 0
    assert Budget.objects.get().amount == Decimal("1000.00")


def test_finding_6_database_error_in_the_admin_keeps_the_file_for_retry(
    client, edition, failing_budget_insert
):
    client.force_login(f.programme_manager(username="pal"))

    response = upload(client, "budget.csv", budget_csv("Lumezzane;2016-2017;1.000,00"), "budgets")

    assert response.status_code == 200
    content = response.content.decode()
    assert str(imports_messages.MSG_WRITE_FAILED) in content.replace("&#x27;", "'")
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.upload and default_storage.exists(run.upload.name)
    confirm = reverse("casework_imports:confirm", args=["budgets", run.pk])
    assert confirm in content and "Riprova" in content

    failing_budget_insert()
    response = client.post(confirm, {"retry": "1"})  # retry: the kept file is checked again

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW
    assert not Budget.objects.exists()
    assert client.post(confirm).status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMPLETED
    assert Budget.objects.get().amount == Decimal("1000.00")


def test_finding_6_a_file_kept_for_retry_is_purged_after_a_day(client, edition):
    manager = f.programme_manager(username="pal")
    kept = ImportRun(kind="budgets", user=manager, file_name="b.csv", status="failed")
    kept.upload.save("b.csv", ContentFile(b"comune;edizione;importo\n"), save=False)
    kept.save()
    ImportRun.objects.filter(pk=kept.pk).update(
        started_at=kept.started_at - datetime.timedelta(days=2)
    )
    stored = kept.upload.name
    client.force_login(manager)

    upload(client, "budget.csv", budget_csv("Lumezzane;2016-2017;1.000,00"), "budgets")

    kept.refresh_from_db()
    assert (kept.status, kept.upload.name) == (ImportRun.Status.FAILED, "")
    assert not default_storage.exists(stored)


# --- Finding 7: an XLSX whose dimension under-states its rows --------------------------------------


def understated_xlsx(tmp_path, rows, ref="A1:O3"):
    workbook = openpyxl.Workbook()
    for values in rows:
        workbook.active.append(values)
    normal = io.BytesIO()
    workbook.save(normal)
    rewritten = io.BytesIO()
    with zipfile.ZipFile(normal) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data
                )
                assert count == 1
            target.writestr(info, data)
    return write(tmp_path, rewritten.getvalue(), "budget.xlsx")


def test_finding_7_xlsx_dimension_understating_rows_imports_every_row(tmp_path, edition):
    names = ["Lumezzane", "Sarezzo", "Nave", "Caino", "Gardone Val Trompia"]
    path = understated_xlsx(
        tmp_path, [["comune", "edizione", "importo"], *[[n, "2016-2017", 1000] for n in names]]
    )
    check = openpyxl.load_workbook(path, read_only=True)  # the file really lies
    assert check.worksheets[0].max_row == 3
    check.close()

    code, out = command("import_budgets", path)

    assert (code, out) == (0, ["Righe create: 5, aggiornate: 0, invariate: 0"])
    assert set(Budget.objects.values_list("comune__name", flat=True)) == set(names)
    assert ImportRun.objects.get().created == 5


def test_finding_7_understated_dimension_still_counts_against_the_row_limit(
    tmp_path, edition, settings
):
    settings.IMPORT_MAX_ROWS = 3
    names = ["Lumezzane", "Sarezzo", "Nave", "Caino", "Gardone Val Trompia"]
    path = understated_xlsx(
        tmp_path, [["comune", "edizione", "importo"], *[[n, "2016-2017", 1000] for n in names]]
    )

    code, out = command("import_budgets", path)

    assert code == 1
    assert out[0] == "File rifiutato: " + imports_messages.MSG_TOO_MANY_ROWS % {"limit": 3}
    assert not Budget.objects.exists()


# --- Finding 11: a CSV mixing UTF-8 and Windows-1252 -----------------------------------------------


def mixed_file():
    return b"\n".join(
        [
            REFERRAL_HEADER.encode(),
            referral_line("P-1", 1, name="Nicolò").encode("utf-8"),
            referral_line("P-2", 2).encode(),
            referral_line("P-3", 3, name="Nicolò").encode("cp1252"),
            b"",
        ]
    )


@pytest.mark.django_db
def test_finding_11_mixed_utf8_and_windows_1252_is_refused_naming_the_line(tmp_path):
    code, out = command("import_referrals", write(tmp_path, mixed_file(), "mix.csv"))

    assert code == 1
    assert out[0] == "File rifiutato: " + imports_messages.MSG_MIXED_ENCODING % {"line": 4}
    assert not Beneficiary.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


def test_finding_11_mixed_file_is_refused_in_the_admin(client, social_worker_a):
    client.force_login(social_worker_a)

    response = upload(client, "mix.csv", mixed_file(), "referrals")

    expected = imports_messages.MSG_MIXED_ENCODING % {"line": 4}
    assert expected in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED
    assert not Beneficiary.objects.exists()


@pytest.mark.django_db
def test_finding_11_a_pure_windows_1252_file_is_still_decoded(tmp_path):
    data = "\n".join([REFERRAL_HEADER, referral_line("P-1", 1, name="Nicolò"), ""]).encode("cp1252")

    assert command("import_referrals", write(tmp_path, data, "cp.csv"))[0] == 0
    assert Beneficiary.objects.get().first_name == "Nicolò"


@pytest.mark.django_db
def test_finding_11_a_bom_file_with_a_windows_1252_line_is_refused(tmp_path):
    data = codecs_bom() + b"\n".join(
        [REFERRAL_HEADER.encode(), referral_line("P-1", 1, name="Nicolò").encode("cp1252"), b""]
    )

    code, out = command("import_referrals", write(tmp_path, data, "bom.csv"))

    assert code == 1
    assert out[0] == "File rifiutato: " + imports_messages.MSG_MIXED_ENCODING % {"line": 2}


@pytest.mark.django_db
def test_finding_11_a_line_mixing_both_encodings_is_refused(tmp_path):
    mixed = (
        referral_line("P-2", 2, surname="Zanè")
        .encode("cp1252")
        .replace(b";Anna;", ";Nicolò;".encode())
    )
    data = b"\n".join([REFERRAL_HEADER.encode(), referral_line("P-1", 1).encode(), mixed, b""])

    code, out = command("import_referrals", write(tmp_path, data, "mix.csv"))

    assert code == 1
    assert out[0] == "File rifiutato: " + imports_messages.MSG_MIXED_ENCODING % {"line": 3}
    assert not Beneficiary.objects.exists()


def codecs_bom():
    import codecs

    return codecs.BOM_UTF8


# --- Finding 12: two imports at the same moment (PostgreSQL) ---------------------------------------


def race_imports(name, paths):
    """Run the command on every path in its own thread, all released at the same moment;
    returns the (exit code, stdout) of each and the repr of any exception that escaped."""
    start = threading.Barrier(len(paths))
    outcomes, crashes = [], []

    def work(path):
        try:
            start.wait()
            outcomes.append(command(name, path))
        except Exception as error:  # a traceback is the bug
            crashes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes, crashes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finding_12_concurrent_overlapping_imports_both_end_with_a_run(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer: the race needs PostgreSQL")
    Comune.objects.get_or_create(
        istat_code="017096", defaults={"name": "Lumezzane", "cadastral_code": "E738"}
    )
    rounds = 3
    for attempt in range(rounds):  # a few rounds: a race that does not happen once proves little
        base = attempt * 100
        first = [referral_line(f"R{attempt}-{n}", base + n) for n in range(1, 41)]
        second = [referral_line(f"R{attempt}-{n}", base + n) for n in range(21, 61)]
        paths = [
            write(
                tmp_path,
                ("\n".join([REFERRAL_HEADER, *lines]) + "\n").encode(),
                f"{attempt}{i}.csv",
            )
            for i, lines in enumerate((first, second))
        ]
        outcomes, crashes = race_imports("import_referrals", paths)

        assert crashes == []
        assert sorted(code for code, _out in outcomes) == [0, 0], outcomes
        runs = ImportRun.objects.filter(file_name__in=[p.name for p in paths])
        assert runs.count() == 2
        assert set(runs.values_list("status", flat=True)) == {ImportRun.Status.COMPLETED}
        assert sorted(runs.values_list("created", "unchanged")) == [(20, 20), (40, 0)]
        assert Referral.objects.filter(protocol__startswith=f"R{attempt}-").count() == 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finding_12_concurrent_overlapping_budget_imports_both_end_with_a_run(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer: the race needs PostgreSQL")
    f.EditionFactory()
    names = list(Comune.objects.order_by("name").values_list("name", flat=True)[:6])
    assert len(names) == 6, "the Comuni come from the data migration"
    paths = [
        write(tmp_path, budget_csv(*[f"{n};2016-2017;1.000,00" for n in chunk]), f"b{i}.csv")
        for i, chunk in enumerate((names[:4], names[2:]))
    ]

    outcomes, crashes = race_imports("import_budgets", paths)

    assert crashes == []
    assert sorted(code for code, _out in outcomes) == [0, 0], outcomes
    runs = ImportRun.objects.filter(kind="budgets")
    assert sorted(runs.values_list("status", "created", "unchanged")) == [
        (ImportRun.Status.COMPLETED, 2, 2),
        (ImportRun.Status.COMPLETED, 4, 0),
    ]
    assert Budget.objects.count() == 6


# --- Finding 13: values a spreadsheet would run as formulas ----------------------------------------


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+39", "-2", "@SUM(A1)", "\tRossi", "\rRossi", "\nRossi", " =1", "  \t+1",
     "\u00a0@x", "＝1", "＋1", "－1", "＠x"],
)  # fmt: skip
def test_finding_13_starts_with_formula(value):
    assert imports_parsing.starts_with_formula(value) is True


@pytest.mark.parametrize(
    "value", ["Rossi", " Rossi", "D'Angelo", "Rossi-Bianchi", "P-1", "", "   ", None, 12, "a=b"]
)
def test_finding_13_ordinary_values_are_not_formulas(value):
    assert imports_parsing.starts_with_formula(value) is False


@pytest.mark.django_db
def test_finding_13_formula_in_protocol_or_name_is_refused_per_row(tmp_path):
    lines = [
        REFERRAL_HEADER,
        referral_line("=HYPERLINK(1)", 1),
        referral_line("P-2", 2, surname="+Rossi"),
        referral_line("P-3", 3, name=" -Anna"),
        referral_line("P-4", 4, worker="@Bianchi"),
        referral_line("P-5", 5, surname="＝1+1"),
        referral_line("P-6", 6, surname="\tRossi"),
        referral_line("P-7", 7, surname="Rossi-Bianchi"),
    ]
    path = write(tmp_path, ("\n".join(lines) + "\n").encode(), "formule.csv")

    code, out = command("import_referrals", path)

    assert code == 1
    message = imports_messages.MSG_FORMULA
    assert out == [
        f"riga 2, colonna protocollo: {message}",
        f"riga 3, colonna cognome: {message}",
        f"riga 4, colonna nome: {message}",
        f"riga 5, colonna assistente_sociale: {message}",
        f"riga 6, colonna cognome: {message}",
        f"riga 7, colonna cognome: {message}",
        "Righe da creare: 1, da aggiornare: 0, invariate: 0, con errori: 6",
    ]
    assert not Referral.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_finding_13_formula_is_refused_in_the_admin_upload(client, social_worker_a):
    client.force_login(social_worker_a)
    data = "\n".join([REFERRAL_HEADER, referral_line("P-1", 1, surname="=cmd|' /C calc'!A0"), ""])

    response = upload(client, "formule.csv", data.encode(), "referrals")

    content = response.content.decode().replace("&#x27;", "'")
    assert f"riga 2, colonna cognome: {imports_messages.MSG_FORMULA}" in content
    assert "Conferma l'importazione" not in content
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    assert not Beneficiary.objects.exists()
