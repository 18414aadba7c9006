"""`onestop dti rank FILE.csv|FILE.xlsx [--framework 2022] [--year YYYY]` prints the ranking;
`onestop dti import FILE --user NAME` stores the values; `onestop dti fill --year YYYY` fills
the values the platform computes.

`rank` prints, for the latest year in the file (or --year), one tab-separated line per
unit, best first: rank, unit, DTI with 4 decimals, rank change against the previous year
(+10, -2, 0, or new). Ties share a rank (standard competition ranking: 1, 2, 2, 4).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.csvimport import ImportRefused, read_table
from onestop.core.errors import DomainError
from onestop.scorecard import dti, services


class Command(BaseCommand):
    help = "DTI (Decision 922/QĐ-BTTTT): rank a file of sub-index values, import, fill."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rank = sub.add_parser("rank", help="print the ranking of the latest year of a file")
        rank.add_argument("file")
        rank.add_argument("--framework", default="2022")
        rank.add_argument("--year", type=int, default=None)
        imp = sub.add_parser("import", help="store the values of a CSV or XLSX file")
        imp.add_argument("file")
        imp.add_argument("--framework", default="2022")
        imp.add_argument("--user", required=True, help="username of the person importing")
        fill = sub.add_parser("fill", help="fill the values the platform computes")
        fill.add_argument("--year", type=int, required=True)
        fill.add_argument("--framework", default="2022")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except ImportRefused as exc:
            raise CommandError("\n".join([str(exc), *exc.errors])) from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _read(self, name: str) -> bytes:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file")
        return path.read_bytes()

    def _rank(self, *, file: str, framework: str, year: int | None, **_: Any) -> None:
        weights = services.dti_weights(framework)
        rows = dti.parse_records(read_table(self._read(file), file), weights)
        for line in dti.rank_year(rows, weights, year):
            self.stdout.write(line.tsv())

    def _import(self, *, file: str, framework: str, user: str, **_: Any) -> None:
        from onestop.accounts.models import User

        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"{user}: no such user")
        result = services.dti_import(actor=actor, data=self._read(file), filename=Path(file).name,
                                     framework_code=framework)
        self.stdout.write(f"{result.values} values, {result.units} new units")

    def _fill(self, *, year: int, framework: str, **_: Any) -> None:
        filled = services.dti_fill_computed(year=year, framework_code=framework)
        self.stdout.write(f"{filled} values computed")
