# Placeholder kept in the chain so that parallel work can depend on it; filled with the
# person's weekly availability field.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("casework", "0010_italian_labels")]

    operations = []
