# Placeholder kept in the chain; filled with the PostgreSQL trigram indexes for admin search.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("casework", "0011_beneficiary_availability")]

    operations = []
