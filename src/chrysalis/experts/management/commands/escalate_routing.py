from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Route questions still unanswered after CHRYSALIS_ROUTING_ESCALATE_AFTER to the next experts."

    def handle(self, *args, **options):
        from chrysalis.experts.actions import escalate_unanswered

        self.stdout.write(f"{escalate_unanswered()} new routing requests")
