from django import forms


class RetryForm(forms.Form):
    task_id = forms.UUIDField()
