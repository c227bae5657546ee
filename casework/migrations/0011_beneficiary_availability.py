# The person's weekly availability, so that matching and the pathway forms do not offer a
# full-time position to someone who can work part-time only.
from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("casework", "0010_italian_labels")]

    operations = [
        migrations.AddField(
            model_name="beneficiary",
            name="available_hours_per_week",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                help_text=(
                    "Ore a settimana in cui la persona può lavorare; vuoto se non ancora nota. "
                    "Il matching non propone posizioni con un orario più lungo."
                ),
                max_digits=4,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.5")),
                    django.core.validators.MaxValueValidator(Decimal("60")),
                ],
                verbose_name="disponibilità settimanale (ore)",
            ),
        ),
    ]
