"""Demo data for `make run`: reference data, staff accounts, merchants and users with funds,
and a few trades."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import KycLimit, KycSubmission, User
from accounts.models.kyc import KycLevel, KycStatus
from core.models import FiatCurrency
from disputes.models import ApprovalThreshold
from escrow import services as ledger
from escrow.models import Asset, Network
from risk.engine.services import rule_setting_change
from risk.models import Mode, RuleSetting

from .demo_cases import seed_cases
from .demo_link_risk import seed_link_risk
from .demo_market import seed_market
from .demo_operations import seed_operations
from .demo_roles import seed_roles
from .demo_scans import seed_scans
from .demo_trade_risk import seed_trade_risk
from .demo_trades import seed_trades
from .demo_wallet import seed_wallet

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for people trying the demo

ASSETS = [("USDT", "Tether USD", 6), ("BTC", "Bitcoin", 8), ("ETH", "Ether", 18)]
TRON = r"^T[1-9A-HJ-NP-Za-km-z]{33}$"
EVM = r"^0x[0-9a-fA-F]{40}$"
BITCOIN = r"^(bc1[02-9ac-hj-np-z]{11,71}|[13][1-9A-HJ-NP-Za-km-z]{25,34})$"
# (asset, code, name, confirmations, minimum deposit, withdrawal min, max, fee, address pattern)
NETWORKS = [
    ("USDT", "tron", "TRON (TRC-20)", 20, "1", "10", "100000", "1", TRON),
    ("USDT", "ethereum", "Ethereum (ERC-20)", 12, "5", "20", "100000", "5", EVM),
    ("BTC", "bitcoin", "Bitcoin", 2, "0.0001", "0.001", "5", "0.0002", BITCOIN),
    ("ETH", "ethereum", "Ethereum", 12, "0.005", "0.01", "100", "0.002", EVM),
]
FIATS = [
    ("HKD", "Hong Kong dollar", "HK$", 2),
    ("CNY", "Chinese yuan", "¥", 2),
    ("USD", "US dollar", "$", 2),
]


# The demo admin's authenticator secret: staff need 2FA to reach the admin. Add it to any
# authenticator app (or compute codes with `oathtool --totp -b <secret>`).
DEMO_ADMIN_TOTP_SECRET = "OTCDEMOADMINTOTP"  # noqa: S105 - demo only

# Daily fiat limits per KYC level (levels 0, 1, 2), in each currency's own units.
KYC_LIMITS = {
    "HKD": ("0", "80000", "800000"),
    "CNY": ("0", "70000", "700000"),
    "USD": ("0", "10000", "100000"),
}


# A decision on an order above these totals needs a second staff member's approval (another
# arbiter); the demo's open dispute (500 HKD) is under it, so one arbiter finishes it alone.
APPROVAL_THRESHOLDS = {"HKD": "10000", "CNY": "10000", "USD": "1500"}
# the staff role each demo staff member holds (riskadmin/roles.py)
STAFF_ROLES = {
    "support@demo.local": "Customer service",
    "risk@demo.local": "Risk analyst",
    "finance@demo.local": "Finance",
}


@dataclass(frozen=True)
class DemoPerson:
    email: str
    nickname: str
    legal_name: str
    role: str
    balances: dict[str, str]
    staff: bool = False
    superuser: bool = False
    # what their pages, mail and notifications speak, and the clock they read (blank: browser's)
    language: str = ""
    time_zone: str = ""

    @property
    def speaks(self) -> str:
        """How the demo's login list describes the person's language and time zone."""
        return f"{self.language}, {self.time_zone}" if self.language else ""


PEOPLE = [
    DemoPerson(
        "admin@demo.local", "ops_admin", "Olivia Admin", "staff (superuser)", {}, True, True
    ),
    DemoPerson("support@demo.local", "cs_sam", "Sam Support", "staff (customer service)", {}, True),
    DemoPerson(
        "risk@demo.local", "risk_rita", "Rita Risk", "staff (risk analyst: alerts, KYC)", {}, True
    ),
    DemoPerson(
        "finance@demo.local",
        "fin_fay",
        "Fay Finance",
        "staff (finance: withdrawal review)",
        {},
        True,
    ),
    DemoPerson(
        "merchant.alpha@demo.local",
        "AlphaOTC",
        "Alpha Trading Limited",
        "merchant",
        {"USDT": "250000", "BTC": "3", "ETH": "40"},
    ),
    DemoPerson(
        "merchant.beta@demo.local",
        "BetaDesk",
        "Beta Digital Services",
        "merchant",
        {"USDT": "180000", "BTC": "2", "ETH": "25"},
        language="zh-hans",
        time_zone="Asia/Shanghai",
    ),
    DemoPerson(
        "merchant.gamma@demo.local",
        "GammaFX",
        "Gamma Exchange Co",
        "merchant",
        {"USDT": "150000", "BTC": "4", "ETH": "50"},
    ),
    DemoPerson(
        "merchant.delta@demo.local",
        "DeltaTrade",
        "Delta Trading Ltd",
        "merchant",
        {"USDT": "200000", "BTC": "5", "ETH": "60"},
    ),
    DemoPerson("alice@demo.local", "alice", "Alice Chan", "user", {"USDT": "5000", "BTC": "0.25"}),
    DemoPerson(
        "bob@demo.local",
        "bob_w",
        "Bob Wong",
        "user",
        {"USDT": "1200", "ETH": "1.5"},
        language="zh-hant",
        time_zone="Asia/Hong_Kong",
    ),
]


def _person(spec: DemoPerson) -> User:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        username = spec.email.split("@")[0].replace(".", "_")
        user = User(email=spec.email, username=username)
        user.set_password(DEMO_PASSWORD)
        user.is_staff, user.is_superuser = spec.staff, spec.superuser
        user.nickname = spec.nickname
        user.language, user.time_zone = spec.language, spec.time_zone
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=spec.email, defaults={"verified": True, "primary": True}
    )
    KycSubmission.objects.get_or_create(
        user=user,
        level=KycLevel.IDENTITY,
        status=KycStatus.APPROVED,
        defaults={
            "legal_name": spec.legal_name,
            "country": "HK",
            "id_type": "passport",
            "id_number": f"DEMO{user.pk:05d}",
            "reviewed_at": timezone.now(),
        },
    )
    if spec.staff and not Authenticator.objects.filter(user=user, type="totp").exists():
        TOTP.activate(user, DEMO_ADMIN_TOTP_SECRET)
    return user


def _staff_roles(users: dict[str, User]) -> None:
    """Each demo staff member in their role's group (the groups come with the migrations)."""
    for email, role in STAFF_ROLES.items():
        group = Group.objects.filter(name=role).first()
        if group is not None and email in users:
            users[email].groups.add(group)


def _shadow_rule(admin: User) -> None:
    """One rule on trial, so the rule settings show a mode other than active."""
    if not RuleSetting.objects.filter(code="order_above_own_median").exists():
        rule_setting_change(
            actor=admin,
            code="order_above_own_median",
            mode=Mode.SHADOW,
            params={},
            reason="On trial: recorded as alerts before it acts.",
        )


def seed() -> list[DemoPerson]:
    """Create what is missing; running it again changes nothing (deposits replay their keys)."""
    with transaction.atomic(durable=True):
        assets = {}
        for symbol, name, precision in ASSETS:
            assets[symbol], _ = Asset.objects.get_or_create(
                symbol=symbol, defaults={"name": name, "precision": precision}
            )
        for symbol, code, name, confirmations, least, low, high, fee, pattern in NETWORKS:
            Network.objects.get_or_create(
                asset=assets[symbol],
                code=code,
                defaults={
                    "name": name,
                    "confirmations": confirmations,
                    "min_deposit": Decimal(least),
                    "withdraw_min": Decimal(low),
                    "withdraw_max": Decimal(high),
                    "withdraw_fee": Decimal(fee),
                    "address_pattern": pattern,
                },
            )
        for code, name, sign, minor in FIATS:
            fiat, _ = FiatCurrency.objects.get_or_create(
                code=code, defaults={"name": name, "symbol": sign, "minor_units": minor}
            )
            for level, limit in enumerate(KYC_LIMITS[code]):
                KycLimit.objects.get_or_create(
                    level=level, fiat=fiat, defaults={"daily_limit": Decimal(limit)}
                )
            ApprovalThreshold.objects.get_or_create(
                fiat=fiat, defaults={"amount": Decimal(APPROVAL_THRESHOLDS[code])}
            )
        for spec in PEOPLE:
            user = _person(spec)
            for symbol, amount in spec.balances.items():
                ledger.deposit(
                    owner=user,
                    asset=assets[symbol],
                    amount=Decimal(amount),
                    ref=f"demo:{spec.email}",
                    idempotency_key=f"demo-deposit:{spec.email}:{symbol}",
                )
    # merchant services open their own durable transactions, so this step runs after
    admin = User.objects.get(email=PEOPLE[0].email)
    seed_market(admin=admin, legal_names={p.email: p.legal_name for p in PEOPLE})
    users = {u.email: u for u in User.objects.filter(email__in=[p.email for p in PEOPLE])}
    _staff_roles(users)
    _shadow_rule(admin)
    seed_trades(people=users)
    seed_trade_risk(people=users)
    seed_wallet(people=users, admin=admin)
    seed_link_risk(people=users, admin=admin)
    seed_scans(people=users)
    seed_cases(people=users)
    seed_operations(admin=admin)
    return [*PEOPLE, *seed_roles(people=users)]
