from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

DEMO_USERNAME = "editor"
DEMO_PASSWORD = "newsdesk-demo"


class Command(BaseCommand):
    help = "Create the demo editor account (for `make demo` only) and print its login."

    def handle(self, *args, **options):
        user, _created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo editor: username %(username)s, password %(password)s")
                % {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}
            )
        )
