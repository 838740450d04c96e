"""The inbox and one case: thin views, one service call each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import AppealStatus
from accounts.selectors.appeals import restriction_rows
from core.errors import DomainError
from risk.cases import services
from risk.cases.models import Case
from risk.cases.selectors import (
    INBOX_ROWS,
    InboxFilters,
    case_alerts,
    case_get,
    case_timeline,
    case_workers,
    inbox,
    is_overdue,
    time_left,
)

from .. import actions
from ..access import console_view, staff
from ..forms import ActionForm, AnswerForm, CloseForm, CommentForm, InboxFilterForm, StatusForm
from ..words import sla_text


@console_view()
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = InboxFilters(
        mine=bool(data.get("mine")),
        unassigned=bool(data.get("unassigned")),
        overdue=bool(data.get("overdue")),
        status=data.get("status") or "",
    )
    now = timezone.now()
    rows = [
        {
            "case": case,
            "overdue": is_overdue(case, now),
            "sla": sla_text(time_left(case, now)) if case.is_open else "",
        }
        for case in inbox(viewer=staff(request), filters=filters)[:INBOX_ROWS]
    ]
    # a filter changed on the page: only the rows
    partial = bool(getattr(request, "htmx", False))
    template = "riskadmin/console/_inbox_rows.html" if partial else "riskadmin/console/inbox.html"
    return render(request, template, {"form": form, "rows": rows})


def _case_or_404(case_id: int) -> Case:
    case = case_get(case_id=case_id)
    if case is None:
        raise Http404
    return case


def _page_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    now = timezone.now()
    rows = restriction_rows(user=case.user)
    return {
        "case": case,
        "own": case.user_id == request.user.pk,
        "overdue": is_overdue(case, now),
        "sla": sla_text(time_left(case, now)) if case.is_open else "",
        "alerts": case_alerts(case=case),
        "timeline": case_timeline(case=case),
        "restrictions": rows,
        "open_appeals": [a for row in rows for a in row.appeals if a.status == AppealStatus.OPEN],
        "workers": case_workers(),
        "comment_form": CommentForm(),
        "status_form": StatusForm(initial={"status": case.status}),
        "close_form": CloseForm(),
        "action_form": ActionForm(),
        "can_change": services.can_change_cases(request.user),
    }


@console_view()
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(case_id)
    return render(request, "riskadmin/console/case.html", _page_context(request, case))


def _errors(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    if isinstance(error, DomainError):
        return [str(error.message)]
    return [str(error) or _("Your role may not do this.")]


def _write(request: HttpRequest, case_id: int, act: Callable[[Case], str | None]) -> HttpResponse:
    """Run one write on the case: refused outright (403) on one's own account; a refusal of
    the service is shown on the case page, where nothing changed."""
    case = _case_or_404(case_id)
    services.require_may_work(actor=staff(request), case=case)
    try:
        done = act(case)
    except (ValidationError, DomainError, PermissionDenied) as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        if done:
            messages.success(request, done)
    return redirect("console:case", case_id=case.pk)


def _form_error(form: Any) -> ValidationError:
    return ValidationError([str(e) for errors in form.errors.values() for e in errors])


@console_view(change=True)
@require_POST
def case_comment(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case) -> str:
        form = CommentForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        services.case_comment(actor=staff(request), case=case, text=form.cleaned_data["text"])
        return _("Comment added.")

    return _write(request, case_id, act)


@console_view(change=True)
@require_POST
def case_take(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case) -> str:
        services.case_assign(actor=staff(request), case=case, assignee=staff(request))
        return _("The case is yours.")

    return _write(request, case_id, act)


@console_view(change=True)
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case) -> str:
        picked = request.POST.get("assignee") or ""
        assignee = case_workers().filter(pk=int(picked)).first() if picked.isdigit() else None
        if picked and assignee is None:
            raise ValidationError(_("Choose a staff member who works cases."))
        services.case_assign(actor=staff(request), case=case, assignee=assignee)
        return _("Assignment saved.")

    return _write(request, case_id, act)


@console_view(change=True)
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case) -> str:
        form = StatusForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        services.case_set_status(
            actor=staff(request), case=case, status=form.cleaned_data["status"]
        )
        return _("Status saved.")

    return _write(request, case_id, act)


@console_view(change=True)
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case) -> str:
        form = CloseForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        services.case_close(
            actor=staff(request),
            case=case,
            resolution=form.cleaned_data["resolution"],
            note=form.cleaned_data["note"],
        )
        return _("The case is closed.")

    return _write(request, case_id, act)


@console_view(change=True)
@require_POST
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case) -> str:
        form = ActionForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        data, actor = form.cleaned_data, staff(request)
        common = {"actor": actor, "case": case, "reason": data["reason"], "request": request}
        match data["action"]:
            case actions.Action.RESTRICT:
                actions.case_restrict(kind=data["kind"], until=data["until"], **common)
            case actions.Action.FREEZE_WITHDRAWALS:
                actions.case_freeze_withdrawals(**common)
            case actions.Action.LIFT:
                if data["restriction_id"] is None:
                    raise ValidationError(_("Choose the restriction to lift."))
                actions.case_lift(restriction_id=data["restriction_id"], **common)
            case actions.Action.ADS_OFFLINE:
                actions.case_ads_offline(**common)
            case actions.Action.SUSPEND_MERCHANT:
                actions.case_suspend_merchant(**common)
            case actions.Action.BLACKLIST:
                actions.case_blacklist(value=data["value"], **common)
        return _("Done: it is on the case's timeline.")

    return _write(request, case_id, act)


@console_view(change=True)
@require_POST
def case_answer(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: Case) -> str:
        form = AnswerForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        actions.case_answer_appeal(
            actor=staff(request),
            case=case,
            appeal_id=form.cleaned_data["appeal_id"],
            answer=form.cleaned_data["answer"],
            request=request,
        )
        return _("The answer is sent.")

    return _write(request, case_id, act)
