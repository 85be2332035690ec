"""Import of indicator values from XLSX (the downloadable template): a preview
that lists every row's errors, and an all-or-nothing apply in one transaction
with bulk inserts and updates (history rows included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators import conf
from indicators.exports import TEMPLATE_HEADER
from indicators.models import Indicator, Period, Value, ValueStatus
from indicators.services import can_review
from leanedu.models import Organization

# The import reads the template the portal gives out: its header row starts with this.
HEADER_MARK = TEMPLATE_HEADER[0]


@dataclass
class ImportRow:
    line: int
    organization_id: int
    indicator_id: int
    value: Decimal
    comment: str


@dataclass
class ImportPreview:
    period: Period
    total: int = 0
    skipped: int = 0
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, list[str]]] = field(default_factory=list)
    to_create: int = 0
    to_update: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = _cell_text(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    return Decimal(text)


def import_preview(*, actor, source, period: Period) -> ImportPreview:
    """Read the file and check every row; nothing is written."""
    if not can_review(actor):
        raise PermissionDenied(_("Only the project office imports indicator values."))
    preview = ImportPreview(period=period)
    indicators = {i.code: i for i in Indicator.objects.all()}
    organizations = set(
        Organization.objects.visible_to(actor).education().values_list("pk", flat=True).iterator(chunk_size=5000)
    )
    existing = {
        (org, ind): status
        for org, ind, status in Value.objects.filter(period=period)
        .values_list("organization_id", "indicator_id", "status")
        .iterator(chunk_size=10000)
    }
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError(_("The file is not an XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]
    seen: set[tuple[int, int]] = set()
    in_data = False
    max_rows = conf.import_max_rows()
    for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = list(cells) + [None] * 7
        if not in_data:
            in_data = _cell_text(cells[0]) == HEADER_MARK
            continue
        org_cell, code_cell, value_cell, comment_cell = cells[0], cells[2], cells[5], cells[6]
        if all(_cell_text(c) == "" for c in (org_cell, code_cell, value_cell)):
            continue
        preview.total += 1
        if preview.total > max_rows:
            preview.errors.append((line, [_("Too many rows in one file.")]))
            break
        problems: list[str] = []
        org_text = _cell_text(org_cell)
        organization_id = int(org_text) if org_text.isdigit() else None
        if organization_id is None or organization_id not in organizations:
            problems.append(_("Unknown organisation code «%(code)s».") % {"code": org_text})
        code = _cell_text(code_cell)
        indicator = indicators.get(code)
        if indicator is None:
            problems.append(_("Unknown indicator code «%(code)s».") % {"code": code})
        elif indicator.is_computed:
            problems.append(_("Indicator %(code)s is computed and cannot be imported.") % {"code": code})
        try:
            value = _number(value_cell)
        except (InvalidOperation, ValueError):
            value = None
            problems.append(_("«%(value)s» is not a number.") % {"value": _cell_text(value_cell)})
        else:
            if value is None and not problems:
                preview.skipped += 1
                preview.total -= 1
                continue
            if value is None:
                problems.append(_("The value is empty."))
            elif indicator is not None:
                try:
                    indicator.check_value(value)
                except ValidationError as exc:
                    problems.extend(exc.messages)
                if value is not None and value.as_tuple().exponent < -2:
                    value = value.quantize(Decimal("0.01"))
                if value is not None and value >= Decimal("1e12"):
                    problems.append(_("The value is too large."))
        if organization_id is not None and indicator is not None:
            key = (organization_id, indicator.pk)
            if key in seen:
                problems.append(_("A second row for the same organisation and indicator."))
            seen.add(key)
            if existing.get(key) == ValueStatus.APPROVED:
                problems.append(_("The value is locked by approval; reopen it first."))
        if problems:
            preview.errors.append((line, problems))
            continue
        preview.rows.append(ImportRow(line, organization_id, indicator.pk, value, _cell_text(comment_cell)[:1000]))
        if key in existing:
            preview.to_update += 1
        else:
            preview.to_create += 1
    workbook.close()
    if not in_data:
        raise ValidationError(_("The header row «%(mark)s …» was not found.") % {"mark": HEADER_MARK})
    return preview


def values_import(*, actor, source, period: Period, approve: bool = False) -> ImportPreview:
    """Apply an import: all rows or none. Re-checks the file inside the
    transaction (rows locked), so what was previewed is what is applied."""
    with transaction.atomic():
        list(Value.objects.select_for_update().filter(period=period).values_list("pk", flat=True))
        preview = import_preview(actor=actor, source=source, period=period)
        if preview.errors:
            raise ValidationError(_("The file has errors; nothing was imported."))
        now = timezone.now()
        status = ValueStatus.APPROVED if approve else ValueStatus.SUBMITTED
        existing = {(v.organization_id, v.indicator_id): v for v in Value.objects.filter(period=period)}
        to_create, to_update = [], []
        for row in preview.rows:
            value = existing.get((row.organization_id, row.indicator_id))
            if value is None:
                value = Value(organization_id=row.organization_id, indicator_id=row.indicator_id, period=period)
                to_create.append(value)
            else:
                to_update.append(value)
            value.value = row.value
            value.comment = row.comment
            value.status = status
            value.entered_by = actor
            value.submitted_at = now
            value.updated_at = now
            value.return_reason = ""
            if approve:
                value.reviewed_by = actor
                value.reviewed_at = now
        batch = conf.import_batch_size()
        reason = "import"
        if to_create:
            bulk_create_with_history(
                to_create, Value, batch_size=batch, default_user=actor, default_change_reason=reason
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                Value,
                [
                    "value",
                    "comment",
                    "status",
                    "entered_by",
                    "submitted_at",
                    "updated_at",
                    "return_reason",
                    "reviewed_by",
                    "reviewed_at",
                ],
                batch_size=batch,
                default_user=actor,
                default_change_reason=reason,
            )
        return preview
