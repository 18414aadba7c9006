"""`onestop calendar due|between`: working-time arithmetic from the command line."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from onestop.agencies.models import Agency
from onestop.core.calendars import calendar_for
from onestop.core.workcalendar import WorkCalendar


def _moment(raw: str, tz: datetime.tzinfo) -> datetime.datetime:
    value = parse_datetime(raw)
    if value is None:
        try:
            value = datetime.datetime.combine(datetime.date.fromisoformat(raw), datetime.time())
        except ValueError as exc:
            raise CommandError(f"not an ISO 8601 moment: {raw!r}") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)  # naive input means local time of the centre
    return value


class Command(BaseCommand):
    help = "Compute with Vietnamese working time (office hours, weekends, holidays, overrides)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        due = sub.add_parser("due", help="the moment N working days after START")
        due.add_argument("--start", required=True, help="ISO 8601; naive = Asia/Ho_Chi_Minh")
        due.add_argument("--days", required=True, help="working days, decimals allowed (0.5)")
        due.add_argument("--agency", help="agency code whose office hours apply")
        between = sub.add_parser("between", help="working days between START and END")
        between.add_argument("--start", required=True)
        between.add_argument("--end", required=True)
        between.add_argument("--agency", help="agency code whose office hours apply")

    def handle(self, *args: Any, **options: Any) -> None:
        cal = self._calendar(options.get("agency"))
        tz = cal.hours.zone
        start = _moment(options["start"], tz)
        try:
            if options["verb"] == "due":
                try:
                    days = Decimal(options["days"])
                except InvalidOperation as exc:
                    raise CommandError(f"--days must be a number: {options['days']!r}") from exc
                self.stdout.write(cal.due(start, days).isoformat())
            else:
                end = _moment(options["end"], tz)
                self.stdout.write(str(cal.working_days_between(start, end)))
        except (ValueError, TypeError) as exc:
            raise CommandError(str(exc)) from exc

    def _calendar(self, code: str | None) -> WorkCalendar:
        if not code:
            return calendar_for(None)
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(f"no agency with code {code!r}")
        return calendar_for(agency)

