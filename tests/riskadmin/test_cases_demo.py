"""The demo's case: in progress, the risk officer's, with her comment and bob's appeal."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import RestrictionAppeal
from risk.cases.models import EntryKind
from risk.models import Case

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_case_in_progress_with_a_comment_and_an_appeal():
    call_command("seed_demo")
    call_command("seed_demo")  # a second run adds nothing
    case = Case.objects.get(user__email="bob@demo.local", status="in_progress")
    assert case.assignee is not None
    assert case.assignee.email == "risk@demo.local"
    assert case.entries.filter(kind=EntryKind.COMMENT).count() == 1
    assert case.entries.filter(kind=EntryKind.APPEAL).count() == 1
    assert RestrictionAppeal.objects.filter(user__email="bob@demo.local").count() == 1
