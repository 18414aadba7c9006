from __future__ import annotations

import pytest

from onestop.accounts.services import citizen_sign_up

PASSWORD = "mat-khau-an-toan-2026"


@pytest.fixture
def citizen(db):
    return citizen_sign_up(full_name="Nguyễn Thị Hoa", cccd="092187001001", phone="0900000001",
                           email="hoa@example.com", password=PASSWORD)
