from django.utils.translation import gettext_lazy as _

from casework.management.commands._import_command import ImportCommand


class Command(ImportCommand):
    help = _("Importa i budget dei Comuni per edizione da un file CSV o XLSX: tutto o niente.")
    kind = "budgets"
