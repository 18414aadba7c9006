"""Names of common Vietnamese banks by their NAPAS BIN (field 38.01.00 of a VietQR).

A small table of the banks most citizens of the Mekong delta use; an unknown BIN is shown as
the BIN itself, never guessed.
"""

from __future__ import annotations

BANKS: dict[str, tuple[str, str]] = {
    # BIN: (short name, full name)
    "970405": ("Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    "970415": ("VietinBank", "Ngân hàng TMCP Công Thương Việt Nam"),
    "970436": ("Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    "970418": ("BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    "970407": ("Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    "970422": ("MB", "Ngân hàng TMCP Quân đội"),
    "970416": ("ACB", "Ngân hàng TMCP Á Châu"),
    "970432": ("VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    "970423": ("TPBank", "Ngân hàng TMCP Tiên Phong"),
    "970403": ("Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    "970437": ("HDBank", "Ngân hàng TMCP Phát triển TP. Hồ Chí Minh"),
    "970441": ("VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    "970443": ("SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội"),
    "970448": ("OCB", "Ngân hàng TMCP Phương Đông"),
    "970426": ("MSB", "Ngân hàng TMCP Hàng Hải Việt Nam"),
}


def bank_name(bin_code: str) -> str:
    """'VietinBank – Ngân hàng TMCP Công Thương Việt Nam', or the BIN when unknown."""
    known = BANKS.get(bin_code)
    return f"{known[0]} – {known[1]}" if known else bin_code


def bank_short_name(bin_code: str) -> str:
    known = BANKS.get(bin_code)
    return known[0] if known else bin_code
