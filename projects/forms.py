"""Forms of the cabinet and the showcase. They validate; services write."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from leanedu.models import Organization
from projects.models import (
    AttachmentKind,
    LeanTool,
    Project,
    ProjectMetric,
    TeamMember,
)
from projects.services import PASSPORT_FIELDS, RESULT_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")


class ProjectForm(forms.ModelForm):
    """The passport. Once approved, only the result fields remain."""

    class Meta:
        model = Project
        fields = PASSPORT_FIELDS + ("tools",)
        widgets = {
            **{name: DateInput() for name in DATE_FIELDS},
            "tools": forms.CheckboxSelectMultiple,
            "problem": forms.Textarea(attrs={"rows": 3}),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, results_only: bool = False, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:  # nothing is done yet on a new project
            for name in ("results", "actual_start", "actual_end"):
                del self.fields[name]
        if results_only:
            for name in list(self.fields):
                if name not in RESULT_FIELDS:
                    del self.fields[name]
        if "tools" in self.fields:
            self.fields["tools"].queryset = LeanTool.objects.all()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class MetricForm(forms.ModelForm):
    class Meta:
        model = ProjectMetric
        fields = ProjectMetric.ENTERED_FIELDS
        widgets = {"baseline_date": DateInput(), "actual_date": DateInput()}


class MetricResultForm(forms.ModelForm):
    """Once the project is approved only «after» is entered."""

    class Meta:
        model = ProjectMetric
        fields = ["actual_value", "actual_date"]
        widgets = {"actual_date": DateInput()}


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["name", "role"]


# One empty row is always offered: adding a row needs no JavaScript, only saving.
MetricFormSet = inlineformset_factory(Project, ProjectMetric, form=MetricForm, extra=1, can_delete=True)
# A new project is offered two empty metric rows: most projects measure time and one more thing.
NewMetricFormSet = inlineformset_factory(Project, ProjectMetric, form=MetricForm, extra=2, can_delete=False)
MetricResultFormSet = inlineformset_factory(
    Project, ProjectMetric, form=MetricResultForm, extra=0, can_delete=False, max_num=0
)
TeamFormSet = inlineformset_factory(Project, TeamMember, form=TeamMemberForm, extra=1, can_delete=True)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG image, DOCX or XLSX. Photos: JPEG or PNG."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ReviewCommentForm(forms.Form):
    """The comment of an office action in the admin (return, approve)."""

    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ReplicateForm(forms.Form):
    """«Повторить у себя»: which of the coordinator's organisations, which files."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), empty_label=None
    )
    attachments = forms.ModelMultipleChoiceField(
        label=_("Files to take"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Maps, the action plan and the standard of the standard solution; photos stay with it."),
    )

    def __init__(self, *args, organizations, attachments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["attachments"].queryset = attachments
        self.fields["attachments"].label_from_instance = lambda a: f"{a.get_kind_display()}: {a.original_name}"
        if organizations.count() == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = organizations.first()
