"""Accounts: users and everything that secures and identifies them."""

from .activity import Notification, TradeDay
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
    "SecurityEvent",
    "TradeDay",
    "User",
    "UserPaymentMethod",
]
