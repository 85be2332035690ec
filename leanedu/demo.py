"""Demo data of the shared kernel: the region, Troitsk, its schools and
kindergartens, and one demo account for every role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model

from leanedu.models import Membership, Organization, OrganizationKind
from leanedu.roles import Role

REGION_MINISTRY = "Минобрнауки Челябинской области"
TROITSK_DEPARTMENT = "Управление образования г. Троицка"
SYNTHETIC_PREFIX = "Синтетический МО"

TROITSK_ORGANIZATIONS = [
    # (short name, full name, kind)
    (
        "МАОУ «СОШ № 13»",
        "Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная школа № 13 г. Троицка»",
        OrganizationKind.SCHOOL,
    ),
    (
        "МОУ «СОШ № 15»",
        "Муниципальное общеобразовательное учреждение «Средняя общеобразовательная школа № 15 г. Троицка»",
        OrganizationKind.SCHOOL,
    ),
    (
        "МОУ «Гимназия № 23»",
        "Муниципальное общеобразовательное учреждение «Гимназия № 23 г. Троицка»",
        OrganizationKind.SCHOOL,
    ),
    (
        "МОУ «СОШ № 7»",
        "Муниципальное общеобразовательное учреждение «Средняя общеобразовательная школа № 7 г. Троицка»",
        OrganizationKind.SCHOOL,
    ),
    (
        "МОУ «СОШ № 10»",
        "Муниципальное общеобразовательное учреждение «Средняя общеобразовательная школа № 10 г. Троицка»",
        OrganizationKind.SCHOOL,
    ),
    (
        "МОУ «Лицей № 17»",
        "Муниципальное общеобразовательное учреждение «Лицей № 17 г. Троицка»",
        OrganizationKind.SCHOOL,
    ),
    (
        "МОУ «ООШ № 5»",
        "Муниципальное общеобразовательное учреждение «Основная общеобразовательная школа № 5 г. Троицка»",
        OrganizationKind.SCHOOL,
    ),
    (
        "МДОУ «Детский сад № 4»",
        "Муниципальное дошкольное образовательное учреждение «Детский сад № 4 г. Троицка»",
        OrganizationKind.KINDERGARTEN,
    ),
    (
        "МДОУ «Детский сад № 16»",
        "Муниципальное дошкольное образовательное учреждение «Детский сад № 16 г. Троицка»",
        OrganizationKind.KINDERGARTEN,
    ),
    (
        "МДОУ «Детский сад № 21»",
        "Муниципальное дошкольное образовательное учреждение «Детский сад № 21 г. Троицка»",
        OrganizationKind.KINDERGARTEN,
    ),
    (
        "МДОУ «Центр развития ребёнка — детский сад № 8»",
        "Муниципальное дошкольное образовательное учреждение «Центр развития ребёнка — детский сад № 8 г. Троицка»",
        OrganizationKind.KINDERGARTEN,
    ),
    (
        "МУ ДО «Дом детского творчества»",
        "Муниципальное учреждение дополнительного образования «Дом детского творчества г. Троицка»",
        OrganizationKind.SUPPLEMENTARY,
    ),
]

# username, first name, last name, role, organisation short name
DEMO_ACCOUNTS = [
    ("office", "Ольга", "Петрова", Role.OFFICE, TROITSK_DEPARTMENT),
    ("admin", "Андрей", "Смирнов", Role.ADMIN, TROITSK_DEPARTMENT),
    ("official", "Елена", "Кузнецова", Role.OFFICIAL, TROITSK_DEPARTMENT),
    ("region", "Игорь", "Волков", Role.OFFICIAL, REGION_MINISTRY),
    ("coordinator", "Марина", "Соколова", Role.COORDINATOR, "МАОУ «СОШ № 13»"),
    ("coordinator2", "Татьяна", "Морозова", Role.COORDINATOR, "МДОУ «Детский сад № 4»"),
]

# Who prepares the official report: position and work phone for its signature block.
DEMO_POSITIONS = {
    "official": ("Главный специалист Управления образования", "+7 (35163) 2-21-43"),
    "region": ("Консультант отдела общего образования", "+7 (351) 263-88-07"),
}


@dataclass
class SeedContext:
    """Shared state of one seed_demo run, handed to every app's demo module."""

    stdout: object = None
    style: object = None
    region_municipalities: int = 0
    orgs_per_municipality: int = 45
    port: int = 8000  # where `make run` serves, for the sign-in line
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    _password: str | None = None

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    @property
    def password(self) -> str:
        """DEMO_PASSWORD, else one generated once and kept in var/."""
        if self._password is None:
            if settings.DEMO_PASSWORD:
                self._password = settings.DEMO_PASSWORD
            else:
                path = settings.VAR_DIR / "demo_password"
                if path.exists():
                    self._password = path.read_text().strip()
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    self._password = secrets.token_urlsafe(9)
                    path.write_text(self._password)
        return self._password

    def org(self, short_name: str) -> Organization:
        return Organization.objects.get(short_name=short_name)

    def troitsk(self) -> Organization:
        return self.org(TROITSK_DEPARTMENT)

    def print_accounts(self) -> None:
        if not self.accounts:
            return
        self.log("")
        self.log("Демо-учётные записи (пароль у всех один):")
        for username, role, org in self.accounts:
            self.log(f"  {username:<13} {role} — {org}")
        self.log(f"  пароль: {self.password}")
        port = self.port
        self.log(
            f"Вход: http://127.0.0.1:{port}/accounts/login/   админка: http://127.0.0.1:{port}/{settings.ADMIN_URL}"
        )


def seed(ctx: SeedContext) -> None:
    region, _ = Organization.objects.get_or_create(
        short_name=REGION_MINISTRY,
        parent=None,
        defaults={
            "full_name": "Министерство образования и науки Челябинской области",
            "kind": OrganizationKind.REGION_AUTHORITY,
            "website": "https://minobr74.ru",
            "address": "454113, г. Челябинск, пл. Революции, д. 4",
            "head_position": "Министр образования и науки Челябинской области",
            "head_name": "А. И. Кравченко",
        },
    )
    troitsk, _ = Organization.objects.get_or_create(
        short_name=TROITSK_DEPARTMENT,
        parent=region,
        defaults={
            "full_name": "Управление образования администрации города Троицка Челябинской области",
            "kind": OrganizationKind.MUNICIPAL_AUTHORITY,
            "address": "457100, Челябинская обл., г. Троицк, ул. им. В. И. Ленина, д. 19",
            "head_position": "Начальник Управления образования администрации города Троицка",
            "head_name": "С. В. Иванова",
        },
    )
    for short_name, full_name, kind in TROITSK_ORGANIZATIONS:
        Organization.objects.get_or_create(
            short_name=short_name, parent=troitsk, defaults={"full_name": full_name, "kind": kind}
        )
    _seed_accounts(ctx)


def _seed_accounts(ctx: SeedContext) -> None:
    from leanedu.services import membership_grant

    User = get_user_model()
    for username, first_name, last_name, role, org_name in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": f"{username}@example.org"},
        )
        if created or not user.check_password(ctx.password):
            user.set_password(ctx.password)
            user.save()
        organization = ctx.org(org_name)
        membership = membership_grant(actor=None, user=user, organization=organization, role=role)
        position, phone = DEMO_POSITIONS.get(username, ("", ""))
        if position and not membership.position:
            Membership.objects.filter(pk=membership.pk).update(position=position, phone=phone)
        ctx.accounts.append((username, str(Role(role).label), organization.short_name))


def seed_region(ctx: SeedContext) -> None:
    """N synthetic municipalities with ~45 organisations each (bulk inserts)."""
    region = Organization.objects.get(short_name=REGION_MINISTRY, parent=None)
    kinds = [OrganizationKind.SCHOOL] * 25 + [OrganizationKind.KINDERGARTEN] * 17 + [OrganizationKind.SUPPLEMENTARY] * 3
    for n in range(1, ctx.region_municipalities + 1):
        name = f"{SYNTHETIC_PREFIX} № {n:03d}"
        muni, created = Organization.objects.get_or_create(
            short_name=name,
            parent=region,
            defaults={"full_name": f"Управление образования ({name})", "kind": OrganizationKind.MUNICIPAL_AUTHORITY},
        )
        if not created and muni.children.exists():
            continue
        Organization.objects.bulk_create(
            [
                Organization(
                    short_name=f"ОО № {i:02d} ({name})",
                    full_name=f"Образовательная организация № {i:02d} ({name})",
                    kind=kinds[(i - 1) % len(kinds)],
                    parent=muni,
                    municipality=muni,
                )
                for i in range(1, ctx.orgs_per_municipality + 1)
            ]
        )
    ctx.log(f"region: {Organization.objects.filter(municipality__parent=region).count()} organisations")
