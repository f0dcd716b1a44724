"""Declared forms of the notification pages."""

from django import forms

from chrysalis.notifications.models import EMAIL_KINDS, Delivery, Frequency


class EmailSettingsForm(forms.Form):
    routed = forms.ChoiceField(choices=Delivery.choices, label=EMAIL_KINDS["routed"], widget=forms.RadioSelect)
    mention = forms.ChoiceField(choices=Delivery.choices, label=EMAIL_KINDS["mention"], widget=forms.RadioSelect)
    answer = forms.ChoiceField(choices=Delivery.choices, label=EMAIL_KINDS["answer"], widget=forms.RadioSelect)
    accepted = forms.ChoiceField(choices=Delivery.choices, label=EMAIL_KINDS["accepted"], widget=forms.RadioSelect)
    digest = forms.ChoiceField(choices=Frequency.choices, label="Digest", widget=forms.RadioSelect)
