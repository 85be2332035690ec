"""The public proposal form: validation, abuse checks and file cleaning.

Accessibility: rendered by crispy-bootstrap5, each field carries what Django
gives it: ``aria-invalid`` when invalid, ``aria-describedby`` naming its help
text and its error message; the template adds an error summary."""

from __future__ import annotations

import re
import time

from django import forms
from django.core import signing
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leanedu import uploads
from leanedu.fragments import cached_by_versions, versions
from leanedu.models import Organization
from proposals import conf
from proposals.models import AuthorRole, Category, RejectReason

PHONE_RE = re.compile(r"^\+?[0-9\s\-()]{6,20}$")
SIGNING_SALT = "proposals.form-started"


def sign_started(now: float | None = None) -> str:
    return signing.dumps(now if now is not None else time.time(), salt=SIGNING_SALT)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


ACCEPT = uploads.Accept(
    kinds=(uploads.JPEG, uploads.PNG, uploads.PDF),
    refusal=_("«%(name)s» is not a JPEG, PNG or PDF file."),
)


VERSIONS = ["organizations"]  # what the choice lists (and the cached empty form) are made of


def municipality_choices(token=None) -> list[tuple[int, str]]:
    """Municipalities that have education organisations; cached until an
    organisation changes (``token``: the organisations' version if already read)."""
    return cached_by_versions(
        VERSIONS,
        "proposals:municipalities",
        lambda: list(
            Organization.objects.municipalities()
            .filter(pk__in=Organization.objects.education().filter(is_active=True).values("municipality_id"))
            .order_by("short_name")
            .values_list("pk", "short_name")
        ),
        token=token if token is not None else versions(VERSIONS),
    )


def organization_choices(municipality_id: int | None, *, single_municipality: bool, token=None) -> list:
    """The schools and kindergartens a person can pick from.

    One municipality (a city's own portal): all of them. A region: only those
    of the municipality chosen first — a list of 2,000 names is useless on a
    phone and makes the page heavy."""
    choices: list = [("", _("— not chosen —"))]
    if not single_municipality and municipality_id is None:
        return choices

    def rows() -> list:
        rows = Organization.objects.education().filter(is_active=True).order_by("short_name")
        if municipality_id is not None:
            rows = rows.filter(municipality_id=municipality_id)
        return list(rows.values_list("pk", "short_name"))

    token = token if token is not None else versions(VERSIONS)
    return choices + cached_by_versions(VERSIONS, f"proposals:organizations:{municipality_id}", rows, token=token)


class ProposalForm(forms.Form):
    author_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, help_text=_("We send the registration number and the answer here.")
    )
    phone = forms.CharField(
        label=_("Phone (optional)"), max_length=30, required=False, help_text=_("For example: +7 912 345-67-89")
    )
    author_role = forms.ChoiceField(label=_("You are"), choices=AuthorRole.choices, widget=forms.RadioSelect)
    organization = forms.TypedChoiceField(
        label=_("School or kindergarten (optional)"), required=False, coerce=int, empty_value=None
    )
    category = forms.ChoiceField(label=_("Topic"), choices=[("", _("— choose —")), *Category.choices])
    text = forms.CharField(
        label=_("Your proposal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[MinLengthValidator(conf.TEXT_MIN_LENGTH), MaxLengthValidator(conf.TEXT_MAX_LENGTH)],
        help_text=_("From 10 to 5,000 characters. What should change, and why?"),
    )
    attachments = MultipleFileField(
        label=_("Files (optional)"),
        required=False,
        help_text=_("Up to 3 files: photos (JPEG, PNG) or PDF, 10 MB in total."),
    )
    consent_personal_data = forms.BooleanField(
        label=_("I agree to the processing of my personal data (name, e-mail, phone) to consider my proposal"),
        error_messages={"required": _("Without this consent we cannot accept the proposal.")},
    )
    consent_publish = forms.BooleanField(
        label=_("I agree that my proposal and the answer may be published on the website without my name"),
        required=False,
    )
    # Abuse protection: a field people never see, and when the form was shown.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    # Which municipality's schools the list shows (chosen above the form);
    # read in __init__, so a tampered value simply narrows nothing.
    municipality = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, municipality_id: int | None = None, organizations_version: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisations' version, read once (here or by the caller): it keys
        # both choice lists and the cached empty form.
        self.versions = organizations_version or versions(VERSIONS)
        self.municipalities = municipality_choices(self.versions)
        self.single_municipality = len(self.municipalities) <= 1
        known = {pk for pk, _name in self.municipalities}
        if self.is_bound:
            raw = self.data.get("municipality") or ""
            municipality_id = int(raw) if raw.isdigit() else None
        self.municipality_id = municipality_id if municipality_id in known else None
        self.municipality_name = dict(self.municipalities).get(self.municipality_id, "")
        self.initial["municipality"] = self.municipality_id or ""
        self.fields["organization"].choices = organization_choices(
            self.municipality_id, single_municipality=self.single_municipality, token=self.versions
        )
        if not self.single_municipality and self.municipality_id is None:
            self.fields["organization"].help_text = _("To name a school, first choose its municipality above the form.")
        self.fields["attachments"].widget.attrs["accept"] = "image/jpeg,image/png,application/pdf"
        self.fields["author_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.input_type = "tel"  # one type attribute, not text and tel
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = sign_started()
        self.too_fast = False
        self.spam = False

    def clean_organization(self):
        pk = self.cleaned_data["organization"]
        return Organization.objects.get(pk=pk) if pk else None

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter the phone number in digits, for example +7 912 345-67-89."))
        return phone

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def clean_website(self):
        if self.cleaned_data["website"]:
            self.spam = True
        return ""

    def clean_started(self):
        value = self.cleaned_data["started"]
        try:
            started = signing.loads(value, salt=SIGNING_SALT, max_age=conf.FORM_MAX_AGE_SECONDS)
            started = float(started)
        except (signing.BadSignature, TypeError, ValueError):
            self.too_fast = True
            raise forms.ValidationError(
                _("The form has expired. Please check your answers and send it again."), code="expired"
            ) from None
        if time.time() - started < conf.min_fill_seconds():
            self.too_fast = True
            raise forms.ValidationError(
                _("The form was sent too quickly. Please check your answers and send it again."), code="too_fast"
            )
        return value

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > conf.MAX_ATTACHMENTS:
            raise forms.ValidationError(_("You can attach no more than 3 files."), code="too_many")
        if sum(upload.size for upload in files) > conf.max_attachments_bytes():
            raise forms.ValidationError(_("The files are larger than 10 MB in total."), code="too_large")
        # Recognised by content; pictures re-saved upright without metadata.
        return [uploads.check(upload, ACCEPT) for upload in files]

    @property
    def files_notice(self) -> str:
        """After a submission that did not pass: which chosen files must be chosen
        again (a browser never gets files back from a page), and that nothing
        else is lost. Empty when no file was chosen or nothing failed."""
        if not self.is_bound or not self.errors:
            return ""
        names = [upload.name for upload in self.files.getlist(self.add_prefix("attachments"))]
        if not names:
            return ""
        return ngettext(
            "The file %(names)s was not kept: choose it again before sending. Everything else you entered is kept.",
            "The files %(names)s were not kept: choose them again before sending. Everything else you entered is kept.",
            len(names),
        ) % {"names": ", ".join(f"«{name[:100]}»" for name in names[:10])}

    def add_error(self, field, error):
        # A new time stamp with every re-display, so the next try can succeed.
        if field == "started" and self.is_bound:
            self.data = self.data.copy()
            self.data["started"] = sign_started()
        super().add_error(field, error)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *RejectReason.choices])
    duplicate_of_number = forms.CharField(
        label=_("Duplicate of (registration number)"), required=False, help_text=_("For example: РВ-2026-00042")
    )
    comment = forms.CharField(
        label=_("Comment for the author"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Text of the answer"), widget=forms.Textarea(attrs={"rows": 10}))
    publish = forms.BooleanField(
        label=_("Publish on «We answered» (only if the author agreed)"), required=False, initial=True
    )


class ConvertForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation of the project"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Project title"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.education().order_by("short_name")
