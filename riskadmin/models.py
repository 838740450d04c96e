"""The staff console's records: the operation log (riskadmin/oplog)."""

from riskadmin.oplog.records import OperationEvent, StaffAction
from riskadmin.oplog.tracking import EVENT_MODELS

__all__ = ["EVENT_MODELS", "OperationEvent", "StaffAction"]
