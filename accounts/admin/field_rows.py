"""The fields of a payment method type, edited as rows of a table (key, label, required)
instead of raw JSON; the rows are checked by `clean_field_spec`, the one rule for them."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..services.payment_method_types import FieldSpecError, clean_field_spec

EXTRA_ROWS = 3  # blank rows offered for new fields
MAX_ROWS = 50  # a forged row count cannot make the form read thousands of keys


def _rows_of(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, dict)]


class FieldRowsWidget(forms.Widget):
    """One table row per field: its key, the label users see, required, and a box to remove
    it; blank rows at the end add fields. Posted as `<name>-<i>-key` and so on, with the row
    count in `<name>-TOTAL`."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        rows = _rows_of(value) + [{"key": "", "label": "", "required": True}] * EXTRA_ROWS
        body = format_html_join(
            "",
            "<tr><td>{}</td>"
            '<td><input type="text" name="{}-{}-key" value="{}" maxlength="40" size="18"></td>'
            '<td><input type="text" name="{}-{}-label" value="{}" size="36"></td>'
            '<td><input type="checkbox" name="{}-{}-required"{}></td>'
            '<td><input type="checkbox" name="{}-{}-DELETE"></td></tr>',
            (
                (
                    index + 1,
                    name,
                    index,
                    row.get("key", ""),
                    name,
                    index,
                    row.get("label", ""),
                    name,
                    index,
                    SafeString(" checked") if row.get("required") is True else "",
                    name,
                    index,
                )
                for index, row in enumerate(rows)
            ),
        )
        return format_html(
            '<table class="field-rows" id="id_{}"><thead><tr><th>#</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>"
            '<input type="hidden" name="{}-TOTAL" value="{}">',
            name,
            _("Key"),
            _("Label users see"),
            _("Required"),
            _("Remove"),
            body,
            name,
            len(rows),
        )

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        total_key = f"{name}-TOTAL"
        if total_key not in data:
            # a form posted without the table (a script) may still send the JSON list
            return data.get(name)
        try:
            total = min(int(data.get(total_key, 0)), MAX_ROWS)
        except (TypeError, ValueError):
            total = 0
        rows = []
        for index in range(total):
            prefix = f"{name}-{index}-"
            key = (data.get(prefix + "key") or "").strip()
            label = data.get(prefix + "label") or ""
            if data.get(prefix + "DELETE") or (not key and not label.strip()):
                continue  # removed, or a blank row left as offered
            required = bool(data.get(prefix + "required"))
            rows.append({"key": key, "label": label, "required": required})
        return rows

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-TOTAL" not in data and name not in data


class FieldRowsField(forms.Field):
    widget = FieldRowsWidget
    default_error_messages = {"invalid": gettext_lazy("Fields must be a list of rows.")}

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value or "[]")
            except ValueError as error:
                raise forms.ValidationError(self.error_messages["invalid"]) from error
        return [] if value is None else value

    def clean(self, value: Any) -> list[dict[str, Any]]:
        try:
            return clean_field_spec(self.to_python(value))
        except FieldSpecError as error:
            raise forms.ValidationError(error.message) from error

    def prepare_value(self, value: Any) -> Any:
        return _rows_of(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return _rows_of(initial) != self.clean(data)
        except forms.ValidationError:
            return True
