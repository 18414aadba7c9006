"""Amounts in Vietnamese words, as written on receipts and the payment page."""

import pytest

from onestop.payments.money import digits, in_words


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
