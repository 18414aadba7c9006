"""The STAND-IN's national catalog: SAMPLE DATA for tests and the demo, not the national
procedure database's text.

The shapes are those of the national catalog operations as OpenCPS reads them (its DVCQG
integration: LayThuTuc's TENTTHC, TRINHTUTHUCHIEN/TRINHTU/TENTRINHTU,
CACHTHUCTHUCHIEN/KENH/THOIGIAN/THOIGIANGIAIQUYET/DONVITINH/MOTA/PHILEPHI/SOTIEN/DONVI,
YEUCAU, MOTADOITUONGTHUCHIEN, KETQUATHUCHIEN/TENKETQUA, CANCUPHAPLY/SOVANBAN/TENVANBAN,
TRANGTHAI, COQUANTHUCHIEN/MADONVI/TENDONVI, THANHPHANHOSO/GIAYTO/MAGIAYTO/TENGIAYTO/
TENMAUDON/URL, LINHVUCTHUCHIEN/MALINHVUC/TENLINHVUC; LayDanhMucCoQuan's MADONVI, TENDONVI,
CAPDONVI; LayDanhMucLinhVuc's MALINHVUC, TENLINHVUC, MANGANH; docs/national.md). The
procedures are real ones of a commune and a department, their parts written from the laws they
cite, simplified; the field codes are made up (the national ones were not found).

Agency codes end with the suffix of the unit code the request carries (`madonvi`), so the demo
city (000.00.00.H92 …) finds its own agencies.
"""

from __future__ import annotations

import copy
from typing import Any

LABEL = "SAMPLE DATA of the stand-in (not the national procedure database)"

FIELDS: list[dict[str, Any]] = [
    {"MALINHVUC": "G13-TP01", "TENLINHVUC": "Hộ tịch", "MANGANH": "TP"},
    {"MALINHVUC": "G13-TP02", "TENLINHVUC": "Chứng thực", "MANGANH": "TP"},
    {"MALINHVUC": "G13-XD01", "TENLINHVUC": "Hoạt động xây dựng", "MANGANH": "XD"},
]

# (level-3 and level-2 numbers of the code, name, CAPDONVI)
AGENCIES: list[tuple[int, int, str, str]] = [
    (0, 0, "Ủy ban nhân dân thành phố", "1"),
    (0, 1, "Trung tâm Phục vụ hành chính công thành phố", "1"),
    (0, 12, "Sở Tư pháp", "2"),
    (0, 15, "Sở Xây dựng", "2"),
    (1, 1, "Ủy ban nhân dân phường Ninh Kiều", "3"),
]


def _agency(suffix: str, level3: int, level2: int) -> dict[str, str]:
    for l3, l2, name, _level in AGENCIES:
        if (l3, l2) == (level3, level2):
            return {"MADONVI": f"000.{l3:02d}.{l2:02d}.{suffix}", "TENDONVI": name}
    raise KeyError((level3, level2))


def _fee(amount: str, description: str, *, kind: str = "2") -> dict[str, str]:
    # MAPHILEPHI "1" phí, "2" lệ phí (as one provincial system reads it; unconfirmed).
    return {"MAPHILEPHI": kind, "SOTIEN": amount, "DONVI": "Đồng", "MOTA": description}


def _channel(kind: int, time: Any, unit: str, description: str,
             fees: list[dict[str, str]]) -> dict[str, Any]:
    return {"KENH": kind, "THOIGIAN": [{"THOIGIANGIAIQUYET": time, "DONVITINH": unit,
                                        "MOTA": description, "PHILEPHI": fees}]}


def _doc(code: str, name: str, originals: int, copies: int, form: str = "",
         ) -> dict[str, Any]:
    return {"MAGIAYTO": code, "TENGIAYTO": name, "SOBANCHINH": str(originals),
            "SOBANSAO": str(copies), "TENMAUDON": form,
            "URL": f"/_standin/mau/{form}" if form else ""}


def procedures(suffix: str) -> dict[str, dict[str, Any]]:
    """The sample records by code (a new copy each call: tests change them)."""
    ward = [_agency(suffix, 1, 1)]
    records: list[dict[str, Any]] = [
        {
            "MATTHC": "1.001193", "TENTTHC": "Đăng ký khai sinh",
            "LINHVUCTHUCHIEN": [{"MALINHVUC": "G13-TP01", "TENLINHVUC": "Hộ tịch"}],
            "CAPTHUCHIEN": [{"CAPTHUCHIEN": "3", "TENCAP": "Cấp Xã"}],
            "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [
                {"TENTRINHTU": "Người yêu cầu nộp tờ khai và giấy tờ tại Bộ phận Một cửa hoặc "
                               "trực tuyến."},
                {"TENTRINHTU": "Công chức tư pháp - hộ tịch kiểm tra, ghi vào Sổ hộ tịch."},
                {"TENTRINHTU": "Chủ tịch Ủy ban nhân dân cấp xã ký Giấy khai sinh."}]}],
            "CACHTHUCTHUCHIEN": [
                _channel(1, "0.5", "Ngày làm việc", "Nộp tại Bộ phận Một cửa",
                         [_fee("0", "Miễn lệ phí đăng ký khai sinh đúng hạn")]),
                _channel(2, "0.5", "Ngày làm việc", "Nộp trên Cổng Dịch vụ công",
                         [_fee("0", "Miễn lệ phí đăng ký khai sinh đúng hạn")]),
            ],
            "THANHPHANHOSO": [{"TRUONGHOP": "", "GIAYTO": [
                _doc("GT01", "Tờ khai đăng ký khai sinh", 1, 0, "to-khai-khai-sinh.docx"),
                _doc("GT02", "Giấy chứng sinh", 1, 0),
                _doc("GT03", "Văn bản ủy quyền (nếu nộp thay)", 1, 0)]}],
            "DOITUONGTHUCHIEN": [{"MADOITUONG": "1", "TENDOITUONG": "Công dân Việt Nam"}],
            "MOTADOITUONGTHUCHIEN": "Cha, mẹ, ông, bà hoặc người thân thích khác của trẻ",
            "COQUANTHUCHIEN": ward,
            "KETQUATHUCHIEN": [{"MAKETQUA": "KQ01", "TENKETQUA": "Giấy khai sinh (bản chính)"}],
            "CANCUPHAPLY": [{"SOVANBAN": "60/2014/QH13", "TENVANBAN": "Luật Hộ tịch"},
                            {"SOVANBAN": "123/2015/NĐ-CP", "TENVANBAN":
                             "Nghị định quy định chi tiết một số điều của Luật Hộ tịch"}],
            "YEUCAU": "Không", "TRANGTHAI": "1", "MUCDO": "4",
        },
        {
            "MATTHC": "2.000815", "TENTTHC": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
            "LINHVUCTHUCHIEN": [{"MALINHVUC": "G13-TP02", "TENLINHVUC": "Chứng thực"}],
            "CAPTHUCHIEN": [{"CAPTHUCHIEN": "3", "TENCAP": "Cấp Xã"}],
            "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [
                {"TENTRINHTU": "Người yêu cầu xuất trình bản chính và bản sao cần chứng thực."},
                {"TENTRINHTU": "Người thực hiện chứng thực đối chiếu, ghi lời chứng, ký."}]}],
            "CACHTHUCTHUCHIEN": [
                _channel(1, 4, "Giờ làm việc", "Trong ngày; sau 15 giờ thì trả ngày làm việc "
                         "tiếp theo", [_fee("2.000", "Phí chứng thực bản sao: 2.000 đồng/trang",
                                            kind="1")]),
            ],
            "THANHPHANHOSO": [{"TRUONGHOP": "", "GIAYTO": [
                _doc("GT01", "Bản chính giấy tờ, văn bản", 1, 0),
                _doc("GT02", "Bản sao cần chứng thực", 0, 1)]}],
            "DOITUONGTHUCHIEN": [{"MADOITUONG": "1", "TENDOITUONG": "Công dân Việt Nam"},
                                 {"MADOITUONG": "3", "TENDOITUONG": "Người nước ngoài"}],
            "MOTADOITUONGTHUCHIEN": "Cá nhân, tổ chức",
            "COQUANTHUCHIEN": ward,
            "KETQUATHUCHIEN": [{"MAKETQUA": "KQ01", "TENKETQUA": "Bản sao được chứng thực"}],
            "CANCUPHAPLY": [{"SOVANBAN": "23/2015/NĐ-CP", "TENVANBAN":
                             "Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản "
                             "chính"}],
            "YEUCAU": "", "TRANGTHAI": "1", "MUCDO": "2",
        },
        {
            "MATTHC": "1.009794", "TENTTHC": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            "LINHVUCTHUCHIEN": [{"MALINHVUC": "G13-XD01", "TENLINHVUC": "Hoạt động xây dựng"}],
            "CAPTHUCHIEN": [{"CAPTHUCHIEN": "3", "TENCAP": "Cấp Xã"}],
            "TRINHTUTHUCHIEN": [{"TRUONGHOP": "", "TRINHTU": [
                {"TENTRINHTU": "Chủ đầu tư nộp hồ sơ đề nghị cấp giấy phép xây dựng."},
                {"TENTRINHTU": "Cơ quan cấp phép thẩm định hồ sơ, kiểm tra thực địa."},
                {"TENTRINHTU": "Cơ quan cấp phép cấp giấy phép xây dựng."}]}],
            "CACHTHUCTHUCHIEN": [
                _channel(1, 15, "Ngày làm việc", "Nộp tại Bộ phận Một cửa",
                         [_fee("75.000", "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ")]),
                _channel(2, 15, "Ngày làm việc", "Nộp trực tuyến",
                         [_fee("37.500", "Lệ phí khi nộp trực tuyến (giảm 50%)")]),
                _channel(3, 15, "Ngày làm việc", "Nộp qua dịch vụ bưu chính công ích",
                         [_fee("75.000", "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ")]),
            ],
            "THANHPHANHOSO": [{"TRUONGHOP": "", "GIAYTO": [
                _doc("GT01", "Đơn đề nghị cấp giấy phép xây dựng", 1, 0,
                     "don-de-nghi-cap-gpxd.docx"),
                _doc("GT02", "Giấy tờ chứng minh quyền sử dụng đất", 0, 1),
                _doc("GT03", "Hai bộ bản vẽ thiết kế xây dựng", 2, 0)]}],
            "DOITUONGTHUCHIEN": [{"MADOITUONG": "1", "TENDOITUONG": "Công dân Việt Nam"}],
            "MOTADOITUONGTHUCHIEN": "Hộ gia đình, cá nhân là chủ đầu tư nhà ở riêng lẻ",
            "COQUANTHUCHIEN": ward,
            "KETQUATHUCHIEN": [{"MAKETQUA": "KQ01", "TENKETQUA": "Giấy phép xây dựng"}],
            "CANCUPHAPLY": [{"SOVANBAN": "50/2014/QH13", "TENVANBAN": "Luật Xây dựng"},
                            {"SOVANBAN": "175/2024/NĐ-CP", "TENVANBAN":
                             "Nghị định quy định chi tiết một số điều của Luật Xây dựng về "
                             "quản lý hoạt động xây dựng"}],
            "YEUCAU": "Phù hợp với quy hoạch chi tiết xây dựng được duyệt",
            "TRANGTHAI": "1", "MUCDO": "3",
        },
    ]
    return {r["MATTHC"]: copy.deepcopy(r) for r in records}


def agencies(suffix: str) -> list[dict[str, str]]:
    return [{**_agency(suffix, l3, l2), "CAPDONVI": level} for l3, l2, _n, level in AGENCIES]


def template_bytes(name: str) -> bytes:
    """A blank form served at /_standin/mau/<name>: plain text saying what it stands for."""
    return (f"{LABEL}\nMẫu đơn: {name}\n(the stand-in's placeholder for the form's file)\n"
            ).encode()
