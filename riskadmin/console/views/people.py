"""The 360 view of one person."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import User

from ..access import console_view
from ..people import person_view


@console_view()
@require_GET
def person_page(request: HttpRequest, user_id: int) -> HttpResponse:
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise Http404
    return render(request, "riskadmin/console/person.html", {"view": person_view(person=person)})
