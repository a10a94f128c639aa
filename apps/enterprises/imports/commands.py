"""Shared by manage.py import_enterprises and import_ledger (operator output in Chinese)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.core.scoping import Scope, ScopeKind

from . import files, pipeline
from .report import ErrorSink


class Operator:
    """The operator at the console: whole-district scope, recorded as "manage.py"."""

    is_authenticated = True
    is_active = True
    pk = None
    data_scope = Scope(kind=ScopeKind.DISTRICT)

    def get_username(self) -> str:
        return "manage.py"


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx 或 csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--as", dest="username", help="以该用户的身份和数据范围导入")

    def handle(self, *args, file, dry_run=False, username=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        user = Operator()
        if username:
            try:
                user = get_user_model().objects.get(username=username, is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户不存在或已停用：{username}") from None
        sink = ErrorSink()
        outcome = pipeline.run(
            kind=self.kind,
            path=path,
            user=user,
            sink=sink,
            apply=not dry_run,
            name=path.name,
            digest=files.file_digest(path),
        )
        if not outcome.ok:
            for error in sink.all():
                where = "文件" if error.row == 0 else f"第 {error.row} 行"
                column = f"［{error.column}］" if error.column else ""
                value = f"“{error.value}”" if error.value else ""
                self.stderr.write(f"{where}{column}{value}：{error.reason}")
            raise CommandError(f"校验未通过：{outcome.error_count} 处错误，未写入任何数据。")
        summary = (
            f"共 {outcome.rows} 行：新增 {outcome.new}，变更 {outcome.changed}，"
            f"未变 {outcome.unchanged}。"
        )
        if dry_run:
            self.stdout.write(f"校验通过（未写入）。{summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"已导入。{summary}"))
