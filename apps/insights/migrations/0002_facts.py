"""The facts table (one row per enterprise and quarter, as summarized) and the full key of
each summarized enterprise (the table of 0001 was empty: nothing had been summarized)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [
        migrations.DeleteModel(name="SummarizedEnterprise"),
        migrations.CreateModel(
            name="SummarizedEnterprise",
            fields=[
                ("enterprise_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("street_id", models.BigIntegerField()),
                ("section", models.CharField(max_length=1)),
                ("division", models.CharField(max_length=2)),
                ("size_class", models.CharField(max_length=10)),
                ("non_public", models.BooleanField()),
                ("member_status", models.CharField(max_length=20)),
            ],
            options={
                "verbose_name": "Summarized enterprise",
                "verbose_name_plural": "Summarized enterprises",
            },
        ),
        migrations.CreateModel(
            name="Fact",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "enterprise_id",
                        "year",
                        "quarter",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("enterprise_id", models.BigIntegerField()),
                ("year", models.PositiveSmallIntegerField()),
                ("quarter", models.PositiveSmallIntegerField()),
                ("street_id", models.BigIntegerField()),
                ("section", models.CharField(max_length=1)),
                ("division", models.CharField(max_length=2)),
                ("size_class", models.CharField(max_length=10)),
                ("non_public", models.BooleanField()),
                ("member_status", models.CharField(max_length=20)),
                ("revenue", models.DecimalField(decimal_places=2, max_digits=16, null=True)),
                ("profit", models.DecimalField(decimal_places=2, max_digits=16, null=True)),
                ("tax", models.DecimalField(decimal_places=2, max_digits=16, null=True)),
                ("rd_expense", models.DecimalField(decimal_places=2, max_digits=16, null=True)),
                ("employees", models.BigIntegerField(null=True)),
                ("total_assets", models.DecimalField(decimal_places=2, max_digits=16, null=True)),
                ("revenue_ytd", models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ("tax_ytd", models.DecimalField(decimal_places=2, max_digits=18, null=True)),
            ],
            options={
                "verbose_name": "Enterprise quarter",
                "verbose_name_plural": "Enterprise quarters",
                "indexes": [
                    models.Index(
                        fields=["year", "quarter", "revenue"], name="insights_fact_revenue_idx"
                    ),
                    models.Index(fields=["year", "quarter", "tax"], name="insights_fact_tax_idx"),
                    models.Index(
                        fields=["year", "quarter", "revenue_ytd"],
                        name="insights_fact_revenue_ytd_idx",
                    ),
                    models.Index(
                        fields=["year", "quarter", "tax_ytd"], name="insights_fact_tax_ytd_idx"
                    ),
                ],
            },
        ),
    ]
