"""The flat consent fields go: messaging 0002 turned them into consent records first."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0005_customer_name_ends_index'),
        ('messaging', '0002_consents_from_customer_fields'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='customer',
            name='consent_date',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='consent_source',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='email_consent',
        ),
        migrations.RemoveField(
            model_name='customer',
            name='sms_consent',
        ),
        migrations.RemoveField(
            model_name='historicalcustomer',
            name='consent_date',
        ),
        migrations.RemoveField(
            model_name='historicalcustomer',
            name='consent_source',
        ),
        migrations.RemoveField(
            model_name='historicalcustomer',
            name='email_consent',
        ),
        migrations.RemoveField(
            model_name='historicalcustomer',
            name='sms_consent',
        ),
    ]
