"""PostgreSQL only: a trigram index for the search box.

The search box filters with name_normalized LIKE '%…%' (customers.selectors.search_customers),
which no B-tree index can serve: at 100,000 customers every search, including a mobile
number typed as 05XXXXXXXX (the same box ORs a name match), read the whole table. SQLite does
nothing here (core.migration_operations says why and how)."""

from django.db import migrations

from core.migration_operations import add_trigram_index_on_postgresql, trigram_index


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_customer_code_counter")]

    operations = [
        add_trigram_index_on_postgresql(
            "customers", "Customer", trigram_index("name_normalized", "customer_name_trgm")
        ),
    ]
