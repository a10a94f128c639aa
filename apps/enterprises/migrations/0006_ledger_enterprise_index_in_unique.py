"""The ledger's enterprise column loses its own index: the unique (enterprise, year,
quarter) constraint leads with it, and every index is paid by each imported row.
Only the index is dropped (the foreign key stays as it is, not re-validated)."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "enterprises_ledgerentry_enterprise_id_88ffd0ed"


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0005_change_mark_triggers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="enterprise",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ledger",
                        to="enterprises.enterprise",
                        verbose_name="Enterprise",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f"CREATE INDEX {INDEX} ON enterprises_ledgerentry (enterprise_id)",
                ),
            ],
        ),
    ]
