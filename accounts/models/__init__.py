"""Accounts: users and everything that secures and identifies them."""

from .activity import Notification, TradeDay
from .appeals import AppealStatus, RestrictionAppeal
from .kyc import KycDocument, KycLimit, KycSubmission
from .payments import PaymentMethodType, PaymentRiskClass, UserPaymentMethod
from .security import (
    FundPassword,
    FundPasswordAttempt,
    FundPasswordReset,
    LoginRecord,
    Restriction,
    SecurityEvent,
)
from .users import Block, User

__all__ = [
    "AppealStatus",
    "Block",
    "FundPassword",
    "FundPasswordAttempt",
    "FundPasswordReset",
    "KycDocument",
    "KycLimit",
    "KycSubmission",
    "LoginRecord",
    "Notification",
    "PaymentMethodType",
    "PaymentRiskClass",
    "Restriction",
    "RestrictionAppeal",
    "SecurityEvent",
    "TradeDay",
    "User",
    "UserPaymentMethod",
]
