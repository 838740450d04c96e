"""Feedback pages: the form on a released order (htmx swaps the section in place; without
JavaScript it posts and comes back to the order), and the public list of what a user received
(/u/<nickname>/feedback/). Thin: parse, call the feedback services, render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.selectors import public_stats, user_by_nickname
from core.errors import DomainError, form_field_for

from .. import selectors, services
from ..forms import FeedbackForm
from ..models import FeedbackRating, Order, OrderFeedback


@dataclass(frozen=True)
class FeedbackSection:
    """What templates/orders/_feedback.html shows on a released order."""

    order: Order
    view: selectors.OrderFeedbackView
    form: FeedbackForm
    counterparty: str  # the other party's public name
    saved: str = ""  # said after a successful htmx submit

    @property
    def mine(self) -> OrderFeedback | None:
        return self.view.mine

    @property
    def theirs(self) -> OrderFeedback | None:
        return self.view.theirs

    @property
    def editable_until(self) -> datetime | None:
        return self.view.editable_until

    @property
    def form_shown(self) -> bool:
        return self.view.can_leave or self.view.can_edit

    @property
    def refusal(self) -> str:
        """Why a submit failed when its form is no longer shown (the edit time has passed)."""
        if self.form_shown or not self.form.is_bound:
            return ""
        return " ".join(str(e) for errors in self.form.errors.values() for e in errors)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def feedback_section(
    *, order: Order, user: User, form: FeedbackForm | None = None, saved: str = ""
) -> FeedbackSection | None:
    """The order page's feedback section; None before the order is released."""
    view = selectors.feedback_for_order(order=order, user=user)
    if view is None:
        return None
    if form is None:
        mine = view.mine
        initial = {"rating": mine.rating, "comment": mine.comment} if mine else {}
        form = FeedbackForm(initial=initial)
    return FeedbackSection(
        order=order,
        view=view,
        form=form,
        counterparty=selectors.counterparty_name(order=order, user=user),
        saved=saved,
    )


@never_cache
@login_required
@require_POST
def feedback_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    """Leave feedback on a released order, or change one's own while it may change."""
    user = _user(request)
    order = selectors.order_for_party(user=user, public_id=public_id)
    if order is None:
        raise Http404("There is no such order.")
    form = FeedbackForm(request.POST)
    saved = ""
    if form.is_valid():
        arguments = {
            "actor": user,
            "public_id": order.public_id,
            "rating": form.cleaned_data["rating"],
            "comment": form.cleaned_data["comment"],
        }
        had_given = selectors.feedback_for_order(order=order, user=user)
        editing = had_given is not None and had_given.mine is not None
        try:
            if editing:
                services.feedback_edit(**arguments)
            else:
                services.feedback_leave(**arguments)
        except DomainError as error:
            form.add_error(form_field_for(error, form.fields), error.message)
        else:
            saved = _("Feedback updated.") if editing else _("Thank you: your feedback is saved.")
            form = None  # type: ignore[assignment]  # show the section afresh
    if not getattr(request, "htmx", None):
        if saved:
            messages.success(request, saved)
        else:
            errors = [str(e) for errors in form.errors.values() for e in errors]
            messages.error(request, " ".join(errors) or _("The feedback was not saved."))
        return redirect("orders:detail", public_id=order.public_id)
    section = feedback_section(order=order, user=user, form=form, saved=saved)
    if section is None:  # not released (any more): nothing to show in place of the section
        return HttpResponse(status=204)
    return render(request, "orders/_feedback.html", {"feedback": section, "order": order})


# --- the public list: /u/<nickname>/feedback/ -----------------------------------------------

TABS = (FeedbackRating.POSITIVE, FeedbackRating.NEGATIVE)


@require_GET
def feedback_received_list(request: HttpRequest, nickname: str) -> HttpResponse:
    """What a user was told after their trades, positive or negative, newest first."""
    person = user_by_nickname(nickname=nickname)
    if person is None:
        raise Http404("No one has that nickname.")
    if person.nickname != nickname:  # one address per person, whatever case was typed
        return redirect("feedback:received", nickname=person.nickname)
    tab = request.GET.get("tab", "")
    tab = tab if tab in TABS else FeedbackRating.POSITIVE
    page = selectors.feedback_page(user=person, rating=tab, page_number=request.GET.get("page"))
    context = {
        "person": person,
        "stats": public_stats(user=person),
        "tab": tab,
        "tabs": [(value, FeedbackRating(value).label) for value in TABS],
        "page": page,
        "rows": selectors.public_rows(page),
        "query": f"tab={tab}",
    }
    # the page links swap only the list (hx-select), so one template serves both
    return render(request, "orders/feedback_list.html", context)
