"""Importing referral files: the formats offices produce, bad rows, scope, all-or-nothing and
re-imports, through ``manage.py import_referrals`` (the same path the admin uses)."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from casework.cases.services import referrals as cases_referrals
from casework.imports import base as imports_base
from casework.imports import parsing as imports_parsing
from casework.imports import referrals as imports_referrals
from casework.models import AuditEvent, Beneficiary, ImportRun, Referral
from network.codice_fiscale import MSG_CF_CHECK
from tests import factories as f

HEADER = (
    "protocollo;comune;data_segnalazione;codice_fiscale;cognome;nome;data_nascita;sesso;"
    "telefono;email;condizione;target;percorso_proposto;assistente_sociale;note"
)
BIRTH = datetime.date(1985, 3, 4)
CF1 = f.make_tax_code(1, birth_date=BIRTH, sex="F")
CF2 = f.make_tax_code(2, birth_date=BIRTH, sex="F")
CF3 = f.make_tax_code(3, birth_date=BIRTH, sex="F")


def row(protocol, cf, *, comune="Lumezzane", on="01/09/2016", surname="Rossi", name="Anna",
        birth="04/03/1985", sex="F", phone="030 111", email="anna@example.it",
        target="giovane", pathway="tirocinio"):  # fmt: skip
    return (
        f"{protocol};{comune};{on};{cf};{surname};{name};{birth};{sex};{phone};{email};"
        f"disoccupato;{target};{pathway};Bianchi;segnalata dal servizio"
    )


def write(tmp_path, lines, *, encoding="utf-8", name="segnalazioni.csv"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def run(path, *args):
    """Run the command; returns (exit code, stdout lines)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_referrals", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip().splitlines()


@pytest.mark.django_db
def test_utf8_bom_semicolons_creates_people_and_referrals_with_deadline(tmp_path):
    path = write(
        tmp_path, [HEADER, row("P-1", CF1), row("P-2", CF2, surname="Nicolò")], encoding="utf-8-sig"
    )

    code, out = run(path)

    assert code == 0
    assert out[-1] == "Righe create: 2, aggiornate: 0, invariate: 0"
    referral = Referral.objects.select_related("beneficiary").get(protocol="P-1")
    assert referral.comune.name == "Lumezzane"
    assert referral.referred_on == datetime.date(2016, 9, 1)
    assert referral.intake_due_on == datetime.date(2016, 9, 16)
    assert referral.status == "received"
    assert referral.proposed_pathway_type == "tirocinio"
    assert referral.reason == "segnalata dal servizio"
    person = referral.beneficiary
    assert (person.tax_code, person.birth_date, person.sex) == (CF1, BIRTH, "F")
    assert person.residence_comune.name == "Lumezzane"
    assert person.target_group == "giovane"
    assert Beneficiary.objects.get(tax_code=CF2).last_name == "Nicolò"


@pytest.mark.django_db
def test_windows_1252_commas_headers_in_any_spelling_and_loose_values(tmp_path):
    header = (
        "Protocollo,COMUNE,Data Segnalazione,Codice_Fiscale,Cognome,Nome,Data di nascita,Target"
    )
    lines = [
        header,
        # ISTAT code with the leading zero lost, tax code in lower case with spaces around.
        f"P-1,17096,31-12-2016,  {CF1.lower()} ,Niccolò,Anna,1985-03-04,giovane",
        f"P-2,lumezzane,2016-12-31,{CF2},Zanè,Lia,04/03/1985,Lavoratore svantaggiato",
        ",,,,,,,",
        "",
    ]
    path = write(tmp_path, lines, encoding="cp1252")

    code, out = run(path)

    assert code == 0, out
    assert out[-1] == "Righe create: 2, aggiornate: 0, invariate: 0"
    assert Beneficiary.objects.get(tax_code=CF1).last_name == "Niccolò"
    assert Beneficiary.objects.get(tax_code=CF2).target_group == "svantaggiato"
    assert set(Referral.objects.values_list("referred_on", flat=True)) == {
        datetime.date(2016, 12, 31)
    }


@pytest.mark.django_db
def test_xlsx_with_real_date_and_number_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        ["P-1", 17096, datetime.datetime(2016, 9, 1), CF1, "Rossi", "Anna",
         datetime.date(1985, 3, 4), "F", 3301234567, None, None, "giovane", None, None, None]
    )  # fmt: skip
    sheet.append([None] * 15)  # a blank trailing row
    path = tmp_path / "segnalazioni.xlsx"
    workbook.save(path)

    code, out = run(path)

    assert code == 0, out
    person = Beneficiary.objects.get(tax_code=CF1)
    assert person.phone == "3301234567"
    assert Referral.objects.get(protocol="P-1").referred_on == datetime.date(2016, 9, 1)


@pytest.mark.django_db
def test_every_bad_row_is_listed_and_nothing_is_written(tmp_path):
    bad_check = CF3[:15] + ("A" if CF3[15] != "A" else "B")
    lines = [
        HEADER,
        row("P-1", CF1),
        row("P-2", bad_check),
        row("P-3", CF2, comune="Atlantide"),
        row("P-4", CF3, on="31/02/2016"),
        row("P-5", f.make_tax_code(5, birth_date=BIRTH, sex="F"), birth="05/03/1985", sex="M"),
    ]
    path = write(tmp_path, lines)

    code, out = run(path)

    assert code == 1
    assert out[:-1] == [
        f"riga 3, colonna codice_fiscale: {MSG_CF_CHECK}",
        "riga 4, colonna comune: Comune «Atlantide» sconosciuto: indicare il nome o il codice "
        "ISTAT di uno dei Comuni del programma.",
        "riga 5, colonna data_segnalazione: «31/02/2016» non è una data valida "
        "(usare 31/12/2016, 31-12-2016 o 2016-12-31).",
        # The services' own messages (``check_personal_data``), under the row and column.
        f"riga 6, colonna data_nascita: {cases_referrals.MSG_BIRTH_DATE_MISMATCH}",
        f"riga 6, colonna sesso: {cases_referrals.MSG_SEX_MISMATCH}",
    ]
    assert out[-1] == "Righe da creare: 1, da aggiornare: 0, invariate: 0, con errori: 4"
    assert not Referral.objects.exists()
    assert not Beneficiary.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


@pytest.mark.django_db
def test_second_import_changes_nothing_and_reports_every_row_unchanged(tmp_path):
    path = write(tmp_path, [HEADER, row("P-1", CF1), row("P-2", CF2)])
    assert run(path)[0] == 0
    before = list(Referral.objects.order_by("pk").values("pk", "updated_at"))

    code, out = run(path)

    assert code == 0
    assert out[-1] == "Righe create: 0, aggiornate: 0, invariate: 2"
    assert list(Referral.objects.order_by("pk").values("pk", "updated_at")) == before


@pytest.mark.django_db
def test_contacts_are_updated_but_never_blanked_by_an_empty_cell(tmp_path):
    run(write(tmp_path, [HEADER, row("P-1", CF1)]))

    code, out = run(
        write(tmp_path, [HEADER, row("P-1", CF1, phone="333 999", email="")], name="due.csv")
    )

    assert code == 0
    assert out[-1] == "Righe create: 0, aggiornate: 1, invariate: 0"
    person = Beneficiary.objects.get(tax_code=CF1)
    assert person.phone == "333 999"
    assert person.email == "anna@example.it"


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(tmp_path):
    code, out = run(write(tmp_path, [HEADER, row("P-1", CF1)]), "--dry-run")

    assert code == 0
    # Nothing written: the future tense.
    assert out[-1] == "Righe da creare: 1, da aggiornare: 0, invariate: 0, con errori: 0"
    assert not Referral.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.DRY_RUN


@pytest.mark.django_db
def test_social_worker_imports_only_rows_of_their_comune(tmp_path, social_worker_a):
    lines = [HEADER, row("P-1", CF1), row("P-2", CF2, comune="Sarezzo")]

    code, out = run(write(tmp_path, lines), "--user", social_worker_a.username)

    assert code == 1
    assert out[0] == "riga 3, colonna comune: non può importare righe del Comune di Sarezzo."
    assert not Referral.objects.exists()

    code, out = run(write(tmp_path, lines[:2], name="ok.csv"), "--user", social_worker_a.username)
    assert code == 0
    referral = Referral.objects.get()
    assert referral.referred_by == social_worker_a
    event = AuditEvent.objects.get(action="import")
    assert (event.user, event.beneficiary_id) == (social_worker_a, referral.beneficiary_id)


@pytest.mark.django_db
def test_person_of_another_comune_and_open_referral_are_errors(tmp_path, comune_b):
    person = f.BeneficiaryFactory(tax_code=CF1, birth_date=BIRTH, sex="F")
    f.ReferralFactory(beneficiary=person, protocol="OLD-1")
    f.BeneficiaryFactory(tax_code=CF2, birth_date=BIRTH, sex="F", residence_comune=comune_b)

    code, out = run(write(tmp_path, [HEADER, row("P-1", CF1), row("P-2", CF2)]))

    assert code == 1
    # The services' own rules and messages (``check_no_open_referral``, ``check_residence``).
    assert out[0] == (f"riga 2, colonna codice_fiscale: {cases_referrals.MSG_OPEN_REFERRAL_EXISTS}")
    assert out[1] == f"riga 3, colonna comune: {cases_referrals.MSG_OTHER_RESIDENCE}"
    assert Referral.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1000, 2])
def test_a_protocol_repeated_in_the_file_is_an_error(tmp_path, monkeypatch, batch_size):
    monkeypatch.setattr(imports_base, "BATCH_SIZE", batch_size)
    lines = [HEADER, row("P-1", CF1), row("P-2", CF2), row("P-3", CF3), row("P-1", CF1)]

    code, out = run(write(tmp_path, lines))

    assert code == 1
    assert out[0].startswith("riga 5, colonna protocollo: ripete una riga precedente")
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_queries_grow_with_batches_not_rows(tmp_path, django_assert_max_num_queries):
    lines = [HEADER] + [
        row(f"P-{n}", f.make_tax_code(n, birth_date=BIRTH, sex="F")) for n in range(60)
    ]
    path = write(tmp_path, lines)
    importer = imports_referrals.ReferralImporter(batch_size=20)

    # Per batch: people, referrals and open referrals looked up, then the inserts and the audit.
    with django_assert_max_num_queries(40), path.open("rb") as fileobj:
        result = importer.run(fileobj, path.name)

    assert result.ok and result.created == 60


@pytest.mark.django_db
def test_files_refused_as_a_whole_say_what_was_expected(tmp_path, settings):
    code, out = run(write(tmp_path, ["nome;cognome", "Anna;Rossi"]))
    assert code == 1
    assert out[0].startswith("File rifiutato: Mancano le colonne obbligatorie Protocollo, Comune")
    assert "Colonne previste: Protocollo, Comune, Data segnalazione" in out[0]

    pdf = tmp_path / "lettera.pdf"
    pdf.write_bytes(b"%PDF-1.4\x00\x01binary")
    code, out = run(pdf)
    assert out[0].startswith("File rifiutato: Il file non è un CSV o un XLSX")
    assert out[0].endswith(
        "le colonne: " + ", ".join(imports_referrals.ReferralImporter.template_headers()) + "."
    )

    code, out = run(write(tmp_path, ["", "qualcosa che non è un'intestazione"], name="x.csv"))
    assert out[0].startswith("File rifiutato: Non trovo l'intestazione delle colonne")

    settings.IMPORT_MAX_ROWS = 1
    code, out = run(write(tmp_path, [HEADER, row("P-1", CF1), row("P-2", CF2)], name="y.csv"))
    assert out[0] == (
        "File rifiutato: Il file ha più di 1 righe: dividerlo in più file di al massimo 1 righe."
    )

    settings.IMPORT_MAX_UPLOAD_SIZE = 100
    code, out = run(write(tmp_path, [HEADER, row("P-1", CF1)], name="z.csv"))
    assert code == 1
    assert out[0].startswith("File rifiutato: Il file è troppo grande")
    assert not Referral.objects.exists()
    assert set(ImportRun.objects.values_list("status", flat=True)) == {"refused"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("31/12/2016", datetime.date(2016, 12, 31)),
        ("31-12-2016", datetime.date(2016, 12, 31)),
        ("2016-12-31", datetime.date(2016, 12, 31)),
        (42735, datetime.date(2016, 12, 31)),
        (datetime.datetime(2016, 12, 31, 0, 0), datetime.date(2016, 12, 31)),
    ],
)
def test_parse_date_accepts_what_offices_write(text, expected):
    assert imports_parsing.parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2016", "2016/31/12", "domani", "12/2016"])
def test_parse_date_refuses_impossible_dates(text):
    with pytest.raises(ValueError, match="non è una data valida"):
        imports_parsing.parse_date(text)


@pytest.mark.django_db
def test_import_export_entry_point_uses_the_same_checks_and_bulk_path():
    import tablib

    from casework.imports.resources import ReferralResource

    dataset = tablib.Dataset(headers=HEADER.split(";"))
    dataset.append(row("P-1", CF1).split(";"))
    dataset.append(row("P-2", CF2, comune="Atlantide").split(";"))

    result = ReferralResource().import_data(dataset)

    assert (result.created, result.errors, result.written) == (1, 1, False)
    dataset.pop()
    result = ReferralResource().import_data(dataset)
    assert (result.created, result.written) == (1, True)
    assert Referral.objects.get().intake_due_on == datetime.date(2016, 9, 16)


@pytest.mark.django_db
def test_every_error_of_a_row_is_found_in_one_pass(tmp_path):
    """A new person's missing target and name come together with the row's other errors, not
    once those are fixed."""
    lines = [
        HEADER,
        row("P-1", CF1, on="31/02/2016", email="non-una-email", target="", name=""),
        row("P-2", CF2, comune="Atlantide", target="", surname=""),
    ]

    code, out = run(write(tmp_path, lines))

    assert code == 1
    new_person = imports_referrals.MSG_NEW_PERSON_NEEDS
    assert out[:-1] == [
        "riga 2, colonna data_segnalazione: «31/02/2016» non è una data valida "
        "(usare 31/12/2016, 31-12-2016 o 2016-12-31).",
        "riga 2, colonna email: «non-una-email» non è un indirizzo email valido.",
        f"riga 2, colonna nome: {new_person}",
        f"riga 2, colonna target: {new_person}",
        "riga 3, colonna comune: Comune «Atlantide» sconosciuto: indicare il nome o il codice "
        "ISTAT di uno dei Comuni del programma.",
        f"riga 3, colonna cognome: {new_person}",
        f"riga 3, colonna target: {new_person}",
    ]
    assert out[-1] == "Righe da creare: 0, da aggiornare: 0, invariate: 0, con errori: 2"


@pytest.mark.django_db
def test_a_missing_target_column_is_named_as_the_template_names_it(tmp_path):
    header = "protocollo;comune;data_segnalazione;codice_fiscale;cognome;nome"

    code, out = run(write(tmp_path, [header, f"P-1;Lumezzane;01/09/2016;{CF1};Rossi;Anna"]))

    assert code == 1
    assert out[0] == f"riga 2, colonna Target: {imports_referrals.MSG_NEW_PERSON_NEEDS}"


@pytest.mark.django_db
def test_an_existing_person_needs_no_target_and_a_wrong_target_is_said_once(tmp_path):
    f.BeneficiaryFactory(tax_code=CF1, birth_date=BIRTH, sex="F")

    code, out = run(write(tmp_path, [HEADER, row("P-1", CF1, target="", surname="", name="")]))
    assert code == 0, out

    code, out = run(write(tmp_path, [HEADER, row("P-2", CF2, target="astronauta")], name="b.csv"))
    assert code == 1
    assert len(out) == 2 and out[0].startswith("riga 2, colonna target: «astronauta» non è ammesso")
