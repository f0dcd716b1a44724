"""The console mail backend used when CHRYSALIS_EMAIL_URL is unset: each message's main headers and
plain-text part, readable in the worker's output (the HTML part is sent by a real mail server)."""

from django.core.mail.backends import console

HEADERS = ("From", "To", "Subject", "List-Unsubscribe")


class EmailBackend(console.EmailBackend):
    def write_message(self, message):
        msg = message.message()
        head = "\n".join(f"{name}: {msg[name]}" for name in HEADERS if msg[name])
        html = " (and an HTML part)" if getattr(message, "alternatives", None) else ""
        self.stream.write(f"{head}\n\n{message.body.rstrip()}\n[plain-text part{html}]\n{'-' * 79}\n")
