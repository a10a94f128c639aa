"""Form rendering helpers that are hot on list pages.

A filter form's selects can hold hundreds of options (97 大类, 43 街乡); looping
over them in the template language cost more than the page's queries, so the
<select> is written here in Python.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

SKIP_ATTRS = {"class", "id", "multiple", "required", "disabled"}


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if name in SKIP_ATTRS or value is False or value is None:
            continue
        parts.append(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        )
    return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html


@register.simple_tag
def bootstrap_select(field, required_attribute: bool = True):
    widget = field.field.widget
    value = widget.format_value(field.value())
    options = []
    for _group, group_options, _index in widget.optgroups(field.html_name, value):
        options.extend(group_options)
    classes = "form-select"
    if widget.attrs.get("class"):
        classes += " " + widget.attrs["class"]
    if field.errors:
        classes += " is-invalid"
    flags = []
    if widget.allow_multiple_selected:
        flags.append(" multiple")
    if field.field.required and required_attribute:
        flags.append(" required")
    if field.field.disabled:
        flags.append(" disabled")
    if field.errors:
        flags.append(' aria-invalid="true"')
    describedby = field.aria_describedby if hasattr(field, "aria_describedby") else None
    if describedby:
        flags.append(format_html(' aria-describedby="{}"', describedby))
    option_html = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                o["value"] if o["value"] is not None else "",
                mark_safe(" selected") if o["selected"] else "",
                o["label"],
            )
            for o in options
        ),
    )
    return format_html(
        '<select name="{}"{} class="{}"{}{}>{}</select>',
        field.html_name,
        format_html(' id="{}"', field.id_for_label) if field.id_for_label else "",
        classes,
        mark_safe("".join(str(f) for f in flags)),  # noqa: S308 - constants and format_html
        _attrs(widget.attrs),
        option_html,
    )


@register.simple_tag
def select_options(options):
    """<option> tags from (value, label, selected) triples worked out by a view."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if selected else "", label)
            for value, label, selected in options
        ),
    )
