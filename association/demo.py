"""Demo data for `make run`: the association's structure and one user per role.

Idempotent: it only creates what is missing and never changes an existing row, so running it
twice changes nothing (and an administrator's later edits survive a re-run).
"""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from hijridate import Hijri

from . import roles
from .models import Centre, City, Department, PublicHoliday, StaffProfile

# Documented in the README; for the demo only.
DEMO_PASSWORD = "Demo@12345"

CITIES = {
    "جدة": ("Jeddah", ["مركز حي الصفا", "مركز حي النسيم", "مركز حي الروضة"]),
    "مكة المكرمة": ("Makkah", ["مركز حي العوالي", "مركز حي الزاهر", "مركز حي الشرائع"]),
    "الطائف": ("Taif", ["مركز حي الشهداء", "مركز حي الفيصلية"]),
}

DEPARTMENTS = [
    # code, Arabic, English, staff work in centres
    ("crm", "إدارة علاقات العملاء", "Customer Relations Management", False),
    ("centres", "قسم شؤون المراكز", "Centres Affairs", True),
    ("quality", "إدارة الجودة", "Quality", False),
    ("management", "إدارة الجمعية", "Association Management", False),
    ("planning", "إدارة التخطيط الاستراتيجي وتطوير الخدمات", "Strategic Planning", False),
    ("resources", "إدارة تنمية الموارد المالية", "Resource Development", False),
    ("council", "المجلس الفرعي", "Sub-council", False),
]

# username, first name, last name, role, department code, centres
# username, first name, last name, role, department code, centre names
DemoUser = tuple[str, str, str, roles.Role, str, list[str]]
DEMO_USERS: list[DemoUser] = [
    ("crm_staff", "نورة", "الحربي", roles.CRM_STAFF, "crm", []),
    ("crm_manager", "خالد", "الغامدي", roles.CRM_MANAGER, "crm", []),
    (
        "centres_staff",
        "فهد",
        "الزهراني",
        roles.CENTRES_STAFF,
        "centres",
        ["مركز حي الصفا", "مركز حي النسيم"],
    ),
    (
        "centres_manager",
        "منى",
        "القرشي",
        roles.CENTRES_MANAGER,
        "centres",
        ["مركز حي الصفا", "مركز حي النسيم", "مركز حي الروضة"],
    ),
    ("quality", "ريم", "الشهري", roles.QUALITY_OFFICER, "quality", []),
    ("steward", "عبدالله", "المالكي", roles.DATA_STEWARD, "crm", []),
    ("deputy_steward", "هند", "السلمي", roles.DEPUTY_STEWARD, "crm", []),
    ("management", "سعد", "العمري", roles.MANAGEMENT, "management", []),
    ("planning", "ماجد", "الثقفي", roles.PLANNING_DIRECTOR, "planning", []),
    ("resources", "لمى", "البقمي", roles.RESOURCE_DEVELOPMENT, "resources", []),
    ("secretary", "عبدالرحمن", "الجهني", roles.COUNCIL_SECRETARY, "council", []),
    ("researcher", "سلمان", "العتيبي", roles.RESEARCH_OFFICER, "centres", []),
    ("committee", "أمل", "الدوسري", roles.COMMITTEE_MEMBER, "management", []),
    ("admin_affairs", "طارق", "الحازمي", roles.ADMIN_AFFAIRS_DIRECTOR, "management", []),
]

ADMIN_USERNAME = "admin"

# The name of this demo loader (core/demo.py): every other app's demo builds on it.
ASSOCIATION_DEMO = "association"


@transaction.atomic
def load_demo_data() -> list[str]:
    """Create the demo structure and users; returns the usernames created this time."""
    roles.sync_role_groups(Group, _permission_model())
    centres = _load_cities_and_centres()
    departments = _load_departments()
    _load_holidays()
    created = [
        user[0]
        for user in DEMO_USERS
        if _load_user(*user, departments=departments, centres=centres)
    ]
    if _load_admin():
        created.append(ADMIN_USERNAME)
    return created


def _permission_model() -> "type[Permission]":
    from django.contrib.auth.models import Permission

    return Permission


def _load_cities_and_centres() -> dict[str, Centre]:
    centres = {}
    for city_name, (city_name_en, centre_names) in CITIES.items():
        city, _ = City.objects.get_or_create(name=city_name, defaults={"name_en": city_name_en})
        for centre_name in centre_names:
            centres[centre_name], _ = Centre.objects.get_or_create(city=city, name=centre_name)
    return centres


def _load_departments() -> dict[str, Department]:
    departments = {}
    for code, name, name_en, works_in_centres in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "works_in_centres": works_in_centres},
        )
    return departments


def demo_holidays(
    hijri_years: Iterable[int] = (1447, 1448, 1449), gregorian_years: Iterable[int] = (2026, 2027)
) -> list[tuple[str, date, date]]:
    """The Saudi public holidays: both Eids from the Umm al-Qura calendar, Founding Day and
    National Day. Returns (name, first day, last day) tuples."""
    holidays = []
    for year in hijri_years:
        holidays.append((f"عيد الفطر {year}هـ", _hijri(year, 10, 1), _hijri(year, 10, 4)))
        holidays.append((f"عيد الأضحى {year}هـ", _hijri(year, 12, 9), _hijri(year, 12, 12)))
    for year in gregorian_years:
        holidays.append((f"يوم التأسيس {year}", date(year, 2, 22), date(year, 2, 22)))
        holidays.append((f"اليوم الوطني {year}", date(year, 9, 23), date(year, 9, 23)))
    return holidays


def _hijri(year: int, month: int, day: int) -> date:
    gregorian = Hijri(year, month, day).to_gregorian()
    return date(gregorian.year, gregorian.month, gregorian.day)


def _load_holidays() -> None:
    for name, start, end in demo_holidays():
        PublicHoliday.objects.get_or_create(name=name, start_date=start, defaults={"end_date": end})


def _load_user(
    username: str,
    first_name: str,
    last_name: str,
    role: roles.Role,
    department_code: str,
    centre_names: Iterable[str],
    *,
    departments: dict[str, Department],
    centres: dict[str, Centre],
) -> bool:
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return False
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@example.org",
        is_staff=role in roles.ADMIN_SITE_ROLES,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role.group_name))
    profile = StaffProfile.objects.create(user=user, department=departments[department_code])
    profile.centres.set(centres[name] for name in centre_names)
    return True


def _load_admin() -> bool:
    User = get_user_model()
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        return False
    User.objects.create_superuser(
        username=ADMIN_USERNAME,
        email="admin@example.org",
        password=DEMO_PASSWORD,
        first_name="مدير",
        last_name="النظام",
    )
    return True
