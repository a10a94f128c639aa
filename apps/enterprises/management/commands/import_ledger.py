from apps.enterprises.imports.commands import ImportCommand


class Command(ImportCommand):
    help = "导入经济台帐（xlsx/csv）：有任何错误行则全部不写入；--dry-run 只校验。"
    kind = "ledger"
