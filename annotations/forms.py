from django import forms

from library.reading import SCRIPTS

from .models import TextSize, Theme


class PreferencesForm(forms.Form):
    """Display script, light or dark, text size: for readers with and without accounts."""

    script = forms.ChoiceField(
        label="文字 Script", choices=SCRIPTS.items(), widget=forms.RadioSelect
    )
    theme = forms.ChoiceField(label="外观 Theme", choices=Theme.choices, widget=forms.RadioSelect)
    text_size = forms.TypedChoiceField(
        label="字号 Text size", choices=TextSize.choices, coerce=int, widget=forms.RadioSelect
    )


class HighlightFilterForm(forms.Form):
    """The filters of "My highlights": a tag and a document, both optional."""

    tag = forms.CharField(required=False, max_length=200)
    document = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    q = forms.CharField(required=False, max_length=200, label="Search")


class SearchForm(forms.Form):
    """The search box and its filters (all optional)."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    theme = forms.CharField(required=False, max_length=100)
    entity = forms.CharField(required=False, max_length=200)
    source = forms.CharField(required=False, max_length=200)
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")
    mine = forms.BooleanField(required=False, label="Only articles I highlighted")
