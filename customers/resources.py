"""The columns of the customer list as people see it in a spreadsheet: what the exports write
and what the import reads back (customers.exports, customers.imports).

The django-import-export resource is used for its column registry and export rendering
only. Its own import (which saves model instances) is never used: an imported file becomes a
customer information form that goes through approval and entry like any other.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from core.consent import field_name
from core.phones import format_saudi_mobile_local

from .models import Customer
from .services import CUSTOMER_FIELDS

# The exported columns, in form order (also the columns the import recognises): the code,
# then every form field but the notes.
# The donor's point of contact is exported for people to read, never imported: it is
# designated with the sub-council secretary's approval (manual 3.1.21).
EXPORT_ONLY_COLUMNS = ("point_of_contact",)
# The consents to marketing messages per channel (kept as records by the messaging app,
# customers.consents), with the date and source of the latest given; the columns keep the
# names and headers they had as the customer's own fields, so that files in use still read.
CONSENT_COLUMNS = ("sms_consent", "email_consent", "consent_date", "consent_source")
CONSENT_COLUMN_LABELS = {
    "sms_consent": gettext_lazy("agrees to SMS messages"),
    "email_consent": gettext_lazy("agrees to email messages"),
    "consent_date": gettext_lazy("consent date"),
    "consent_source": gettext_lazy("consent source"),
}
# The form's consent box each imported yes / no column fills: marketing, per channel.
CONSENT_BOX_OF_COLUMN = {
    "sms_consent": field_name("sms.marketing"),
    "email_consent": field_name("email.marketing"),
}
_BEFORE_CONSENTS = CUSTOMER_FIELDS.index("contact_channel") + 1
EXPORT_COLUMNS = (
    "code",
    *CUSTOMER_FIELDS[:_BEFORE_CONSENTS],
    *CONSENT_COLUMNS,
    *(name for name in CUSTOMER_FIELDS[_BEFORE_CONSENTS:] if name != "notes"),
    *EXPORT_ONLY_COLUMNS,
)
# Columns the import also accepts, though the export does not write them (notes can be long
# and private; they stay in the database).
IMPORT_ONLY_COLUMNS = ("notes",)
IMPORT_COLUMNS = (
    tuple(name for name in EXPORT_COLUMNS if name not in EXPORT_ONLY_COLUMNS) + IMPORT_ONLY_COLUMNS
)
BOOLEAN_COLUMNS = ("sms_consent", "email_consent", "is_active")


def column_label(name):
    """The column header: the field's verbose name (lazy, translated when shown)."""
    if name in CONSENT_COLUMN_LABELS:
        return CONSENT_COLUMN_LABELS[name]
    return Customer._meta.get_field(name).verbose_name


def _column(name, **kwargs):
    attribute = None if name in CONSENT_COLUMNS else name
    return fields.Field(attribute=attribute, column_name=column_label(name), **kwargs)


class CustomerResource(resources.ModelResource):
    """One customer as one spreadsheet row: choices as their labels, related objects by
    name (users by username), booleans as yes / no, the mobile in the local 05 form."""

    code = _column("code")
    name = _column("name")
    entity_type = _column("entity_type")
    kind = _column("kind")
    national_id = _column("national_id")
    city = _column("city")
    centre = _column("centre")
    address = _column("address")
    phone = _column("phone")
    mobile = _column("mobile")
    email = _column("email")
    contact_channel = _column("contact_channel")
    point_of_contact = _column("point_of_contact")
    sms_consent = _column("sms_consent")
    email_consent = _column("email_consent")
    consent_date = _column("consent_date")
    is_active = _column("is_active")
    consent_source = _column("consent_source")
    notes = _column("notes")

    class Meta:
        model = Customer
        fields = EXPORT_COLUMNS + IMPORT_ONLY_COLUMNS
        export_order = EXPORT_COLUMNS + IMPORT_ONLY_COLUMNS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Labels translated once per export, in the language active now, rather than once
        # per cell: get_FOO_display and gettext were most of the time of a long export.
        self._choice_labels = {
            name: {value: str(label) for value, label in Customer._meta.get_field(name).flatchoices}
            for name in ("entity_type", "kind", "contact_channel")
        }
        self._yes_no = {True: _("Yes"), False: _("No")}
        self._exporters = {}

    # Native values where a spreadsheet has a type for them (numbers, dates).
    def dehydrate_code(self, customer):
        return customer.code

    # The consents: read for a chunk of customers at once and kept on each instance by
    # customers.exports (`consent_grid`, `consent_summary`).
    def dehydrate_consent_date(self, customer):
        summary = getattr(customer, "consent_summary", None)
        return summary[0] if summary else None

    def dehydrate_consent_source(self, customer):
        summary = getattr(customer, "consent_summary", None)
        return summary[1] if summary else ""

    def _label(self, name, value):
        return self._choice_labels[name].get(value, value) if value else ""

    def dehydrate_entity_type(self, customer):
        return self._label("entity_type", customer.entity_type)

    def dehydrate_kind(self, customer):
        return self._label("kind", customer.kind)

    def dehydrate_contact_channel(self, customer):
        return self._label("contact_channel", customer.contact_channel)

    def dehydrate_city(self, customer):
        return str(customer.city) if customer.city_id else ""

    def dehydrate_centre(self, customer):
        return str(customer.centre) if customer.centre_id else ""

    def dehydrate_point_of_contact(self, customer):
        return customer.point_of_contact.get_username() if customer.point_of_contact_id else ""

    def dehydrate_mobile(self, customer):
        return format_saudi_mobile_local(customer.mobile)

    def dehydrate_sms_consent(self, customer):
        grid = getattr(customer, "consent_grid", None) or {}
        return self._yes_no[bool(grid.get("sms.marketing"))]

    def dehydrate_email_consent(self, customer):
        grid = getattr(customer, "consent_grid", None) or {}
        return self._yes_no[bool(grid.get("email.marketing"))]

    def dehydrate_is_active(self, customer):
        return self._yes_no[bool(customer.is_active)]

    def export_headers(self, columns=EXPORT_COLUMNS):
        return self.get_export_headers(selected_fields=columns)

    def export_row(self, customer, columns=EXPORT_COLUMNS):
        """The cells of one customer. Same values as export_resource(), with the field
        lookup done once per export instead of once per cell."""
        if columns not in self._exporters:
            self._exporters[columns] = [
                getattr(self, field.get_dehydrate_method(self.get_field_name(field)), None)
                or field.export
                for field in self.get_export_fields(columns)
            ]
        return [export(customer) for export in self._exporters[columns]]
