from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from articles.roles import CONTRIBUTOR, EDITOR, ROLE_LABELS

DEMO_PASSWORD = "newsdesk-demo"
DEMO_ACCOUNTS = {"editor": EDITOR, "contributor": CONTRIBUTOR}


class Command(BaseCommand):
    help = "Create the demo editor and contributor accounts (for `make demo` only)."

    def handle(self, *args, **options):
        for username, role in DEMO_ACCOUNTS.items():
            user, _created = get_user_model().objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = False
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo %(role)s: username %(username)s, password %(password)s")
                    % {"role": ROLE_LABELS[role], "username": username, "password": DEMO_PASSWORD}
                )
            )
