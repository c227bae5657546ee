"""A first list of neighbouring Comuni (shared borders inside the valley); staff edit it in the
admin under Rete territoriale › Comuni."""

from django.db import migrations

NEIGHBOURS = {
    "Collio": ["Bovegno"],
    "Bovegno": ["Collio", "Pezzaze", "Irma"],
    "Pezzaze": ["Bovegno", "Irma", "Tavernole sul Mella", "Lodrino"],
    "Irma": ["Bovegno", "Pezzaze", "Marmentino", "Tavernole sul Mella"],
    "Marmentino": ["Irma", "Tavernole sul Mella"],
    "Tavernole sul Mella": ["Pezzaze", "Irma", "Marmentino", "Marcheno", "Lodrino"],
    "Lodrino": ["Pezzaze", "Tavernole sul Mella", "Marcheno"],
    "Marcheno": ["Tavernole sul Mella", "Lodrino", "Gardone Val Trompia", "Lumezzane"],
    "Gardone Val Trompia": ["Marcheno", "Sarezzo", "Lumezzane", "Polaveno", "Brione"],
    "Polaveno": ["Gardone Val Trompia", "Brione", "Sarezzo"],
    "Brione": ["Polaveno", "Gardone Val Trompia", "Sarezzo", "Villa Carcina"],
    "Sarezzo": ["Gardone Val Trompia", "Lumezzane", "Villa Carcina", "Polaveno", "Brione"],
    "Lumezzane": ["Marcheno", "Gardone Val Trompia", "Sarezzo", "Villa Carcina", "Caino", "Nave"],
    "Villa Carcina": ["Sarezzo", "Lumezzane", "Concesio", "Brione", "Nave"],
    "Concesio": ["Villa Carcina", "Bovezzo", "Nave"],
    "Bovezzo": ["Concesio", "Nave", "Caino"],
    "Nave": ["Bovezzo", "Caino", "Concesio", "Lumezzane", "Villa Carcina"],
    "Caino": ["Nave", "Lumezzane", "Bovezzo"],
}


def load(apps, schema_editor):
    Comune = apps.get_model("network", "Comune")
    by_name = {comune.name: comune for comune in Comune.objects.all()}
    for name, neighbours in NEIGHBOURS.items():
        comune = by_name.get(name)
        if comune is None:
            continue
        comune.neighbours.add(*[by_name[other] for other in neighbours if other in by_name])


class Migration(migrations.Migration):
    dependencies = [("network", "0003_directorypage_registrationpage_position_decided_at_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
