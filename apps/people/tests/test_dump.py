"""A database dump holds no plaintext ID number or mobile (SECURITY.md 8), after everything a
user does with them: create, edit, search, reveal, masked and unmasked export, import, the
history and the audit trail.

SQLite: the connection's iterdump(). PostgreSQL: pg_dump of the test database (the data is
committed for it: transaction=True), and, should pg_dump be missing, every text column of
every table read back.
"""

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from apps.people import idcard, services
from apps.people.imports import LAYOUT, import_apply, import_start
from apps.people.models import Person, PersonExport, plain


def created_people(actor):
    people = []
    for n in range(3):
        born = date(1960 + n, 2, 3)
        number = idcard.make("110105", born, 31 + 2 * n)
        people.append(
            services.person_create(
                actor=actor,
                name=f"测试人员{n}",
                gender="M",
                ethnicity="01",
                birth_date=born,
                id_number=number,
                affiliation="12",
                mobile=f"1391230000{n}",
            )
        )
    return people


def imported(actor) -> tuple[str, str]:
    number = idcard.make("110105", date(1977, 7, 7), 41)
    mobile = "13712340000"
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, [c.template_header for c in LAYOUT])
    values = {"name": "导入人员", "ethnicity": "汉族", "id_number": number, "mobile": mobile,
              "affiliation": "群众"}  # fmt: skip
    sheet.write_row(1, 0, [values.get(c.key, "") for c in LAYOUT])
    bad = {**values, "name": "坏行", "mobile": "1371234000"}  # 10 digits: an error row
    sheet.write_row(2, 0, [bad.get(c.key, "") for c in LAYOUT])
    workbook.close()
    failed = import_start(actor=actor, upload=SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert failed.status == "invalid"
    good = io.BytesIO()
    workbook = xlsxwriter.Workbook(good, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, [c.template_header for c in LAYOUT])
    sheet.write_row(1, 0, [values.get(c.key, "") for c in LAYOUT])
    workbook.close()
    job = import_start(actor=actor, upload=SimpleUploadedFile("b.xlsx", good.getvalue()))
    assert import_apply(actor=actor, job=job).status == "applied"
    return number, mobile


def dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    settings = connection.settings_dict
    if shutil.which("pg_dump"):
        result = subprocess.run(
            [
                "pg_dump",
                "--data-only",
                "-h",
                settings["HOST"] or "127.0.0.1",
                "-p",
                str(settings["PORT"] or 5432),
                "-U",
                settings["USER"] or "postgres",
                settings["NAME"],
            ],
            env={"PGPASSWORD": settings["PASSWORD"] or "", "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return result.stdout
    return every_text_column()  # pragma: no cover - pg_dump is installed here


def every_text_column() -> str:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f'SELECT CAST("{column.name}" AS TEXT) FROM "{table}"'  # noqa: S608
                )
                parts.extend(str(value) for (value,) in cursor.fetchall() if value is not None)
    return "\n".join(parts)


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_holds_no_plaintext_id_number_or_mobile(
    login, district_admin, approver, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    people = created_people(district_admin)
    first = people[0]
    numbers = [plain(p.id_number) for p in people]
    mobiles = [plain(p.mobile) for p in people]
    # Edit, search, reveal, export masked, ask for and download an unmasked export.
    services.person_update(
        actor=district_admin, person=first, version=first.version, mobile="13800138000"
    )
    mobiles.append("13800138000")
    client = login(district_admin)
    client.get(reverse("people:list"), {"q": numbers[1]})
    client.get(reverse("people:export"), {"q": numbers[1]})
    client.get(reverse("people:export"), {"q": mobiles[2]})
    client.post(reverse("people:reveal", args=[first.pk]), {"field": "id_number", "reason": "核对"})
    client.post(reverse("people:export_request"), {"reason": "报送材料"})
    export = PersonExport.objects.get()
    services.export_request_decide(actor=approver, export=export, approve=True)
    assert client.get(reverse("people:export_download", args=[export.pk])).status_code == 200
    client.get(reverse("people:history", args=[first.pk]))
    number, mobile = imported(district_admin)
    numbers.append(number)
    mobiles.append(mobile)
    mobiles.append("1371234000")

    text = dump()
    # The dump is real: it holds the names and the ciphertext.
    assert "测试人员0" in text and "导入人员" in text
    assert "sm4gcm1$" in text
    assert Person.objects.count() == 4
    leaks = [value for value in numbers + mobiles if value in text]
    assert leaks == [], f"plaintext in the dump: {leaks}"
    # Nor any 18-character ID number of these people in another spelling (lower-case x).
    assert not [n for n in numbers if n.lower() in text.lower()]
    # And no run of digits that is one of them with separators stripped.
    digits = re.sub(r"[\s\-]", "", text)
    assert not [v for v in numbers + mobiles if v in digits]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_text_column_on_postgresql_holds_no_plaintext(district_admin):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    people = created_people(district_admin)
    text = every_text_column()
    assert "测试人员1" in text
    for person in Person.objects.filter(pk__in=[p.pk for p in people]):
        assert plain(person.id_number) not in text
        assert plain(person.mobile) not in text
