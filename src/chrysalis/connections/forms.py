from django import forms

from chrysalis.connections.models import Dismissal


class DismissForm(forms.Form):
    kind = forms.ChoiceField(choices=Dismissal.Kind.choices)
    target = forms.CharField(max_length=200)
    reason = forms.CharField(max_length=300, required=False)
    next = forms.CharField(max_length=500, required=False)
