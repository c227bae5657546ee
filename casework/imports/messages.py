"""Bulk import of the files municipal offices send: referrals (with their people) and budgets.

One code path serves the admin (preview, then confirm) and the management commands:

1. ``open_table`` sniffs the file (XLSX, or CSV in UTF-8 with or without BOM or Windows-1252,
   separated by ``;`` or ``,``; a CSV mixing the two encodings is refused), finds the header and
   yields one dict per non-blank row. It streams: a CSV is never read whole and an XLSX is read
   with openpyxl's read-only mode (every row, whatever the sheet's declared dimension says).
2. The rows are parsed and checked in Python, chunk by chunk (``BATCH_SIZE``): Comuni and
   editions come from a dict built once per file, the tax code's birth date and sex are compared
   with the row, and the rows that already exist are found with one query per chunk. Stock
   django-import-export instead saves row by row with a ``full_clean()`` that queries once per
   foreign key and unique field: minutes for a file our path imports in seconds.
3. Each chunk is written with ``bulk_create`` / ``bulk_update`` inside one transaction for the
   whole file. Any error in any row, or ``dry_run``, rolls the whole transaction back: a file is
   imported entirely or not at all. Later chunks see the rows of earlier ones, which is how a
   row repeated further down the file is recognised without keeping the file in memory. Imports
   of one kind are serialised (``lock_imports``), and a database error ends the import as a
   clean failed run (``ImportResult.failed``), never a traceback.

Nothing here holds more than a chunk of rows, so memory does not grow with the file.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

NEW = "new"


CHANGED = "changed"


UNCHANGED = "unchanged"


ERROR = "error"


# What the preview says of each row, before anything is written: the future tense.
OUTCOME_LABELS = {
    NEW: gettext_lazy("da creare"),
    CHANGED: gettext_lazy("da aggiornare"),
    UNCHANGED: gettext_lazy("invariata"),
    ERROR: gettext_lazy("con errori"),
}


# The counts of a file not written (a preview, a dry run, a file with errors) ...
MSG_SUMMARY_PLANNED = gettext_lazy(
    "Righe da creare: %(created)s, da aggiornare: %(updated)s, invariate: %(unchanged)s, "
    "con errori: %(errors)s"
)


# ... and of a file written: only then the past tense.
MSG_SUMMARY_WRITTEN = gettext_lazy(
    "Righe create: %(created)s, aggiornate: %(updated)s, invariate: %(unchanged)s"
)


# File-level refusals.
MSG_TOO_LARGE = gettext_lazy(
    "Il file è troppo grande: il massimo è %(limit)s MB. Dividerlo in più file."
)


MSG_TOO_MANY_ROWS = gettext_lazy(
    "Il file ha più di %(limit)s righe: dividerlo in più file di al massimo %(limit)s righe."
)


MSG_NOT_A_TABLE = gettext_lazy(
    "Il file non è un CSV o un XLSX leggibile. Salvarlo dal foglio di calcolo come "
    "«CSV (separato da punto e virgola)» o come «Cartella di lavoro di Excel (.xlsx)»."
)


MSG_NOT_A_TABLE_EXPECTED = gettext_lazy(
    "Il file non è un CSV o un XLSX leggibile. Salvarlo dal foglio di calcolo come "
    "«CSV (separato da punto e virgola)» o come «Cartella di lavoro di Excel (.xlsx)», con "
    "nella prima riga le colonne: %(expected)s."
)


MSG_NO_HEADER = gettext_lazy(
    "Non trovo l'intestazione delle colonne. La prima riga deve contenere i nomi delle colonne: "
    "%(expected)s."
)


MSG_MISSING_COLUMNS = gettext_lazy(
    "Mancano le colonne obbligatorie %(missing)s. Colonne previste: %(expected)s."
)


MSG_EMPTY = gettext_lazy("Il file non contiene righe da importare.")


MSG_MIXED_ENCODING = gettext_lazy(
    "Il file mescola due codifiche dei caratteri (UTF-8 e Windows-1252): la riga %(line)s è "
    "scritta diversamente dalle precedenti e le lettere accentate verrebbero salvate storpiate. "
    "Salvare di nuovo il file dal foglio di calcolo come «CSV UTF-8» e ricaricarlo."
)


# Not the file's fault: the database refused a write (a concurrent change, a connection lost).
MSG_DATABASE_ERROR = gettext_lazy(
    "L'importazione non è riuscita per un errore del database: non è stato scritto nulla. "
    "Il file è conservato: riprovare tra qualche minuto e, se l'errore si ripete, avvisare "
    "l'assistenza."
)


# Row-level errors.
MSG_REQUIRED = gettext_lazy("valore obbligatorio mancante.")


MSG_BAD_DATE = gettext_lazy(
    "«%(value)s» non è una data valida (usare 31/12/2016, 31-12-2016 o 2016-12-31)."
)


MSG_FUTURE_DATE = gettext_lazy("la data non può essere nel futuro.")


MSG_BAD_AMOUNT = gettext_lazy("«%(value)s» non è un importo valido (ad esempio 12.500,00).")


MSG_NEGATIVE_AMOUNT = gettext_lazy("l'importo non può essere negativo.")


MSG_TOO_MANY_DECIMALS = gettext_lazy(
    "«%(value)s» ha più di %(places)s decimali: indicare l'importo al centesimo, senza "
    "arrotondarlo (ad esempio 12.500,50)."
)


MSG_AMOUNT_TOO_LARGE = gettext_lazy("l'importo supera il massimo ammesso di %(maximum)s €.")


MSG_FORMULA = gettext_lazy(
    "il valore non può iniziare con =, +, -, @, una tabulazione o un a capo: un foglio di "
    "calcolo lo eseguirebbe come una formula."
)


MSG_UNKNOWN_COMUNE = gettext_lazy(
    "Comune «%(value)s» sconosciuto: indicare il nome o il codice ISTAT di uno dei Comuni del "
    "programma."
)


MSG_COMUNE_OUT_OF_SCOPE = gettext_lazy("non può importare righe del Comune di %(comune)s.")


MSG_UNKNOWN_EDITION = gettext_lazy("edizione «%(value)s» sconosciuta (ad esempio 2016-2017).")


MSG_BAD_CHOICE = gettext_lazy("«%(value)s» non è ammesso; valori ammessi: %(choices)s.")


MSG_TOO_LONG = gettext_lazy("al massimo %(limit)s caratteri.")


MSG_BAD_EMAIL = gettext_lazy("«%(value)s» non è un indirizzo email valido.")


# The referral rules (tax code against birth date and sex, residence Comune, one open referral)
# are the cases area's own, with their messages: ``casework.cases.services.referrals.check_*``.
MSG_REPEATED = gettext_lazy("ripete una riga precedente del file (stesso %(key)s).")


MSG_PROTOCOL_OTHER_PERSON = gettext_lazy(
    "il protocollo è già usato dal Comune per la segnalazione di un'altra persona."
)


MSG_REFERRAL_LOCKED = gettext_lazy(
    "la segnalazione non è più in attesa di presa in carico: non si può modificare da file."
)


MSG_NEW_PERSON_NEEDS = gettext_lazy("obbligatorio per una persona nuova.")


class FileRefused(ValidationError):
    """The file as a whole cannot be imported (size, format, header, rows): nothing was read
    into the database."""


# --- Import jobs (``casework.imports.jobs``) ---
MSG_IMPORT_RUNNING = gettext_lazy(
    "È già in corso un'importazione di questo tipo per lo stesso Comune: attendere che finisca "
    "e riprovare."
)


MSG_WRITE_FAILED = gettext_lazy(
    "Importazione non riuscita: il database non ha risposto. Il file è conservato: puoi riprovare."
)


MSG_NOT_CONFIRMABLE = gettext_lazy(
    "Questa importazione non si può più confermare: caricare di nuovo il file."
)


MSG_DATA_CHANGED = gettext_lazy(
    "Dall'anteprima i dati sono cambiati e ora alcune righe hanno errori: non è stato scritto "
    "nulla."
)
