from django.utils.translation import gettext_lazy as _

from casework.management.commands._import_command import ImportCommand


class Command(ImportCommand):
    help = _(
        "Importa segnalazioni (e le persone, per codice fiscale) da un file CSV o XLSX: "
        "tutto o niente."
    )
    kind = "referrals"
    with_user = True
