"""The numbers behind each chart, as tables: headers and rows the page shows and the CSV export
writes, in one place so the two never disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .selectors import Dashboard


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]]

    def html(self) -> SafeString:
        """The table as HTML, built here rather than by a template loop: a year of days is
        thousands of cells, and this is many times faster."""
        head = "".join(f'<th scope="col">{escape(str(header))}</th>' for header in self.headers)
        if not self.rows:
            nothing = escape(str(_("Nothing in this range.")))
            body = f'<tr><td colspan="{len(self.headers)}">{nothing}</td></tr>'
        else:
            body = "".join(
                "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
                for row in self.rows
            )
        return mark_safe(  # noqa: S308 - every cell and header escaped above
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


def _seconds(value: int | None) -> str:
    return "" if value is None else str(value)


def _plain(value: Decimal) -> str:
    """A decimal without the database's trailing zeros or an exponent: 700, 0.1."""
    return f"{value.normalize():f}" if value else "0"


def _rate(value: Decimal | None) -> str:
    return "" if value is None else f"{value}"


def orders_table(board: Dashboard) -> Table:
    return Table(
        "orders",
        _("Orders by final state"),
        [_("Day"), _("Placed"), _("Completed"), _("Canceled"), _("Still open"), _("Disputed")],
        [
            [d.day.isoformat(), d.placed, d.completed, d.canceled, d.still_open, d.disputed]
            for d in board.days
        ],
    )


def rates_table(board: Dashboard) -> Table:
    return Table(
        "rates",
        _("Completion, cancellation and dispute rates (%)"),
        [_("Day"), _("Completion"), _("Cancellation"), _("Dispute")],
        [
            [
                d.day.isoformat(),
                _rate(d.rate(d.completed)),
                _rate(d.rate(d.canceled)),
                _rate(d.rate(d.disputed)),
            ]
            for d in board.days
        ],
    )


def times_table(board: Dashboard) -> Table:
    return Table(
        "times",
        _("Payment and release times (seconds)"),
        [
            _("Day"),
            _("Payment, median"),
            _("Payment, 95th percentile"),
            _("Release, median"),
            _("Release, 95th percentile"),
        ],
        [
            [
                d.day.isoformat(),
                _seconds(d.pay_p50),
                _seconds(d.pay_p95),
                _seconds(d.release_p50),
                _seconds(d.release_p95),
            ]
            for d in board.days
        ],
    )


def volume_table(board: Dashboard) -> Table:
    keys = sorted(board.fiat_volume)
    return Table(
        "volume",
        _("Daily completed volume, in fiat"),
        [_("Day"), *(f"{asset}/{fiat}" for asset, fiat in keys)],
        [
            [day.isoformat(), *(_plain(board.fiat_volume[key][position]) for key in keys)]
            for position, day in enumerate(board.filters.day_list)
        ],
    )


def pairs_table(board: Dashboard) -> Table:
    return Table(
        "pairs",
        _("Per asset and fiat over the range, with fee income"),
        [
            _("Asset"),
            _("Fiat"),
            _("Placed"),
            _("Completed"),
            _("Volume"),
            _("Fiat volume"),
            _("Fee income"),
        ],
        [
            [
                p.asset,
                p.fiat,
                p.placed,
                p.completed,
                _plain(p.volume),
                _plain(p.fiat_volume),
                _plain(p.fees),
            ]
            for p in board.pairs
        ],
    )


def people_table(board: Dashboard) -> Table:
    return Table(
        "people",
        _("New users and identity checks"),
        [_("Day"), _("New users"), _("Checks submitted"), _("Checks approved")],
        [[p.day.isoformat(), p.new_users, p.kyc_submitted, p.kyc_approved] for p in board.people],
    )


TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "orders": orders_table,
    "rates": rates_table,
    "times": times_table,
    "volume": volume_table,
    "pairs": pairs_table,
    "people": people_table,
}
