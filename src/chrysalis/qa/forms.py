"""Declared input of the Q&A pages that is more than free text."""

from django import forms

from chrysalis.core.errors import NotFound
from chrysalis.people.queries import person_by_username


class AskPersonForm(forms.Form):
    """`ask`: the username of a person the asker chose by name (the "Ask" button of a profile),
    optional. Cleans to the person (with department) or None; an unknown or inactive username, or
    the asker themself, is an error in words."""

    ask = forms.CharField(required=False, max_length=150, strip=True)

    def __init__(self, *args, asker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.asker = asker

    def clean_ask(self):
        username = self.cleaned_data.get("ask", "").lstrip("@")
        if not username:
            return None
        try:
            person = person_by_username(username, active_only=True)
        except NotFound:
            raise forms.ValidationError(f"There is nobody called “{username}” here to ask.", code="unknown") from None
        if self.asker is not None and person.pk == self.asker.pk:
            raise forms.ValidationError("You cannot ask yourself: leave “Ask” empty to ask the experts.", code="self")
        return person

    @property
    def error(self) -> str:
        return " ".join(self.errors.get("ask", []))

    @property
    def status(self) -> int:
        """404 for somebody unknown, 422 for any other refusal."""
        return 404 if self.has_error("ask", code="unknown") else 422
