"""The staff console's records: the operation log (riskadmin/oplog) and the merchants' daily
risk scores (riskadmin/merchant_risk)."""

from riskadmin.merchant_risk.records import MerchantRiskScore, ProposedAction
from riskadmin.oplog.records import OperationEvent, StaffAction
from riskadmin.oplog.tracking import EVENT_MODELS

__all__ = ["EVENT_MODELS", "MerchantRiskScore", "OperationEvent", "ProposedAction", "StaffAction"]
