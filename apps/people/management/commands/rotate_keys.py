from django.core.management.base import BaseCommand

from apps.core import crypto
from apps.people import rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt the people database's ID numbers and mobiles under the current data key "
        "and rebuild their look-up indexes under the current index key (README: keys)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status", action="store_true", help="only count the values under each key"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would change, change nothing"
        )
        parser.add_argument("--batch", type=int, default=rotation.BATCH)

    def handle(self, *args, status, dry_run, batch, **options):
        provider = crypto.provider()
        self.stdout.write(
            f"当前数据密钥 current data key: {provider.current_key_id}; "
            f"当前索引密钥 current index key: {provider.current_index_key_id}"
        )
        if not status:
            outcome = rotation.rotate(batch=batch, dry_run=dry_run)
            verb = "将" if dry_run else "已"
            self.stdout.write(
                f"{outcome.rows} 人：{verb}重新加密 {outcome.reencrypted} 个值，"
                f"{verb}重建索引 {outcome.reindexed} 个 "
                f"(rows={outcome.rows} reencrypted={outcome.reencrypted} "
                f"reindexed={outcome.reindexed}{' dry-run' if dry_run else ''})"
            )
        for name, counter in rotation.status().items():
            shown = ", ".join(f"{key}: {count}" for key, count in sorted(counter.items())) or "—"
            self.stdout.write(f"{name}: {shown}")
