"""Money, moments and working days as onestop writes them (onestop.core.formatting)."""

import pytest

from onestop.core.formatting import digits, in_words


@pytest.mark.parametrize("amount, words", [
    (0, "Không đồng"), (8000, "Tám nghìn đồng"), (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"), (24, "Hai mươi tư đồng"), (105, "Một trăm linh năm đồng"),
    (120000, "Một trăm hai mươi nghìn đồng"),
    (1005000, "Một triệu không trăm linh năm nghìn đồng"),
    (2500000000, "Hai tỷ năm trăm triệu đồng"),
    (1200000000000, "Một nghìn hai trăm tỷ đồng"),
])
def test_amounts_read_as_vietnamese_say_them(amount, words):
    assert in_words(amount) == words


def test_digits_group_thousands_with_dots():
    assert digits(1234567) == "1.234.567"


@pytest.mark.parametrize("bad", [-1, 1.5])
def test_only_whole_non_negative_dong(bad):
    with pytest.raises(ValueError):
        in_words(bad)


def test_moments_are_written_in_vietnam_time_whatever_the_zone():
    import datetime

    from onestop.core.formatting import date_words, short_date, short_moment, time_words

    utc = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 06:30 on 2 March in VN
    assert short_moment(utc) == "06:30 02/03/2026"
    assert short_date(utc) == "02/03/2026"
    assert short_date(datetime.date(2026, 3, 2)) == "02/03/2026"
    assert time_words(utc) == "06 giờ 30 phút, ngày 02 tháng 3 năm 2026"
    assert date_words(utc) == "ngày 02 tháng 3 năm 2026"
    assert short_moment(None) == short_date(None) == ""


def test_working_days_have_a_decimal_comma():
    from decimal import Decimal

    from onestop.core.formatting import working_days

    assert [working_days(Decimal(d)) for d in ("3.00", "0.50", "1.25", "10")] == [
        "3", "0,5", "1,25", "10"]


def test_the_template_filters_follow_the_page_language():
    import datetime
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    page = Template("{% load formatting %}{{ a|vnd }} {{ d|working_days }} {{ m|moment }}|"
                    "{{ none|moment|default:'–' }}")
    context = Context({"a": 1500000, "d": Decimal("0.50"), "none": None,
                       "m": datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)})
    with translation.override("vi"):
        assert page.render(context) == "1.500.000 đ 0,5 08:00 02/03/2026|–"
    with translation.override("en"):
        assert page.render(context) == "1,500,000 VND 0.5 08:00 02/03/2026|–"


def test_decimals_and_percentages_follow_the_active_language():
    from decimal import Decimal

    from django.utils.translation import override

    from onestop.core.formatting import decimal_text, percent_text

    with override("vi"):
        assert percent_text(Decimal("92.61")) == "92,61 %"
        assert decimal_text(Decimal("1234.5")) == "1.234,50"
        assert decimal_text(Decimal("100.00")) == "100"
    with override("en"):
        assert percent_text(Decimal("92.61")) == "92.61 %"
        assert decimal_text(Decimal("1234.5")) == "1,234.50"
