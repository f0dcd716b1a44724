"""Input of the insights pages, parsed through declared forms."""

from django import forms

from chrysalis.insights.queries import DEFAULT_RANGE, RANGES


class RangeForm(forms.Form):
    range = forms.ChoiceField(
        choices=[(k, f"Last {v} days") for k, v in RANGES.items()] + [("custom", "Custom dates")],
        required=False,
    )
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if not data.get("range"):
            data["range"] = "custom" if data.get("start") or data.get("end") else DEFAULT_RANGE
        return data


class PersonForm(forms.Form):
    person = forms.CharField(max_length=150, required=False)


class ComputeForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


class IntroductionForm(forms.Form):
    expert = forms.CharField(max_length=150)
    asker = forms.CharField(max_length=150)
    topic = forms.CharField(max_length=50)
    reason = forms.CharField(max_length=500, required=False)
