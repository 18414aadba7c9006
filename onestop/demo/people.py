"""Fictitious applicants: Vietnamese names, CCCD numbers and phones that are valid in form.

Every demo CCCD has "00" as its 7th and 8th digits and every demo phone starts with 0900,
so they are easy to recognise (and to purge) while passing format validation.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Lâm", "Thạch", "Danh", "Châu")
MIDDLE_MALE = ("Văn", "Minh", "Hoàng", "Quốc", "Thanh", "Hữu", "Đức", "Công", "Tấn")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thanh", "Thu", "Mỹ", "Kim", "Bích", "Hồng", "Thị Kim")
GIVEN_MALE = ("An", "Bảo", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam",
              "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Trung", "Tuấn", "Vinh", "Lộc", "Toàn")
GIVEN_FEMALE = ("Anh", "Châu", "Diễm", "Hà", "Hạnh", "Hằng", "Hương", "Lan", "Linh", "Mai",
                "Ngân", "Nhi", "Phương", "Quyên", "Thảo", "Trang", "Uyên", "Vy", "Yến", "Tiên")
# Province of birth registration: mostly Cần Thơ (092), some from the merged Hậu Giang (093)
# and Sóc Trăng (094), and neighbours (An Giang 089, Vĩnh Long 086, Hồ Chí Minh City 079).
BIRTH_PROVINCES = ("092",) * 12 + ("093", "093", "094", "094", "089", "086", "079")


@dataclass(frozen=True)
class Person:
    name: str
    cccd: str
    phone: str
    email: str
    address: str


def ascii_fold(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def make_person(rng: random.Random, serial: int, *, street: str, unit_name: str,
                city: str) -> Person:
    female = rng.random() < 0.5
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    name = f"{rng.choice(FAMILY)} {middle} {given}"
    year = rng.randint(1950, 2007)
    # docs/domain.md §4: sex/century digit 0/1 for 1900s, 2/3 for 2000s (odd = female).
    century = 0 if year < 2000 else 2
    cccd = f"{rng.choice(BIRTH_PROVINCES)}{century + int(female)}{year % 100:02d}00{serial:04d}"
    phone = f"09001{serial:05d}"
    email = ""
    if rng.random() < 0.4:
        email = f"{ascii_fold(given).lower()}.{serial}@example.com"  # RFC 2606 domain
    address = f"Số {rng.randint(1, 250)}, {street}, {unit_name}, {city}"
    return Person(name=name, cccd=cccd, phone=phone, email=email, address=address)
