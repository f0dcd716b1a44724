from django import forms

from expertise.impact import MONTH, WEEK


class ImpactForm(forms.Form):
    """The impact page's one option: series by month (default) or by week."""

    by = forms.ChoiceField(
        choices=[(MONTH, "By month"), (WEEK, "By week")],
        required=False,
        error_messages={"invalid_choice": "Show the figures by “month” or by “week”."},
    )

    def clean_by(self) -> str:
        return self.cleaned_data.get("by") or MONTH
