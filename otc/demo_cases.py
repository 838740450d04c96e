"""The demo's case console: bob's case in progress, worked by the risk officer, with her
comment, and his appeal against the withdrawal pause she set while she looks. Running it again
adds nothing."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from accounts.models import Restriction, RestrictionAppeal, User
from accounts.models.security import RestrictionKind
from accounts.services.appeals import restriction_appeal_send
from accounts.services.security import restrict
from risk.cases import services as cases
from risk.cases.models import Case, CaseStatus, EntryKind
from risk.cases.selectors import open_case_for
from risk.engine import REGISTRY, Hit, report
from risk.rules import Outcome

PAUSE_REASON = "We are checking your recent withdrawal to a new address."
APPEAL = "The address is my own wallet at another exchange; I can send a screenshot of it."
COMMENT = "Withdrawal to a first-time address a day after sign-up; asked bob for proof."


def _case_permissions(staff: User) -> None:
    """The demo risk officer works cases (the case permissions beside her role's)."""
    found = Permission.objects.filter(
        content_type__app_label="risk", codename__in=["view_case", "change_case"]
    )
    staff.user_permissions.add(*found)


def _bobs_case(bob: User) -> Case:
    case = open_case_for(user=bob) or Case.objects.filter(user=bob).first()
    if case is not None:
        return case
    report(
        rule=REGISTRY["first_to_address"],
        user_id=bob.pk,
        subject="demo:first-withdrawal",
        hit=Hit(Outcome.REVIEW, "First withdrawal to this address, 1 day after sign-up"),
    )
    found = open_case_for(user=bob)
    assert found is not None
    return found


def seed_cases(*, people: dict[str, User]) -> None:
    rita, bob = people["risk@demo.local"], people["bob@demo.local"]
    _case_permissions(rita)
    rita = User.objects.get(pk=rita.pk)  # permissions are cached on the instance
    case = _bobs_case(bob)
    if not case.is_open:
        return
    if case.assignee_id is None:
        case = cases.case_assign(actor=rita, case=case, assignee=rita)
    if case.status != CaseStatus.IN_PROGRESS:
        case = cases.case_set_status(actor=rita, case=case, status=CaseStatus.IN_PROGRESS)
    if not case.entries.filter(kind=EntryKind.COMMENT).exists():
        cases.case_comment(actor=rita, case=case, text=COMMENT)
    pause = Restriction.objects.filter(user=bob, reason=PAUSE_REASON).first()
    if pause is None:
        pause = restrict(user=bob, kind=RestrictionKind.WITHDRAW, reason=PAUSE_REASON, actor=rita)
    if not RestrictionAppeal.objects.filter(restriction=pause).exists():
        restriction_appeal_send(actor=bob, restriction_id=pause.pk, text=APPEAL)
