"""`decide`: every rule of a decision point, in its mode, for one action.

Active hits act, shadow hits are only recorded; both become alerts, written in the caller's
transaction so they stand or fall with the action. A rule that raises or runs past its time
budget counts as review (an alert says so): an error never lets an action through unchecked.
The worst outcome wins."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..rules import Outcome
from .base import Hit, Point, Rule, rules_at
from .facts import Facts
from .models import Alert, AlertStatus, Mode, RuleSetting, RuleSnooze
from .params import resolve
from .refusals import keep_on_refusal

log = logging.getLogger(__name__)

# A rule only reads the facts it is given: anything slower is a bug worth a reviewer's look.
TIME_BUDGET_SECONDS = 0.05


@dataclass(frozen=True)
class RuleHit:
    code: str
    outcome: Outcome
    explanation: str


@dataclass(frozen=True)
class Decision:
    outcome: Outcome = Outcome.ALLOW
    hits: list[RuleHit] = field(default_factory=list)  # the active hits, which act

    @property
    def codes(self) -> list[str]:
        return [hit.code for hit in self.hits]

    @property
    def explanation(self) -> str:
        return "; ".join(hit.explanation for hit in self.hits)


def _attach_to_cases(alerts: list[Alert]) -> None:
    """Each new alert on its person's open case. Imported here: the cases build on the
    engine's models, which load through this package."""
    from ..cases.services import case_attach_alerts

    case_attach_alerts(alerts=alerts)


def _run(rule: Rule, facts: Facts, stored: dict[str, object]) -> tuple[Hit | None, bool]:
    """The rule's hit, and whether it failed (then the hit says so)."""
    started = time.perf_counter()
    try:
        hit = rule.evaluate(facts, resolve(rule.params, stored))
    except Exception as error:  # any failure falls to review, never to allow
        log.exception("risk rule %s failed on %s", rule.code, facts.subject)
        return Hit(Outcome.REVIEW, _("The rule failed: %(error)r") % {"error": error}), True
    elapsed = time.perf_counter() - started
    if elapsed > TIME_BUDGET_SECONDS:
        log.warning("risk rule %s took %.3fs on %s", rule.code, elapsed, facts.subject)
        worst = max(hit.outcome if hit else Outcome.ALLOW, Outcome.REVIEW)
        seen = f" ({hit.explanation})" if hit else ""
        text = _("The rule ran past its time budget (%(ms)d ms)") % {"ms": elapsed * 1000}
        return Hit(worst, text + seen), True
    return hit, False


def rule_setting(rule: type[Rule]) -> tuple[str, dict[str, Any]]:
    """A rule's mode and typed parameters as staff set them (defaults where they have not)."""
    row = RuleSetting.objects.filter(code=rule.code).first()
    if row is None:
        return Mode.ACTIVE, resolve(rule.params, {})
    return row.mode, resolve(rule.params, row.params)


def rules_on(point: Point) -> frozenset[str]:
    """The codes of `point`'s rules that are not off: a caller gathers the facts a rule needs
    only while that rule runs, so a platform with the rules off pays nothing for them."""
    codes = [rule.code for rule in rules_at(point)]
    if not codes:
        return frozenset()
    off = set(
        RuleSetting.objects.filter(code__in=codes, mode=Mode.OFF).values_list("code", flat=True)
    )
    return frozenset(code for code in codes if code not in off)


def any_rule_on(point: Point) -> bool:
    return bool(rules_on(point))


def report(*, rule: type[Rule], user_id: int, subject: str, hit: Hit) -> Alert | None:
    """A hit a periodic scan found, recorded as the rule's alert in its mode. Nothing when the
    rule is off or snoozed for the person, or when an open alert of the rule already stands on
    the same subject: a scan that runs again does not repeat itself. Acting on an active hit
    (a restriction, say) is the scan's caller's part, through the owning app."""
    mode, _params = rule_setting(rule)
    if mode == Mode.OFF or hit.outcome == Outcome.ALLOW:
        return None
    now = timezone.now()
    if RuleSnooze.objects.filter(user_id=user_id, code=rule.code, until__gt=now).exists():
        return None
    subject = subject[:80]
    open_alerts = Alert.objects.filter(
        code=rule.code, user_id=user_id, subject=subject, status=AlertStatus.OPEN
    )
    if open_alerts.exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):
        alert = Alert.objects.create(
            code=rule.code,
            user_id=user_id,
            point=Point.SCAN,
            outcome=int(hit.outcome),
            mode=mode,
            explanation=str(hit.explanation),
            subject=subject,
        )
    _attach_to_cases([alert])
    return alert


def decide(*, point: Point, facts: Facts) -> Decision:
    """The outcome of `point`'s rules for `facts`. Call inside the action's transaction."""
    candidates = rules_at(point)
    if not candidates:
        return Decision()
    codes = [rule.code for rule in candidates]
    rows = {row.code: row for row in RuleSetting.objects.filter(code__in=codes)}
    snoozed = set(
        RuleSnooze.objects.filter(
            user_id=facts.user_id, code__in=codes, until__gt=facts.now
        ).values_list("code", flat=True)
    )
    alerts: list[Alert] = []
    acting: list[RuleHit] = []
    # explanations are for staff: in the site's language, not the person's
    with translation.override(settings.LANGUAGE_CODE):
        for rule_class in candidates:
            row = rows.get(rule_class.code)
            mode = row.mode if row is not None else Mode.ACTIVE
            if mode == Mode.OFF or rule_class.code in snoozed:
                continue
            hit, errored = _run(rule_class(), facts, row.params if row is not None else {})
            if hit is None or hit.outcome == Outcome.ALLOW:
                continue
            alerts.append(
                Alert(
                    code=rule_class.code,
                    user_id=facts.user_id,
                    point=point,
                    outcome=int(hit.outcome),
                    mode=mode,
                    explanation=hit.explanation,
                    subject=facts.subject[:80],
                    errored=errored,
                )
            )
            if mode == Mode.ACTIVE:
                acting.append(RuleHit(rule_class.code, hit.outcome, hit.explanation))
    if alerts:
        Alert.objects.bulk_create(alerts)
        _attach_to_cases(alerts)
    worst = max((hit.outcome for hit in acting), default=Outcome.ALLOW)
    if worst == Outcome.BLOCK:
        keep_on_refusal(alerts)
    return Decision(outcome=worst, hits=acting)
