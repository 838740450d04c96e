"""The staff console's records: the operation log (riskadmin/oplog) and role grants
(riskadmin/grants)."""

from riskadmin.grants.records import GrantAction, GrantKind, RoleGrant
from riskadmin.oplog.records import OperationEvent, StaffAction
from riskadmin.oplog.tracking import EVENT_MODELS

__all__ = [
    "EVENT_MODELS",
    "GrantAction",
    "GrantKind",
    "OperationEvent",
    "RoleGrant",
    "StaffAction",
]
