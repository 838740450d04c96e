"""The staff console's records: the operation log (riskadmin/oplog), the merchants' daily risk
scores (riskadmin/merchant_risk) and role grants (riskadmin/grants)."""

from riskadmin.grants.records import GrantAction, GrantKind, RoleGrant
from riskadmin.merchant_risk.records import MerchantRiskScore, ProposedAction
from riskadmin.oplog.records import OperationEvent, StaffAction
from riskadmin.oplog.tracking import EVENT_MODELS

__all__ = [
    "EVENT_MODELS",
    "GrantAction",
    "GrantKind",
    "MerchantRiskScore",
    "OperationEvent",
    "ProposedAction",
    "RoleGrant",
    "StaffAction",
]
