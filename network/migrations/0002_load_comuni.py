"""The 18 Comuni of Valle Trompia and the four pathway types, as data the whole product needs."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "comuni_valle_trompia.csv"

PATHWAY_TYPES = [
    ("assistenziale", "Assistenziale", 1),
    ("tirocinio", "Tirocinio", 2),
    ("inserimento", "Inserimento lavorativo", 3),
    ("personalizzato", "Progetto personalizzato", 4),
]


def load(apps, schema_editor):
    Comune = apps.get_model("network", "Comune")
    PathwayTypeOption = apps.get_model("network", "PathwayTypeOption")
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Comune.objects.update_or_create(
                istat_code=row["istat_code"],
                defaults={
                    "name": row["name"],
                    "cadastral_code": row["cadastral_code"],
                    "province": row["province"],
                },
            )
    for code, label, order in PATHWAY_TYPES:
        PathwayTypeOption.objects.update_or_create(
            code=code, defaults={"label": label, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
