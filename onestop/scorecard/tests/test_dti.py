"""DTI: the command on a file of several provinces over two years, ties, new units,
XLSX import, and values the platform computes."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import override

from onestop.core.csvimport import ImportRefused, read_table
from onestop.core.errors import NotAllowed, ValidationFailed
from onestop.scorecard import dti, services
from onestop.scorecard.models import DtiUnit, DtiValue
from onestop.testing import make_user

HEADER = ("unit,year,awareness,institutions,infrastructure,human_resources,cyber_security,"
          "digital_government,digital_economy,digital_society")
# DTI = (100·(a+i+inf+h+c) + 200·g + 150·(e+s)) ÷ 1000
ROWS_2021 = [
    "Đà Nẵng,2021,0.9,0.9,0.9,0.9,0.9,0.9,0.9,0.9",   # 0.9000 → 1st
    "Cần Thơ,2021,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5",   # 0.5000 → 3rd
    "Hà Nội,2021,0.8,0.8,0.8,0.8,0.8,0.8,0.8,0.8",    # 0.8000 → 2nd
    "Sóc Trăng,2021,0.4,0.4,0.4,0.4,0.4,0.4,0.4,0.4",  # 0.4000 → 4th
]
ROWS_2022 = [
    # 100·(0.7·5) + 200·0.8 + 150·(0.6+0.6) = 350 + 160 + 180 = 690 → 0.6900
    "Cần Thơ,2022,0.7,0.7,0.7,0.7,0.7,0.8,0.6,0.6",
    "Đà Nẵng,2022,0.9,0.9,0.9,0.9,0.9,0.9,0.9,0.9",   # 0.9000
    # 100·(0.6·5) + 200·0.75 + 150·(0.7+0.7) = 300 + 150 + 210 = 660 → 0.6600
    "Hà Nội,2022,0.6,0.6,0.6,0.6,0.6,0.75,0.7,0.7",
    "Sóc Trăng,2022,0.66,0.66,0.66,0.66,0.66,0.66,0.66,0.66",  # 0.6600: tie with Hà Nội
    "Hậu Giang,2022,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1",  # 0.1000, new
]


def write(tmp_path, rows, name="dti.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args):
    out = io.StringIO()
    call_command("dti", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_rank_prints_the_latest_year_with_ties_and_rank_changes(tmp_path):
    path = write(tmp_path, ROWS_2021 + ROWS_2022)
    assert run("rank", str(path), "--framework", "2022") == [
        "1\tĐà Nẵng\t0.9000\t0",
        "2\tCần Thơ\t0.6900\t+1",
        "3\tHà Nội\t0.6600\t-1",
        "3\tSóc Trăng\t0.6600\t+1",
        "5\tHậu Giang\t0.1000\tnew",
    ]


@pytest.mark.django_db
def test_rank_of_an_earlier_year_and_bad_files(tmp_path):
    path = write(tmp_path, ROWS_2021 + ROWS_2022)
    assert run("rank", str(path), "--year", "2021")[0] == "1\tĐà Nẵng\t0.9000\tnew"
    with pytest.raises(CommandError):
        run("rank", str(write(tmp_path, ["Cần Thơ,2022,1.5,0,0,0,0,0,0,0"], "bad.csv")))
    with pytest.raises(CommandError):
        run("rank", str(tmp_path / "missing.csv"))
    (tmp_path / "hdr.csv").write_text("unit,year,foo\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run("rank", str(tmp_path / "hdr.csv"))


def test_dti_is_the_weighted_sum_over_1000_in_decimals():
    weights = dti.Weights("2022", (("a", 100), ("g", 200), ("s", 700)))
    assert dti.dti({"a": Decimal("0.5"), "g": Decimal("0.25"), "s": Decimal("1")},
                   weights) == Decimal("0.8")
    assert dti.change(5, 15) == "+10" and dti.change(3, 1) == "-2"
    assert dti.change(2, 2) == "0" and dti.change(1, None) == "new"


@pytest.mark.django_db
def test_xlsx_import_stores_values_and_ranks_from_the_database(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for line in ROWS_2021 + ROWS_2022:
        unit, year, *values = line.split(",")
        sheet.append([unit, int(year), *[float(v) for v in values]])
    buffer = io.BytesIO()
    book.save(buffer)
    office = make_user("dto", "Văn phòng CĐS")
    office.is_superuser = True
    office.save()
    result = services.dti_import(actor=office, data=buffer.getvalue(), filename="dti.xlsx")
    assert result.values == 9 * 8 and DtiUnit.objects.count() == 5
    weights = services.dti_weights("2022")
    lines = dti.rank_year(services.dti_rows(framework_code="2022"), weights)
    assert [(x.rank, x.unit, str(x.shown), x.change) for x in lines][:2] == [
        (1, "Đà Nẵng", "0.9000", "0"), (2, "Cần Thơ", "0.6900", "+1")]
    citizen = make_user("someone", "Ai đó")
    with pytest.raises(NotAllowed):
        services.dti_import(actor=citizen, data=buffer.getvalue(), filename="dti.xlsx")


@pytest.mark.django_db
def test_digital_government_is_filled_from_the_service_index_with_provenance(
        city, settings, tmp_path):
    from onestop.scorecard import rollups
    from onestop.scorecard.tests.world import build

    settings.MEDIA_ROOT = tmp_path
    build(city)
    rollups.refresh()
    unit = DtiUnit.objects.create(code="can-tho", name="Cần Thơ", is_city=True)
    filled = services.dti_fill_computed(year=2026, today=datetime.date(2026, 3, 31))
    assert filled == 1
    value = DtiValue.objects.get(unit=unit, subindex__code="digital_government", year=2026)
    assert value.source == DtiValue.Source.COMPUTED and "service index" in value.provenance
    assert Decimal(0) < value.value <= Decimal(1)
    # An entered value is never overwritten by a computed one.
    office = make_user("dto", "Văn phòng CĐS")
    office.is_superuser = True
    office.save()
    services.dti_value_set(actor=office, unit=unit, year=2026, subindex=value.subindex,
                           value="0.5", provenance="Báo cáo Bộ KH&CN")
    services.dti_fill_computed(year=2026, today=datetime.date(2026, 3, 31))
    value.refresh_from_db()
    assert value.value == Decimal("0.5") and value.source == DtiValue.Source.ENTERED
    with pytest.raises(ValidationFailed):
        services.dti_value_set(actor=office, unit=unit, year=2026, subindex=value.subindex,
                               value="1.2")


@pytest.mark.django_db
def test_a_dti_file_with_several_bad_lines_names_each_of_them(tmp_path):
    weights = services.dti_weights("2022")
    header = ",".join(["unit", "year", *weights.codes])
    good = ",".join(["Cần Thơ", "2022", *["0.5"] * len(weights.codes)])
    bad_year = ",".join(["Hậu Giang", "năm", *["0.5"] * len(weights.codes)])
    bad_value = ",".join(["Sóc Trăng", "2022", "1.5", *["0.5"] * (len(weights.codes) - 1)])
    data = "\n".join([header, good, bad_year, bad_value]).encode()
    with override("en"), pytest.raises(ImportRefused) as caught:
        dti.parse_records(read_table(data, "dti.csv"), weights)
    assert [error.split(":")[0] for error in caught.value.errors] == ["Line 3", "Line 4"]
