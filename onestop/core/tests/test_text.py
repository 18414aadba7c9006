"""Folding Vietnamese text for search: accents, đ, case and spaces never matter."""

from __future__ import annotations

import pytest

from onestop.core.text import fold, fold_tokens


@pytest.mark.parametrize("typed", [
    "dang ky khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "  đăng   KÝ\tkhai\nsinh ",
    # Decomposed input (macOS keyboards, copy-paste from PDFs) folds the same way.
    "\u0110a\u0306ng ky\u0301 khai sinh",
])
def test_every_spelling_of_a_name_folds_to_the_same_text(typed):
    assert fold(typed) == "dang ky khai sinh"


def test_d_with_stroke_becomes_d_in_both_cases():
    assert fold("Đồng đội") == "dong doi"


def test_every_vietnamese_vowel_loses_its_marks():
    assert fold("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ") == (
        "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5
    )


def test_empty_and_none_fold_to_empty():
    assert fold("") == fold(None) == fold("   ") == ""


def test_tokens_are_distinct_and_ordered():
    assert fold_tokens("Khai  sinh KHAI") == ["khai", "sinh"]
    assert fold_tokens("   ") == []
