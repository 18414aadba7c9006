"""What the demo city is made of: agencies, staff and procedures, as plain data.

Names of agencies and units are real (Cần Thơ after the 2025 reform); agency codes, staff and
procedure details are illustrative. National procedure codes other than 1.001193 are
plausible but unchecked: look them up in the national database before any real use.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DEMO_PASSWORD = "onestop-demo"


@dataclass(frozen=True)
class DeptSpec:
    slug: str
    name: str
    name_en: str
    number: int  # the Y1Y2 part of the QCVN 102:2016 code under the city


# Abbreviations printed in "Số: 05/XL-STP" and "Lưu: VT, STP" (Agency.abbreviation).
DEPARTMENT_ABBREVIATIONS = {"tuphap": "STP", "xaydung": "SXD", "nnmt": "SNNMT",
                            "congthuong": "SCT", "yte": "SYT", "giaoduc": "SGDĐT",
                            "noivu": "SNV"}
# Leaders sign as deputies ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", Decree 30/2020 Art. 13).
LEADER_POSITIONS = {"department": "Phó Giám đốc", "committee": "Phó Chủ tịch"}
# Demo businesses (fictitious; tax codes with "0000" as 3rd–6th digits, Cần Thơ's 18 prefix):
# name, tax code, legal representative, person filing (with an authorisation) or "".
BUSINESSES: tuple[tuple[str, str, str, str], ...] = (
    ("Công ty TNHH Lúa Vàng Tây Đô (dữ liệu mẫu)", "1800001234", "Trương Văn Lộc",
     "Nguyễn Thị Hoa"),
    ("Công ty Cổ phần Thủy sản Hậu Giang Xanh (dữ liệu mẫu)", "1800005678-001",
     "Lê Thị Kim Phượng", ""),
    ("Hợp tác xã Trái cây Phong Điền (dữ liệu mẫu)", "1800009012", "Phạm Văn Sáu",
     "Trần Minh Quân"),
)


# Departments of the city People's Committee (after the 2025 merger of departments:
# Labour, Invalids and Social Affairs went to Home Affairs; Natural Resources and Environment
# merged with Agriculture).
DEPARTMENTS: tuple[DeptSpec, ...] = (
    DeptSpec("tuphap", "Sở Tư pháp thành phố Cần Thơ", "Department of Justice", 2),
    DeptSpec("xaydung", "Sở Xây dựng thành phố Cần Thơ", "Department of Construction", 3),
    DeptSpec("nnmt", "Sở Nông nghiệp và Môi trường thành phố Cần Thơ",
             "Department of Agriculture and Environment", 4),
    DeptSpec("congthuong", "Sở Công Thương thành phố Cần Thơ",
             "Department of Industry and Trade", 5),
    DeptSpec("yte", "Sở Y tế thành phố Cần Thơ", "Department of Health", 6),
    DeptSpec("giaoduc", "Sở Giáo dục và Đào tạo thành phố Cần Thơ",
             "Department of Education and Training", 7),
    DeptSpec("noivu", "Sở Nội vụ thành phố Cần Thơ", "Department of Home Affairs", 8),
)


@dataclass(frozen=True)
class CommuneSpec:
    slug: str
    unit_code: str  # AdministrativeUnit.code (vietnam-provinces, post-2025)
    number: int
    street: str  # a real street of the unit, for fictitious applicant addresses


COMMUNES: tuple[CommuneSpec, ...] = (
    CommuneSpec("ninhkieu", "31135", 21, "Đường Hai Bà Trưng"),
    CommuneSpec("caikhe", "31120", 22, "Đường Trần Phú"),
    CommuneSpec("cairang", "31186", 23, "Đường Trần Hưng Đạo"),
    CommuneSpec("binhthuy", "31168", 24, "Đường Cách Mạng Tháng Tám"),
    CommuneSpec("phongdien", "31299", 25, "Đường Nguyễn Văn Cừ"),
)


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name: str
    name_en: str
    field: str
    # "commune": received at a commune counter and handled by that commune's People's
    # Committee; otherwise the slug of the department, received at the city centre.
    handler: str
    days: str  # legal processing time in working days (a decimal string, never a float)
    steps: tuple[str, str, str]  # allotments of receive / review / approve, summing to days
    online: str  # ProcedureVersion.OnlineLevel value
    result: str
    legal_basis: str
    documents: tuple[tuple[str, int, int, bool], ...]  # name, originals, copies, optional
    fees: tuple[tuple[str, int, str], ...] = ()  # name, VND, Fee.Kind value
    fee_note: str = ""
    weight: int = 1  # relative share of the demo dossiers


FIELDS: tuple[tuple[str, str, str], ...] = (
    ("ho-tich", "Hộ tịch", "Civil status"),
    ("chung-thuc", "Chứng thực", "Certification"),
    ("ho-kinh-doanh", "Thành lập và hoạt động của hộ kinh doanh", "Household businesses"),
    ("xay-dung", "Hoạt động xây dựng", "Construction"),
    ("luu-thong-hang-hoa", "Lưu thông hàng hóa trong nước", "Domestic trade"),
    ("ly-lich-tu-phap", "Lý lịch tư pháp", "Judicial records"),
    ("cong-chung", "Công chứng", "Notarisation"),
    ("dat-dai", "Đất đai", "Land"),
    ("kham-chua-benh", "Khám bệnh, chữa bệnh", "Medical practice"),
    ("van-bang", "Văn bằng, chứng chỉ", "Diplomas and certificates"),
    ("giao-duc", "Giáo dục trung học", "Secondary education"),
    ("viec-lam", "Việc làm", "Employment"),
)

ID_COPY = ("Bản sao giấy tờ tùy thân của người yêu cầu (CCCD hoặc hộ chiếu)", 0, 1, False)
MANDATE = ("Văn bản ủy quyền (nếu nộp thay)", 1, 0, True)

PROCEDURES: tuple[ProcedureSpec, ...] = (
    # --- commune level (since 1 July 2025 the commune handles most civil status matters)
    ProcedureSpec(
        "1.001193", "Đăng ký khai sinh", "Birth registration", "ho-tich", "commune",
        "0.5", ("0.1", "0.3", "0.1"), "full", "Giấy khai sinh (bản chính)",
        "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP",
        (("Tờ khai đăng ký khai sinh", 1, 0, False), ("Giấy chứng sinh", 1, 0, False),
         ID_COPY, MANDATE),
        fee_note="Miễn lệ phí đăng ký khai sinh đúng hạn", weight=14,
    ),
    ProcedureSpec(
        "1.000894", "Đăng ký kết hôn", "Marriage registration", "ho-tich", "commune",
        "1", ("0.25", "0.5", "0.25"), "partial", "Giấy chứng nhận kết hôn",
        "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP",
        (("Tờ khai đăng ký kết hôn", 1, 0, False),
         ("Giấy xác nhận tình trạng hôn nhân (nếu cư trú nơi khác)", 1, 0, True),
         ("Bản sao giấy tờ tùy thân của hai bên", 0, 2, False)),
        fee_note="Miễn lệ phí đăng ký kết hôn", weight=5,
    ),
    ProcedureSpec(
        "1.000656", "Đăng ký khai tử", "Death registration", "ho-tich", "commune",
        "0.5", ("0.1", "0.3", "0.1"), "full", "Trích lục khai tử",
        "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP",
        (("Tờ khai đăng ký khai tử", 1, 0, False), ("Giấy báo tử", 1, 0, False), ID_COPY),
        fee_note="Miễn lệ phí đăng ký khai tử đúng hạn", weight=3,
    ),
    ProcedureSpec(
        "2.000635", "Cấp bản sao trích lục hộ tịch", "Copy of a civil status extract",
        "ho-tich", "commune", "0.5", ("0.1", "0.3", "0.1"), "full", "Bản sao trích lục hộ tịch",
        "Luật Hộ tịch số 60/2014/QH13; Thông tư số 281/2016/TT-BTC",
        (("Tờ khai cấp bản sao trích lục hộ tịch", 1, 0, False), ID_COPY),
        fees=(("Phí cấp bản sao trích lục hộ tịch", 8000, "per_copy"),), weight=6,
    ),
    ProcedureSpec(
        "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Certified copy from an original", "chung-thuc", "commune",
        "0.5", ("0.1", "0.3", "0.1"), "none", "Bản sao được chứng thực",
        "Nghị định số 23/2015/NĐ-CP; Thông tư số 226/2016/TT-BTC",
        (("Bản chính giấy tờ, văn bản", 1, 0, False),
         ("Bản sao cần chứng thực", 0, 1, False)),
        fees=(("Phí chứng thực bản sao (mỗi trang)", 2000, "per_copy"),), weight=14,
    ),
    ProcedureSpec(
        "2.000884", "Chứng thực chữ ký trong giấy tờ, văn bản", "Signature certification",
        "chung-thuc", "commune", "0.5", ("0.1", "0.3", "0.1"), "none",
        "Giấy tờ, văn bản được chứng thực chữ ký",
        "Nghị định số 23/2015/NĐ-CP; Thông tư số 226/2016/TT-BTC",
        (ID_COPY, ("Giấy tờ, văn bản cần chứng thực chữ ký", 1, 0, False)),
        fees=(("Phí chứng thực chữ ký", 10000, "fixed"),), weight=5,
    ),
    ProcedureSpec(
        "2.000720", "Đăng ký thành lập hộ kinh doanh", "Registering a household business",
        "ho-kinh-doanh", "commune", "3", ("0.5", "2", "0.5"), "full",
        "Giấy chứng nhận đăng ký hộ kinh doanh", "Nghị định số 01/2021/NĐ-CP",
        (("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0, False), ID_COPY,
         ("Biên bản họp thành viên hộ gia đình (nếu có)", 1, 0, True)),
        fees=(("Lệ phí đăng ký hộ kinh doanh", 100000, "fixed"),), weight=8,
    ),
    ProcedureSpec(
        "2.000575", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "Changing a household business registration", "ho-kinh-doanh", "commune",
        "3", ("0.5", "2", "0.5"), "full", "Giấy chứng nhận đăng ký hộ kinh doanh",
        "Nghị định số 01/2021/NĐ-CP",
        (("Thông báo thay đổi nội dung đăng ký hộ kinh doanh", 1, 0, False),
         ("Bản gốc Giấy chứng nhận đăng ký hộ kinh doanh", 1, 0, False)),
        fees=(("Lệ phí thay đổi đăng ký hộ kinh doanh", 50000, "fixed"),), weight=3,
    ),
    ProcedureSpec(
        "1.009794", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Building permit for a private house", "xay-dung", "commune",
        "15", ("0.5", "13.5", "1"), "partial", "Giấy phép xây dựng",
        "Luật Xây dựng số 50/2014/QH13 (sửa đổi 2020); Nghị định số 175/2024/NĐ-CP",
        (("Đơn đề nghị cấp giấy phép xây dựng", 1, 0, False),
         ("Bản sao giấy tờ chứng minh quyền sử dụng đất", 0, 1, False),
         ("Hai bộ bản vẽ thiết kế xây dựng", 2, 0, False)),
        fees=(("Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", 75000, "fixed"),), weight=5,
    ),
    ProcedureSpec(
        "2.000620", "Cấp Giấy phép bán lẻ rượu", "Liquor retail licence",
        "luu-thong-hang-hoa", "commune", "10", ("0.5", "8.5", "1"), "partial",
        "Giấy phép bán lẻ rượu", "Nghị định số 105/2017/NĐ-CP; Nghị định số 17/2020/NĐ-CP",
        (("Đơn đề nghị cấp Giấy phép bán lẻ rượu", 1, 0, False),
         ("Bản sao Giấy chứng nhận đăng ký hộ kinh doanh", 0, 1, False),
         ("Bản sao hợp đồng mua bán với thương nhân bán buôn rượu", 0, 1, False)),
        fees=(("Phí thẩm định cấp Giấy phép bán lẻ rượu", 1200000, "fixed"),), weight=2,
    ),
    # --- city level: received at the city centre, handled by a department
    ProcedureSpec(
        "2.001417", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        "Judicial record certificate for a Vietnamese citizen", "ly-lich-tu-phap", "tuphap",
        "10", ("0.5", "8.5", "1"), "full", "Phiếu lý lịch tư pháp",
        "Luật Lý lịch tư pháp số 28/2009/QH12; Thông tư số 244/2016/TT-BTC",
        (("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0, False), ID_COPY, MANDATE),
        fees=(("Phí cung cấp thông tin lý lịch tư pháp", 200000, "fixed"),), weight=10,
    ),
    ProcedureSpec(
        "1.001877", "Đăng ký hoạt động Văn phòng công chứng",
        "Registering a notary office", "cong-chung", "tuphap",
        "10", ("0.5", "8.5", "1"), "partial", "Giấy đăng ký hoạt động Văn phòng công chứng",
        "Luật Công chứng số 46/2024/QH15",
        (("Đơn đề nghị đăng ký hoạt động", 1, 0, False),
         ("Quyết định cho phép thành lập Văn phòng công chứng", 0, 1, False)),
        fees=(("Phí thẩm định điều kiện hoạt động Văn phòng công chứng", 1000000, "fixed"),),
        weight=1,
    ),
    ProcedureSpec(
        "1.004227", "Đăng ký biến động quyền sử dụng đất, tài sản gắn liền với đất",
        "Registering a change of land use rights", "dat-dai", "nnmt",
        "10", ("0.5", "8.5", "1"), "partial", "Giấy chứng nhận quyền sử dụng đất (đã xác nhận)",
        "Luật Đất đai số 31/2024/QH15; Nghị định số 101/2024/NĐ-CP",
        (("Đơn đăng ký biến động đất đai", 1, 0, False),
         ("Bản gốc Giấy chứng nhận đã cấp", 1, 0, False),
         ("Hợp đồng chuyển nhượng đã công chứng", 1, 0, False)),
        fees=(("Lệ phí cấp Giấy chứng nhận", 50000, "fixed"),), weight=8,
    ),
    ProcedureSpec(
        "1.012755", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "First registration of land use rights", "dat-dai", "nnmt",
        "20", ("0.5", "18.5", "1"), "partial", "Giấy chứng nhận quyền sử dụng đất",
        "Luật Đất đai số 31/2024/QH15; Nghị định số 101/2024/NĐ-CP",
        (("Đơn đăng ký đất đai, tài sản gắn liền với đất", 1, 0, False),
         ("Giấy tờ về quyền sử dụng đất (nếu có)", 0, 1, True),
         ("Sơ đồ, trích đo thửa đất", 1, 0, False)),
        fees=(("Lệ phí cấp Giấy chứng nhận lần đầu", 100000, "fixed"),), weight=3,
    ),
    ProcedureSpec(
        "1.009972", "Cấp giấy phép xây dựng mới đối với công trình cấp I, cấp II",
        "Building permit for a class I or II structure", "xay-dung", "xaydung",
        "20", ("0.5", "18.5", "1"), "partial", "Giấy phép xây dựng",
        "Luật Xây dựng số 50/2014/QH13 (sửa đổi 2020); Nghị định số 175/2024/NĐ-CP",
        (("Đơn đề nghị cấp giấy phép xây dựng", 1, 0, False),
         ("Quyết định phê duyệt dự án", 0, 1, False),
         ("Hai bộ bản vẽ thiết kế xây dựng", 2, 0, False)),
        fees=(("Lệ phí cấp giấy phép xây dựng công trình", 150000, "fixed"),), weight=2,
    ),
    ProcedureSpec(
        "1.009983", "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
        "Construction practice certificate (class II, III)", "xay-dung", "xaydung",
        "10", ("0.5", "8.5", "1"), "full", "Chứng chỉ hành nghề hoạt động xây dựng",
        "Nghị định số 175/2024/NĐ-CP; Thông tư số 38/2022/TT-BTC",
        (("Đơn đề nghị cấp chứng chỉ hành nghề", 1, 0, False),
         ("Văn bằng được đào tạo", 0, 1, False), ID_COPY),
        fees=(("Lệ phí cấp chứng chỉ hành nghề", 150000, "fixed"),), weight=2,
    ),
    ProcedureSpec(
        "2.000591", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "Food safety certificate for a business", "luu-thong-hang-hoa", "congthuong",
        "20", ("0.5", "18.5", "1"), "partial", "Giấy chứng nhận cơ sở đủ điều kiện ATTP",
        "Luật An toàn thực phẩm số 55/2010/QH12; Nghị định số 15/2018/NĐ-CP",
        (("Đơn đề nghị cấp Giấy chứng nhận", 1, 0, False),
         ("Bản thuyết minh về cơ sở vật chất", 1, 0, False),
         ("Giấy xác nhận tập huấn kiến thức an toàn thực phẩm", 0, 1, False)),
        fees=(("Phí thẩm định cơ sở sản xuất thực phẩm", 2500000, "fixed"),), weight=2,
    ),
    ProcedureSpec(
        "1.012249", "Cấp lại giấy phép hành nghề khám bệnh, chữa bệnh do bị mất hoặc hư hỏng",
        "Reissuing a lost or damaged medical practice licence", "kham-chua-benh", "yte",
        "2.5", ("0.5", "1.5", "0.5"), "full", "Giấy phép hành nghề khám bệnh, chữa bệnh",
        "Luật Khám bệnh, chữa bệnh số 15/2023/QH15; Nghị định số 96/2023/NĐ-CP",
        (("Đơn đề nghị cấp lại giấy phép hành nghề", 1, 0, False), ID_COPY),
        fees=(("Phí thẩm định cấp lại giấy phép hành nghề", 150000, "fixed"),), weight=2,
    ),
    ProcedureSpec(
        "1.005092", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "Copy of a diploma from the master register", "van-bang", "giaoduc",
        "1.5", ("0.25", "1", "0.25"), "partial", "Bản sao văn bằng, chứng chỉ",
        "Nghị định số 23/2015/NĐ-CP; Thông tư số 21/2019/TT-BGDĐT",
        (("Đơn đề nghị cấp bản sao văn bằng", 1, 0, False), ID_COPY),
        fee_note="Không thu phí", weight=4,
    ),
    ProcedureSpec(
        "1.006390", "Chuyển trường đối với học sinh trung học phổ thông",
        "Transfer of an upper-secondary pupil", "giao-duc", "giaoduc",
        "3", ("0.5", "2", "0.5"), "partial", "Văn bản đồng ý tiếp nhận học sinh",
        "Thông tư số 50/2021/TT-BGDĐT",
        (("Đơn xin chuyển trường của cha mẹ học sinh", 1, 0, False),
         ("Học bạ", 1, 0, False)),
        fee_note="Không thu phí", weight=2,
    ),
    ProcedureSpec(
        "1.000105", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        "Work permit for a foreign worker", "viec-lam", "noivu",
        "10", ("0.5", "8.5", "1"), "partial", "Giấy phép lao động",
        "Bộ luật Lao động số 45/2019/QH14; Nghị định số 219/2025/NĐ-CP",
        (("Văn bản đề nghị cấp giấy phép lao động", 1, 0, False),
         ("Giấy chứng nhận sức khỏe", 1, 0, False),
         ("Bản sao hộ chiếu", 0, 1, False)),
        fees=(("Lệ phí cấp giấy phép lao động", 600000, "fixed"),), weight=2,
    ),
)

STEP_NAMES = (
    ("receive", "officer", "Tiếp nhận, kiểm tra hồ sơ và chuyển xử lý",
     "Receive, check and route the dossier"),
    ("review", "specialist", "Thẩm định hồ sơ, dự thảo kết quả", "Review and draft the result"),
    ("approve", "leader", "Phê duyệt, ký kết quả", "Approve and sign the result"),
)

# Staff: (username, full name, role, agency key). Agency keys: "centre", a department slug,
# "counter:<commune>" (the commune's one-stop counter) or "committee:<commune>".
STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "Võ Thị Thu Hà", "admin", "centre"),
    ("officer", "Trần Thị Bích Ngọc", "officer", "centre"),
    ("officer2", "Nguyễn Hoàng Phúc", "officer", "centre"),
    ("specialist.tuphap", "Lê Văn Cường", "specialist", "tuphap"),
    ("leader.tuphap", "Phạm Minh Dũng", "leader", "tuphap"),
    ("specialist.xaydung", "Huỳnh Thanh Tâm", "specialist", "xaydung"),
    ("leader.xaydung", "Đặng Quốc Huy", "leader", "xaydung"),
    ("specialist.nnmt", "Trương Thị Mỹ Linh", "specialist", "nnmt"),
    ("leader.nnmt", "Lý Văn Sang", "leader", "nnmt"),
    ("specialist.congthuong", "Phan Thị Kim Yến", "specialist", "congthuong"),
    ("leader.congthuong", "Châu Minh Trí", "leader", "congthuong"),
    ("specialist.yte", "Đoàn Thị Thanh Thảo", "specialist", "yte"),
    ("leader.yte", "Nguyễn Văn Khoa", "leader", "yte"),
    ("specialist.giaoduc", "Tô Thị Ngọc Hân", "specialist", "giaoduc"),
    ("leader.giaoduc", "Lâm Quang Vinh", "leader", "giaoduc"),
    ("specialist.noivu", "Bùi Thị Hồng Nhung", "specialist", "noivu"),
    ("leader.noivu", "Hồ Văn Lộc", "leader", "noivu"),
    ("officer.ninhkieu", "Mai Thị Diễm", "officer", "counter:ninhkieu"),
    ("specialist.ninhkieu", "Dương Văn Hải", "specialist", "committee:ninhkieu"),
    ("leader.ninhkieu", "Võ Minh Tuấn", "leader", "committee:ninhkieu"),
    ("admin.ninhkieu", "Ngô Thị Lan", "admin", "committee:ninhkieu"),
    ("officer.caikhe", "Thái Thị Kiều", "officer", "counter:caikhe"),
    ("specialist.caikhe", "Kiều Văn Nam", "specialist", "committee:caikhe"),
    ("leader.caikhe", "Tăng Thanh Bình", "leader", "committee:caikhe"),
    ("officer.cairang", "La Thị Mỹ Tiên", "officer", "counter:cairang"),
    ("specialist.cairang", "Quách Văn Toàn", "specialist", "committee:cairang"),
    ("leader.cairang", "Trịnh Hoài An", "leader", "committee:cairang"),
    ("officer.binhthuy", "Lưu Thị Thanh Trúc", "officer", "counter:binhthuy"),
    ("specialist.binhthuy", "Hà Văn Phong", "specialist", "committee:binhthuy"),
    ("leader.binhthuy", "Triệu Minh Khang", "leader", "committee:binhthuy"),
    ("officer.phongdien", "Cao Thị Tuyết Mai", "officer", "counter:phongdien"),
    ("specialist.phongdien", "Văn Công Danh", "specialist", "committee:phongdien"),
    ("leader.phongdien", "Thạch Minh Đức", "leader", "committee:phongdien"),
)

# A citizen account: some online dossiers belong to it, so the portal has something to show.
CITIZEN = ("congdan", "Nguyễn Thị Hoa", "092187001001", "0900000001")


# What the procedure page shows besides documents and fees (demo texts, written after the
# national database's entries for these procedures; not an official copy).
ELIGIBLE_BY_FIELD: dict[str, str] = {
    "ho-tich": "Công dân Việt Nam; người nước ngoài cư trú tại Việt Nam (theo Luật Hộ tịch).",
    "chung-thuc": "Cá nhân, tổ chức có yêu cầu chứng thực.",
    "ho-kinh-doanh": "Cá nhân, thành viên hộ gia đình là công dân Việt Nam có năng lực hành "
                     "vi dân sự đầy đủ.",
    "xay-dung": "Chủ đầu tư (cá nhân, hộ gia đình, tổ chức) xây dựng công trình.",
    "luu-thong-hang-hoa": "Thương nhân, doanh nghiệp, hộ kinh doanh.",
    "ly-lich-tu-phap": "Công dân Việt Nam; người nước ngoài đã hoặc đang cư trú tại Việt Nam.",
    "cong-chung": "Cá nhân, tổ chức có yêu cầu công chứng.",
    "dat-dai": "Hộ gia đình, cá nhân, tổ chức sử dụng đất.",
    "kham-chua-benh": "Người hành nghề, cơ sở khám bệnh, chữa bệnh.",
    "van-bang": "Người đã được cấp văn bằng, chứng chỉ.",
    "giao-duc": "Học sinh, cha mẹ hoặc người giám hộ của học sinh.",
    "viec-lam": "Người lao động, người sử dụng lao động.",
}
CONDITIONS_BY_FIELD: dict[str, str] = {
    "ho-tich": "Giấy tờ nộp kèm còn giá trị sử dụng; người nộp thay có văn bản ủy quyền "
               "(trừ ông, bà, cha, mẹ, con, vợ, chồng, anh, chị, em ruột).",
    "ho-kinh-doanh": "Ngành, nghề kinh doanh không bị cấm; tên hộ kinh doanh không trùng "
                     "trong phạm vi cấp xã.",
    "xay-dung": "Công trình phù hợp quy hoạch được duyệt; có quyền sử dụng đất hợp pháp.",
    "dat-dai": "Đất không có tranh chấp; đã hoàn thành nghĩa vụ tài chính theo quy định.",
}


def applicant_steps(spec: ProcedureSpec) -> str:
    """Trình tự thực hiện of a demo procedure, one step per line."""
    where = ("Bộ phận Một cửa cấp xã" if spec.handler == "commune"
             else "Trung tâm Phục vụ hành chính công thành phố")
    online = ("nộp trực tuyến trên Cổng dịch vụ công hoặc " if spec.online != "none" else "")
    return "\n".join((
        "Chuẩn bị hồ sơ theo thành phần nêu dưới đây.",
        f"Nộp hồ sơ: {online}nộp trực tiếp tại {where} (hoặc bất kỳ trung tâm nào trong "
        "thành phố).",
        "Cán bộ tiếp nhận kiểm tra hồ sơ; hồ sơ đầy đủ được cấp Giấy tiếp nhận hồ sơ và "
        "hẹn trả kết quả; hồ sơ chưa đầy đủ được hướng dẫn bổ sung một lần.",
        "Cơ quan có thẩm quyền thẩm định, giải quyết; nộp phí, lệ phí (nếu có).",
        f"Nhận kết quả – {spec.result} – tại nơi nộp hồ sơ, qua bưu chính hoặc bản điện tử.",
    ))


def is_form(document_name: str) -> bool:
    """Documents that follow a printed form (tờ khai, đơn): the demo offers a template."""
    name = document_name.lower()
    return name.startswith(("tờ khai", "đơn", "phiếu", "bản khai"))


@dataclass(frozen=True)
class FormFieldSpec:
    """One field of a demo electronic form (catalog.DeclarationField)."""

    key: str
    section: str
    label: str
    label_en: str
    kind: str = "text"
    required: bool = True
    help_text: str = ""
    choices: str = ""
    prefill: str = ""


_REQUESTER = "Người yêu cầu"
_CHILD = "Người được đăng ký khai sinh"
_MOTHER = "Mẹ"
_FATHER = "Cha"
# The birth registration declaration in fields (after the form "Tờ khai đăng ký khai sinh"
# of the civil status rules; demo data: a city checks its own form against the Ministry of
# Justice's current one before publishing). Filed online it replaces the scanned tờ khai.
BIRTH_REGISTRATION_FORM: tuple[FormFieldSpec, ...] = (
    FormFieldSpec("requester_name", _REQUESTER, "Họ, chữ đệm, tên", "Full name",
                  prefill="full_name"),
    FormFieldSpec("requester_id", _REQUESTER, "Số định danh cá nhân",
                  "Personal identification number", kind="id_number", prefill="cccd"),
    FormFieldSpec("requester_relation", _REQUESTER, "Quan hệ với người được khai sinh",
                  "Relationship to the child", kind="choice", choices="Cha\nMẹ\nÔng\nBà\nKhác"),
    FormFieldSpec("child_name", _CHILD, "Họ, chữ đệm, tên", "Full name"),
    FormFieldSpec("child_birth_date", _CHILD, "Ngày, tháng, năm sinh", "Date of birth",
                  kind="past_date"),
    FormFieldSpec("child_sex", _CHILD, "Giới tính", "Sex", kind="choice", choices="Nam\nNữ"),
    FormFieldSpec("child_birth_place", _CHILD, "Nơi sinh", "Place of birth",
                  help_text="Tên cơ sở y tế, hoặc địa chỉ nơi sinh nếu sinh ngoài cơ sở y tế."),
    FormFieldSpec("child_ethnicity", _CHILD, "Dân tộc", "Ethnic group", help_text="Ví dụ: Kinh."),
    FormFieldSpec("child_nationality", _CHILD, "Quốc tịch", "Nationality",
                  help_text="Ví dụ: Việt Nam."),
    FormFieldSpec("child_home_town", _CHILD, "Quê quán", "Home town", required=False),
    FormFieldSpec("mother_name", _MOTHER, "Họ, chữ đệm, tên", "Full name"),
    FormFieldSpec("mother_birth_year", _MOTHER, "Năm sinh", "Year of birth", kind="number"),
    FormFieldSpec("mother_id", _MOTHER, "Số định danh cá nhân",
                  "Personal identification number", kind="id_number", required=False),
    FormFieldSpec("mother_residence", _MOTHER, "Nơi cư trú", "Residence"),
    FormFieldSpec("father_name", _FATHER, "Họ, chữ đệm, tên", "Full name", required=False,
                  help_text="Để trống nếu chưa xác định được cha."),
    FormFieldSpec("father_birth_year", _FATHER, "Năm sinh", "Year of birth", kind="number",
                  required=False),
    FormFieldSpec("father_id", _FATHER, "Số định danh cá nhân",
                  "Personal identification number", kind="id_number", required=False),
    FormFieldSpec("father_residence", _FATHER, "Nơi cư trú", "Residence", required=False),
)
# procedure code -> its electronic form; the version's "Tờ khai …" document is filled in by it.
ELECTRONIC_FORMS: dict[str, tuple[FormFieldSpec, ...]] = {"1.001193": BIRTH_REGISTRATION_FORM}
SECTIONS_EN = {_REQUESTER: "Person making the request", _CHILD: "Child being registered",
               _MOTHER: "Mother", _FATHER: "Father"}


def demo_declaration(*, name: str, id_number: str, address: str,
                     day: datetime.date) -> dict[str, str]:
    """A filled birth registration form for a demo applicant (the mother, filing online for a
    child born ten days earlier); every name is fictitious demo data."""
    family = (name.split() or ["Nguyễn"])[0]
    century = "19" if id_number[3:4] in ("0", "1") else "20"
    return {
        "requester_name": name, "requester_id": id_number, "requester_relation": "Mẹ",
        "child_name": f"{family} Minh Khôi", "child_sex": "Nam",
        "child_birth_date": (day - datetime.timedelta(days=10)).isoformat(),
        "child_birth_place": "Bệnh viện Phụ sản thành phố Cần Thơ",
        "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_home_town": "",
        "mother_name": name, "mother_birth_year": f"{century}{id_number[4:6]}",
        "mother_id": id_number, "mother_residence": address or "Thành phố Cần Thơ",
        "father_name": "", "father_birth_year": "", "father_id": "", "father_residence": "",
    }
