"""The columns of the customer list as people see it in a spreadsheet: what the exports write
and what the import reads back (customers.exports, customers.imports).

The django-import-export resource is used for its column registry and export rendering
only. Its own import (which saves model instances) is never used: an imported file becomes a
customer information form that goes through approval and entry like any other.
"""

from django.utils.translation import gettext as _
from import_export import fields, resources

from core.phones import format_saudi_mobile_local

from .models import Customer

# The exported columns, in order (also the columns the import recognises).
EXPORT_COLUMNS = (
    "code",
    "name",
    "entity_type",
    "kind",
    "national_id",
    "city",
    "centre",
    "address",
    "phone",
    "mobile",
    "email",
    "contact_channel",
    "point_of_contact",
    "sms_consent",
    "email_consent",
    "consent_date",
    "is_active",
)
# Columns the import also accepts, though the export does not write them.
IMPORT_ONLY_COLUMNS = ("consent_source", "notes")
IMPORT_COLUMNS = EXPORT_COLUMNS + IMPORT_ONLY_COLUMNS
BOOLEAN_COLUMNS = ("sms_consent", "email_consent", "is_active")


def column_label(name):
    """The column header: the field's verbose name (lazy, translated when shown)."""
    return Customer._meta.get_field(name).verbose_name


def yes_no(value):
    return _("Yes") if value else _("No")


def _column(name, **kwargs):
    return fields.Field(attribute=name, column_name=column_label(name), **kwargs)


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
        fields = IMPORT_COLUMNS
        export_order = IMPORT_COLUMNS

    # Native values where a spreadsheet has a type for them (numbers, dates).
    def dehydrate_code(self, customer):
        return customer.code

    def dehydrate_consent_date(self, customer):
        return customer.consent_date

    def dehydrate_entity_type(self, customer):
        return customer.get_entity_type_display()

    def dehydrate_kind(self, customer):
        return customer.get_kind_display()

    def dehydrate_contact_channel(self, customer):
        return customer.get_contact_channel_display() if customer.contact_channel else ""

    def dehydrate_city(self, customer):
        return str(customer.city) if customer.city_id else ""

    def dehydrate_centre(self, customer):
        return str(customer.centre) if customer.centre_id else ""

    def dehydrate_point_of_contact(self, customer):
        return customer.point_of_contact.get_username() if customer.point_of_contact_id else ""

    def dehydrate_mobile(self, customer):
        return format_saudi_mobile_local(customer.mobile)

    def dehydrate_sms_consent(self, customer):
        return yes_no(customer.sms_consent)

    def dehydrate_email_consent(self, customer):
        return yes_no(customer.email_consent)

    def dehydrate_is_active(self, customer):
        return yes_no(customer.is_active)

    # The list of exported columns, for callers that do not pass their own.
    def export_headers(self, columns=EXPORT_COLUMNS):
        return self.get_export_headers(selected_fields=columns)

    def export_row(self, customer, columns=EXPORT_COLUMNS):
        return self.export_resource(customer, selected_fields=columns)
