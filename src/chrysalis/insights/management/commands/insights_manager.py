"""Make someone a community manager (they may see organisation insights), or stop that.

    chrysalis manage insights_manager USERNAME [--remove]
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chrysalis.insights.actions import set_community_manager


class Command(BaseCommand):
    help = "Add a person to (or with --remove, take them out of) the Community managers group."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true")

    def handle(self, username, remove=False, **options):
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"No person with the username {username!r}.")
        set_community_manager(person, on=not remove)
        if remove:
            self.stdout.write(f"{username} is no longer a community manager.")
        else:
            self.stdout.write(f"{username} is now a community manager: they can see /insights/.")
