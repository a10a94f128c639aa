from django.core.management.base import BaseCommand

from apps.accounts.demo import PERSONAS, create_persona_accounts


class Command(BaseCommand):
    help = "Create the demo persona accounts that are missing and print their passwords once."

    def handle(self, *args, **options):
        created = create_persona_accounts()
        if not created:
            self.stdout.write(
                "演示账号已存在（密码只在首次创建时显示）。忘记密码可运行: make demo-passwords"
            )
            return
        self.stdout.write("\n演示账号（密码只显示这一次，请妥善保存）:")
        # Chinese characters take two columns in a terminal: pad by display width.
        self.stdout.write("用户名" + " " * 6 + "密码" + " " * 16 + "姓名")
        for user, password in created:
            self.stdout.write(f"{user.username:<12}{password:<20}{user.full_name}")
        self.stdout.write(f"共 {len(created)} / {len(PERSONAS)} 个账号。\n")
