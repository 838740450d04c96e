"""The public profile (/u/<nickname>/), blocking from it, and the user's own profile page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError

from ..forms import NicknameForm, PreferencesForm
from ..models import User
from ..selectors import (
    block_made,
    blocks_made,
    has_blocked,
    nickname_next_change_at,
    public_stats,
    user_by_nickname,
)
from ..services import preferences
from ..services import profiles as services


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _profile_user(nickname: str) -> User:
    found = user_by_nickname(nickname=nickname)
    if found is None:
        raise Http404(_("No one has that nickname."))
    return found


@require_GET
def public_profile(request: HttpRequest, nickname: str) -> HttpResponse:
    person = _profile_user(nickname)
    if person.nickname != nickname:  # one address per person, whatever case was typed
        return redirect("accounts:public_profile", nickname=person.nickname)
    viewer = _me(request) if request.user.is_authenticated else None
    is_self = viewer is not None and viewer.pk == person.pk
    can_block = viewer is not None and not is_self
    context = {
        "person": person,
        "stats": public_stats(user=person),
        "is_self": is_self,
        "can_block": can_block,
        "blocked": viewer is not None and can_block and has_blocked(user=viewer, other=person),
    }
    return render(request, "accounts/profile/public.html", context)


@login_required
@require_POST
def block(request: HttpRequest, nickname: str) -> HttpResponse:
    person = _profile_user(nickname)
    try:
        services.block_user(actor=_me(request), other=person)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You blocked %(name)s: you will not trade with each other.")
            % {"name": person.public_name},
        )
    return redirect("accounts:public_profile", nickname=person.nickname)


@login_required
@require_POST
def unblock(request: HttpRequest, nickname: str) -> HttpResponse:
    person = _profile_user(nickname)
    try:
        services.unblock_user(actor=_me(request), other=person)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You unblocked %(name)s.") % {"name": person.public_name})
    return redirect("accounts:public_profile", nickname=person.nickname)


def _render_edit(
    request: HttpRequest, form: NicknameForm, prefs: PreferencesForm | None = None
) -> HttpResponse:
    user = _me(request)
    if prefs is None:
        prefs = PreferencesForm(initial={"language": user.language, "time_zone": user.time_zone})
    context = {
        "form": form,
        "prefs": prefs,
        "rule": services.nickname_rule(),
        "next_change": nickname_next_change_at(user=user),
        "blocks": list(blocks_made(user=user)),
    }
    return render(request, "accounts/profile/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if request.method != "POST":
        return _render_edit(request, NicknameForm(initial={"nickname": user.nickname or ""}))
    form = NicknameForm(request.POST)
    if form.is_valid():
        try:
            services.nickname_set(actor=user, nickname=form.cleaned_data["nickname"])
        except DomainError as error:
            form.add_error("nickname", error.message)
        else:
            messages.success(request, _("Your nickname is now %(name)s.") % {"name": user.nickname})
            return redirect("accounts:profile_edit")
    return _render_edit(request, form)


@login_required
@require_POST
def profile_preferences(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    prefs = PreferencesForm(request.POST)
    if prefs.is_valid():
        try:
            preferences.preferences_set(
                actor=user,
                language=prefs.cleaned_data["language"],
                time_zone=prefs.cleaned_data["time_zone"],
            )
        except DomainError as error:
            prefs.add_error(None, error.message)
        else:
            # the confirmation is already in the chosen language
            with translation.override(user.language or translation.get_language()):
                messages.success(request, _("Your language and time zone are saved."))
            response = redirect("accounts:profile_edit")
            preferences.remember_language(response, user.language)
            return response
    nickname = NicknameForm(initial={"nickname": user.nickname or ""})
    return _render_edit(request, nickname, prefs)


@login_required
@require_POST
def profile_unblock(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    found = block_made(user=user, pk=pk)
    if found is None:
        raise Http404(_("No such block."))
    try:
        services.unblock_user(actor=user, other=found.blocked)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("You unblocked %(name)s.") % {"name": found.blocked.public_name}
        )
    return redirect("accounts:profile_edit")


urlpatterns: list[URLPattern] = [
    path("u/<str:nickname>/", public_profile, name="public_profile"),
    path("u/<str:nickname>/block/", block, name="block_user"),
    path("u/<str:nickname>/unblock/", unblock, name="unblock_user"),
    path("profile/", profile_edit, name="profile_edit"),
    path("profile/preferences/", profile_preferences, name="profile_preferences"),
    path("profile/blocked/<int:pk>/unblock/", profile_unblock, name="profile_unblock"),
]
