from django import forms
from django.contrib.auth import get_user_model

from library.reading import SCRIPTS

from .models import MAX_NOTE_LENGTH, Sharing, TextSize, Theme


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
    shared = forms.BooleanField(required=False, label="Shared with me")


class SearchForm(forms.Form):
    """The search box and its filters (all optional)."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    theme = forms.CharField(required=False, max_length=100)
    entity = forms.CharField(required=False, max_length=200)
    source = forms.CharField(required=False, max_length=200)
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")
    mine = forms.BooleanField(required=False, label="Only articles I highlighted")


class GroupForm(forms.Form):
    """A new reading group: just its name."""

    name = forms.CharField(label="小组名称 Group name", max_length=100, strip=True)


class MemberForm(forms.Form):
    """Add a reader to a group by their username."""

    username = forms.CharField(label="用户名 Username", max_length=150, strip=True)

    def clean_username(self):
        name = self.cleaned_data["username"]
        users = get_user_model()
        user = users.objects.filter(**{users.USERNAME_FIELD: name, "is_active": True}).first()
        if user is None:
            raise forms.ValidationError("No reader has that username.")
        return user


class ReplyForm(forms.Form):
    """A reply to a highlight (Markdown), from the page without scripts."""

    body = forms.CharField(
        label="回复 Reply", max_length=MAX_NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if "\x00" in body:
            raise forms.ValidationError("Contains a NUL character.")
        return body


class SharingForm(forms.Form):
    """Who may see a highlight: `private`, `library` or `group:<id>` (one field, so a
    single <select> serves the page without scripts)."""

    share = forms.CharField(max_length=40)

    def clean_share(self) -> tuple[str, int | None]:
        value = self.cleaned_data["share"]
        if value in (Sharing.PRIVATE, Sharing.LIBRARY):
            return value, None
        kind, _, group = value.partition(":")
        if kind == Sharing.GROUP and group.isascii() and group.isdigit() and len(group) < 19:
            return Sharing.GROUP, int(group)
        raise forms.ValidationError("Choose private, a group or the library.")
