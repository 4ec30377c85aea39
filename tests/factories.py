import factory
from django.contrib.auth import get_user_model

from association.models import Centre, City, Department, PublicHoliday, StaffProfile

TEST_PASSWORD = "Test-Password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "سارة"
    last_name = "العتيبي"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("name",)

    name = "جدة"
    name_en = "Jeddah"


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"مركز حي رقم {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "crm"
    name = "إدارة علاقات العملاء"
    name_en = "Customer Relations Management"


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class PublicHolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicHoliday

    name = "عيد الفطر"
