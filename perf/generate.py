"""Fill the perf database with a city's year of dossiers (1,000,000 by default), fast.

The small world (10 agencies, 20 published procedure versions with 3 steps each, staff with
roles) is created through the ORM and the catalog's own shapes (onestop.testing's helpers);
the dossiers, their 3 planned steps, the current-step pointers, the open supplement
requests and the per-day code counters are bulk-loaded by `INSERT … SELECT generate_series`
inside PostgreSQL, in one transaction, so a failed run leaves nothing half-made.

What is synthetic, on purpose (see perf/README.md):
- times are derived from the row number: a year of submissions at a steady rate during
  office hours, appointments at `received + 1.4 × processing days` (working days
  approximated in calendar time, not WorkCalendar.due: the distribution is what matters
  for the pages, and it keeps the load inside the database);
- statuses depend on the age of the dossier (recent ones mostly open, old ones mostly
  returned), so every status 1..10 is present and ~7 % of dossiers are open;
- only a sample of dossiers (every 1000th) gets audit events and submitted documents, and
  those events are appended through onestop.core.audit.audit_append, so the hash chain stays
  valid; the other generated dossiers have no audit history (services would have written
  one);
- foreign keys are not checked row by row during the load (session_replication_role =
  replica, which needs a superuser); `_verify` checks them with set queries afterwards.

Idempotent: does nothing when the generated agencies already hold >= the requested count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

TARGET = 1_000_000
SPAN_DAYS = 365
SAMPLE_EVERY = 1000  # every n-th generated dossier gets audit events and documents
MARK = "000.00.00.H92"  # code of the generated city's service centre: "already generated?"

CENTRE = (MARK, "Trung tâm Phục vụ hành chính công thành phố (perf)", "service_centre")
COMMUNE_CENTRES = [
    ("000.01.01.H92", "Bộ phận Một cửa phường Ninh Kiều (perf)", "commune_centre"),
    ("000.02.01.H92", "Bộ phận Một cửa phường Cái Răng (perf)", "commune_centre"),
]
DEPARTMENTS = [
    ("000.00.01.H92", "Sở Tư pháp (perf)", "department"),
    ("000.00.02.H92", "Sở Xây dựng (perf)", "department"),
    ("000.00.03.H92", "Sở Nông nghiệp và Môi trường (perf)", "department"),
    ("000.00.04.H92", "Sở Công Thương (perf)", "department"),
    ("000.00.05.H92", "Sở Y tế (perf)", "department"),
    ("000.00.06.H92", "Sở Giáo dục và Đào tạo (perf)", "department"),
    ("000.00.07.H92", "Sở Tài chính (perf)", "department"),
]
# (name, field slug, department index, processing working days). Ordered by popularity:
# the k-th procedure gets weight 1/(k+1)^0.8 (a few procedures take most of the dossiers).
PROCEDURES = [
    ("Đăng ký khai sinh", "ho-tich", 0, "3"),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "xay-dung", 1, "15"),
    ("Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "dat-dai", 2, "20"),
    ("Đăng ký kết hôn", "ho-tich", 0, "3"),
    ("Cấp phiếu lý lịch tư pháp", "ho-tich", 0, "10"),
    ("Cấp giấy phép kinh doanh bán lẻ rượu", "cong-thuong", 3, "10"),
    ("Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "y-te", 4, "30"),
    ("Đăng ký biến động đất đai", "dat-dai", 2, "10"),
    ("Chứng thực bản sao từ bản chính", "chung-thuc", 0, "2"),
    ("Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm", "y-te", 4, "20"),
    ("Công nhận trường đạt chuẩn quốc gia", "giao-duc", 5, "20"),
    ("Cấp giấy phép môi trường", "moi-truong", 2, "30"),
    ("Đăng ký khai tử", "ho-tich", 0, "2"),
    ("Cấp giấy phép sửa chữa, cải tạo công trình", "xay-dung", 1, "15"),
    ("Thẩm định giá đất cụ thể", "tai-chinh", 6, "15"),
    ("Cấp giấy phép hoạt động điện lực", "cong-thuong", 3, "15"),
    ("Cấp giấy phép thành lập trung tâm ngoại ngữ", "giao-duc", 5, "20"),
    ("Đăng ký giám hộ", "ho-tich", 0, "5"),
    ("Cấp giấy xác nhận tình trạng hôn nhân", "ho-tich", 0, "3"),
    ("Quyết toán vốn đầu tư dự án hoàn thành", "tai-chinh", 6, "30"),
]
FIELDS = {
    "ho-tich": "Hộ tịch", "xay-dung": "Xây dựng", "dat-dai": "Đất đai",
    "cong-thuong": "Công thương", "y-te": "Y tế", "chung-thuc": "Chứng thực",
    "giao-duc": "Giáo dục và Đào tạo", "moi-truong": "Môi trường", "tai-chinh": "Tài chính",
}
# Status mix by age of the dossier: (max age in days, {status: percent}).
STATUS_BY_AGE = [
    (3, {1: 15, 2: 40, 3: 3, 4: 35, 5: 4, 7: 1, 9: 2}),
    (45, {1: 1, 2: 3, 3: 2, 4: 30, 5: 8, 6: 3, 7: 2, 8: 1, 9: 15, 10: 35}),
    (SPAN_DAYS + 1, {3: 3, 4: 1, 5: 1, 7: 3, 8: 2, 9: 2, 10: 88}),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Thu", "Đức", "Hoài"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Em", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khoa",
         "Lan", "Linh", "Long", "Mai", "Nam", "Ngân", "Phúc", "Quân", "Tâm", "Thảo", "Trang",
         "Tuấn", "Vy"]
STREETS = ["Đường 30 Tháng 4", "Đường 3 Tháng 2", "Đường Mậu Thân", "Đường Nguyễn Văn Cừ",
           "Đường Trần Hưng Đạo", "Đường Hòa Bình", "Đường Lý Tự Trọng", "Đường Cách Mạng Tháng 8"]


@dataclass
class GenerateResult:
    skipped: bool
    dossiers: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def generated_count() -> int:
    from onestop.agencies.models import Agency
    from onestop.dossiers.models import Dossier

    ids = list(Agency.objects.filter(code__endswith=".H92").values_list("id", flat=True))
    if not ids:
        return 0
    return Dossier.objects.filter(receiving_agency_id__in=ids).count()


def _weights_to_buckets(weights: list[float], buckets: int) -> list[int]:
    """Index of the item for each of `buckets` equal slices of the cumulative weights."""
    total = sum(weights)
    out: list[int] = []
    acc = 0.0
    item = 0
    for b in range(buckets):
        point = (b + 0.5) / buckets * total
        while acc + weights[item] < point:
            acc += weights[item]
            item += 1
        out.append(item)
    return out


def _make_world() -> dict[str, Any]:
    """Agencies, staff, fields and 20 published procedure versions, through the ORM."""
    from onestop.agencies.models import Agency, Role
    from onestop.catalog.models import Field
    from onestop.testing import make_procedure, make_user

    def agency(code: str, name: str, kind: str) -> Agency:
        return Agency.objects.create(code=code, name=name, kind=kind)

    centre = agency(*CENTRE)
    communes = [agency(*c) for c in COMMUNE_CENTRES]
    departments = [agency(*d) for d in DEPARTMENTS]
    staff: list[tuple[int, str, int]] = []
    for a in [centre, *communes]:
        user = make_user(f"perf-{a.code}-officer", f"Cán bộ một cửa {a.code}",
                         **{Role.OFFICER.value: a})
        staff.append((a.id, Role.OFFICER.value, user.id))
    for a in departments:
        for role, title in ((Role.SPECIALIST, "Chuyên viên"), (Role.LEADER, "Lãnh đạo")):
            user = make_user(f"perf-{a.code}-{role.value}", f"{title} {a.code}",
                             **{role.value: a})
            staff.append((a.id, role.value, user.id))
    fields = {
        slug: Field.objects.create(code=f"perf-{slug}", name=name) for slug, name in FIELDS.items()
    }
    versions = []
    for n, (name, slug, dept, days) in enumerate(PROCEDURES, start=1):
        versions.append(make_procedure(
            code=f"9.{n:06d}", name=name, field=fields[slug], centre=None,
            handling=departments[dept], days=days,
        ))
    return {"centre": centre, "communes": communes, "departments": departments,
            "staff": staff, "versions": versions}


def _load_temp_tables(world: dict[str, Any]) -> None:
    versions = world["versions"]
    weights = [1 / (k + 1) ** 0.8 for k in range(len(versions))]
    buckets = _weights_to_buckets(weights, 10_000)
    handling = [v.competent_agencies.get().id for v in versions]
    with connection.cursor() as c:
        c.execute("""
            CREATE TEMP TABLE perf_pv_bucket (
                b int PRIMARY KEY, pv_id bigint, handling_id bigint, days numeric
            ) ON COMMIT DROP""")
        c.execute(
            "INSERT INTO perf_pv_bucket SELECT * FROM unnest(%s::int[], %s::bigint[], "
            "%s::bigint[], %s::numeric[])",
            [list(range(10_000)), [versions[k].id for k in buckets],
             [handling[k] for k in buckets], [versions[k].processing_days for k in buckets]],
        )
        rows: list[tuple[int, int, int]] = []
        for age_class, (_max_age, mix) in enumerate(STATUS_BY_AGE):
            assert sum(mix.values()) == 100, mix
            b = 0
            for status, pct in mix.items():
                for _ in range(pct):
                    rows.append((age_class, b, status))
                    b += 1
        c.execute("CREATE TEMP TABLE perf_status_bucket (age_class int, b int, status int, "
                  "PRIMARY KEY (age_class, b)) ON COMMIT DROP")
        c.execute("INSERT INTO perf_status_bucket SELECT * FROM unnest(%s::int[], %s::int[], "
                  "%s::int[])", [list(x) for x in zip(*rows, strict=True)])
        c.execute("CREATE TEMP TABLE perf_staff (agency_id bigint, role text, user_id bigint, "
                  "PRIMARY KEY (agency_id, role)) ON COMMIT DROP")
        c.execute("INSERT INTO perf_staff SELECT * FROM unnest(%s::bigint[], %s::text[], "
                  "%s::bigint[])", [list(x) for x in zip(*world["staff"], strict=True)])


def _insert_dossiers(*, n: int, dbase: int, sbase: int, world: dict[str, Any]) -> int:
    from onestop.dossiers.models import ApplicantKind, Dossier, ResultDelivery

    centre = world["centre"].id
    c1, c2 = (a.id for a in world["communes"])
    age1, age2 = STATUS_BY_AGE[0][0], STATUS_BY_AGE[1][0]
    # Working hours of a day, in seconds from midnight: 07:00-11:00 and 13:00-17:00.
    sql = f"""
    WITH g AS (
        SELECT i,
               hashint4(i)::bigint + 2147483648 AS h1,
               hashint4(i # 1431655765)::bigint + 2147483648 AS h2,
               hashint4(i # 858993459)::bigint + 2147483648 AS h3,
               floor((i - 1)::float8 * %(span)s / %(n)s)::int AS day_no
        FROM generate_series(1, %(n)s) AS i
    ), s AS (
        SELECT g.*, b.pv_id, b.handling_id, b.days,
               CASE WHEN (g.h1 / 10000) %% 100 < 60 THEN %(centre)s
                    WHEN (g.h1 / 10000) %% 100 < 85 THEN %(c1)s ELSE %(c2)s END AS receiving_id,
               (((current_date - %(span)s) + g.day_no)
                 + make_interval(secs => 25200 + (g.h2 %% 28800)
                                        + CASE WHEN g.h2 %% 28800 >= 14400 THEN 7200 ELSE 0 END)
               ) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS submitted_at,
               st.status
        FROM g
        JOIN perf_pv_bucket b ON b.b = g.h1 %% 10000
        JOIN perf_status_bucket st ON st.b = (g.h3 / 1000) %% 100 AND st.age_class =
            CASE WHEN %(span)s - g.day_no <= %(age1)s THEN 0
                 WHEN %(span)s - g.day_no <= %(age2)s THEN 1 ELSE 2 END
    ), r AS (
        SELECT s.*,
               CASE WHEN s.status IN (1, 3) THEN 2
                    WHEN s.h3 %% 100 < 65 THEN 1 WHEN s.h3 %% 100 < 95 THEN 2 ELSE 3 END AS channel,
               CASE WHEN s.status IN (1, 3) THEN NULL
                    WHEN s.h3 %% 100 BETWEEN 65 AND 94 THEN s.submitted_at + interval '2 hours'
                    ELSE s.submitted_at END AS received_at
        FROM s
    ), t AS (
        SELECT r.*,
               r.received_at + r.days * interval '1.4 days' AS appointment_at,
               CASE WHEN r.status = 2 THEN 1
                    WHEN r.status = 4 THEN CASE WHEN r.h2 %% 5 = 0 THEN 3 ELSE 2 END
                    WHEN r.status IN (5, 6) THEN 2 END AS cur_order,
               CASE WHEN r.received_at IS NOT NULL THEN row_number() OVER (
                   PARTITION BY r.receiving_id, r.received_at IS NULL,
                                (r.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                   ORDER BY r.received_at, r.i) END AS seq
        FROM r
    ), u AS (
        SELECT t.*,
               CASE WHEN t.status IN (9, 10) THEN t.received_at
                        + (t.appointment_at - t.received_at) * (0.4 + (t.h1 %% 80) / 100.0)
                    WHEN t.status = 8 THEN t.received_at + (t.appointment_at - t.received_at) / 2
                    WHEN t.status = 3 THEN t.submitted_at + interval '1 hour' END AS finished_at
        FROM t
    )
    INSERT INTO {_table(Dossier)} (
        id, code, procedure_version_id, receiving_agency_id, handling_agency_id, status, channel,
        version, applicant_name, applicant_id_number, applicant_phone, applicant_email,
        applicant_address, applicant_id, filed_by_id, note, submitted_at, received_at,
        original_appointment_at, appointment_at, paused_at, finished_at, returned_at,
        current_step_id, "current_role", supplement_count, due_soon_flagged_at,
        overdue_flagged_at, updated_at, applicant_kind, applicant_tax_code,
        applicant_representative, filer_name, filer_id_number, authorisation, result_delivery,
        legal_due_at, declaration
    )
    SELECT %(dbase)s + u.i,
           CASE WHEN u.seq IS NOT NULL THEN a.code || '-'
                || to_char(u.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-'
                || lpad(u.seq::text, 4, '0') END,
           u.pv_id, u.receiving_id, u.handling_id, u.status, u.channel,
           CASE u.status WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 2 WHEN 4 THEN 3 WHEN 5 THEN 4
                         WHEN 6 THEN 4 WHEN 9 THEN 5 WHEN 10 THEN 6 ELSE 4 END,
           (%(family)s::text[])[1 + u.h1 %% 16] || ' ' || (%(middle)s::text[])[1 + u.h2 %% 10]
               || ' ' || (%(given)s::text[])[1 + u.h3 %% 24],
           lpad((1 + (u.h1 / 7) %% 96)::text, 3, '0') || ((u.h2 / 7) %% 4)::text
               || lpad(((u.h3 / 7) %% 100)::text, 2, '0')
               || lpad(((u.h1 / 700) %% 1000000)::text, 6, '0'),
           '09' || lpad(((u.h2 / 13) %% 100000000)::text, 8, '0'),
           CASE WHEN u.channel = 2 THEN 'nguoi' || u.i || '@example.vn' ELSE '' END,
           (1 + u.h3 %% 300)::text || ' ' || (%(streets)s::text[])[1 + (u.h3 / 300) %% 8]
               || ', Cần Thơ',
           NULL,
           CASE WHEN u.channel = 1 THEN off.user_id END,
           '',
           u.submitted_at, u.received_at, u.appointment_at, u.appointment_at,
           CASE WHEN u.status = 5 THEN u.received_at + interval '1 day' END,
           u.finished_at,
           CASE WHEN u.status = 10 THEN u.finished_at + (1 + u.h2 %% 5) * interval '1 day' END,
           CASE WHEN u.cur_order IS NOT NULL THEN %(sbase)s + 3 * (u.i - 1) + u.cur_order END,
           '',
           CASE WHEN u.status = 5 OR (u.status = 10 AND u.h2 %% 20 = 0) THEN 1 ELSE 0 END,
           NULL,
           CASE WHEN u.status IN (2, 4, 6) AND u.appointment_at < now() THEN u.appointment_at END,
           COALESCE(u.finished_at, u.received_at, u.submitted_at),
           %(individual)s, '', '', '', '', '', %(counter)s,
           -- The legal due moment: the receipt slip's appointment (no apology moves it).
           u.appointment_at,
           -- No electronic declaration (the generated filings carry scans).
           '{{}}'
    FROM u
    JOIN agencies_agency a ON a.id = u.receiving_id
    LEFT JOIN perf_staff off ON off.agency_id = u.receiving_id AND off.role = 'officer'
    """
    with connection.cursor() as c:
        c.execute(sql, {
            "n": n, "span": SPAN_DAYS, "centre": centre, "c1": c1, "c2": c2, "age1": age1,
            "age2": age2, "dbase": dbase, "sbase": sbase, "family": FAMILY, "middle": MIDDLE,
            "given": GIVEN, "streets": STREETS,
            "individual": ApplicantKind.INDIVIDUAL.value, "counter": ResultDelivery.COUNTER.value,
        })
        return c.rowcount


def _copy_current_step(*, n: int, dbase: int) -> None:
    """What services.record() keeps on every dossier: its current step's agency, role, assignee."""
    from onestop.dossiers.models import Dossier, DossierStep

    with connection.cursor() as c:
        c.execute(
            f"""UPDATE {_table(Dossier)} d SET current_agency_id = s.agency_id,
                       "current_role" = s.role, current_assignee_id = s.assignee_id
                FROM {_table(DossierStep)} s
                WHERE s.id = d.current_step_id
                  AND d.id > %(dbase)s AND d.id <= %(dbase)s + %(n)s""",
            {"n": n, "dbase": dbase},
        )


def _insert_steps(*, n: int, dbase: int, sbase: int) -> int:
    from onestop.catalog.models import ProcessStep
    from onestop.dossiers.models import Dossier, DossierStep

    # Step k's end, as a fraction `f` of the way from receipt to the processing end (for a
    # finished dossier) or to the step's own due moment (for an open one).
    sql = f"""
    WITH cum AS (
        SELECT ps.*, sum(ps.allotment_days) OVER (PARTITION BY ps.version_id ORDER BY ps."order")
                   AS cum_days,
               sum(ps.allotment_days) OVER (PARTITION BY ps.version_id) AS total_days
        FROM {_table(ProcessStep)} ps
    ), x AS (
        SELECT d.id AS dossier_id, d.status, d.received_at, d.finished_at AS d_finished,
               d.appointment_at,
               d.current_step_id - (%(sbase)s + 3 * (d.id - %(dbase)s - 1)) AS cur_order,
               cum."order" AS k, cum.name, cum.kind, cum.role,
               COALESCE(cum.agency_id, d.receiving_agency_id) AS agency_id,
               cum.allotment_days, cum.cum_days, cum.total_days,
               d.received_at + cum.cum_days * interval '1.4 days' AS due_raw,
               d.received_at + (cum.cum_days - cum.allotment_days) * interval '1.4 days'
                   AS prev_due_raw,
               cum."order" = max(cum."order") OVER (PARTITION BY d.id) AS is_last
        FROM {_table(Dossier)} d
        JOIN cum ON cum.version_id = d.procedure_version_id
        WHERE d.id > %(dbase)s AND d.id <= %(dbase)s + %(n)s AND d.status NOT IN (1, 3)
    ), y AS (
        SELECT x.*,
               x.status IN (9, 10) OR x.k < x.cur_order
                   OR (x.status IN (7, 8) AND x.k = 1) AS done,
               x.status IN (9, 10) OR x.k <= x.cur_order
                   OR (x.status IN (7, 8) AND x.k <= 2) AS started,
               CASE WHEN x.status IN (9, 10) THEN x.received_at + (x.d_finished - x.received_at)
                        * (x.cum_days / NULLIF(x.total_days, 0))
                    ELSE x.received_at + (x.due_raw - x.received_at) * 0.9 END AS end_at,
               CASE WHEN x.status IN (9, 10) THEN x.received_at + (x.d_finished - x.received_at)
                        * ((x.cum_days - x.allotment_days) / NULLIF(x.total_days, 0))
                    ELSE x.received_at + (x.prev_due_raw - x.received_at) * 0.9 END AS start_at
        FROM x
    )
    INSERT INTO {_table(DossierStep)} (
        id, dossier_id, "order", name, kind, agency_id, role, allotted_seconds, assignee_id,
        started_at, due_at, finished_at, finished_by_id, note
    )
    SELECT %(sbase)s + 3 * (y.dossier_id - %(dbase)s - 1) + y.k, y.dossier_id, y.k, y.name,
           y.kind, y.agency_id, y.role, (y.allotment_days * 28800)::int,
           CASE WHEN y.started AND y.role = 'specialist' THEN staff.user_id END,
           CASE WHEN y.started THEN CASE WHEN y.k = 1 THEN y.received_at
                                         ELSE COALESCE(y.start_at, y.received_at) END END,
           CASE WHEN y.is_last THEN greatest(y.due_raw, y.appointment_at) ELSE y.due_raw END,
           CASE WHEN y.done THEN COALESCE(y.end_at, y.received_at) END,
           CASE WHEN y.done THEN staff.user_id END,
           ''
    FROM y
    LEFT JOIN perf_staff staff ON staff.agency_id = y.agency_id AND staff.role = y.role
    """
    with connection.cursor() as c:
        c.execute(sql, {"n": n, "dbase": dbase, "sbase": sbase})
        return c.rowcount


def _insert_supplements(*, n: int, dbase: int) -> int:
    from onestop.dossiers.models import Dossier, SupplementRequest

    sql = f"""
    INSERT INTO {_table(SupplementRequest)} (
        dossier_id, requested_by_id, requested_at, reason, items, resolved_at, resolved_by_id,
        paused_seconds, resume_status
    )
    SELECT d.id, staff.user_id, d.paused_at, 'Thiếu giấy tờ theo quy định',
           'Bản sao giấy tờ tùy thân có chứng thực', NULL, NULL, 0, 4
    FROM {_table(Dossier)} d
    JOIN perf_staff staff ON staff.agency_id = d.handling_agency_id AND staff.role = 'specialist'
    WHERE d.id > %(dbase)s AND d.id <= %(dbase)s + %(n)s AND d.status = 5
    """
    with connection.cursor() as c:
        c.execute(sql, {"n": n, "dbase": dbase})
        return c.rowcount


def _insert_code_counters(*, n: int, dbase: int) -> int:
    from onestop.dossiers.models import CodeCounter, Dossier

    # The counters a real run would have left, so a receipt on a generated day continues the
    # sequence instead of reusing a code.
    sql = f"""
    INSERT INTO {_table(CodeCounter)} (agency_id, day, last)
    SELECT d.receiving_agency_id, (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
           max(right(d.code, 4)::int)
    FROM {_table(Dossier)} d
    WHERE d.id > %(dbase)s AND d.id <= %(dbase)s + %(n)s AND d.code IS NOT NULL
    GROUP BY 1, 2
    """
    with connection.cursor() as c:
        c.execute(sql, {"n": n, "dbase": dbase})
        return c.rowcount


def _sample_history(*, n: int, dbase: int) -> tuple[int, int]:
    """Audit events (through audit_append: the chain stays valid) and documents for a sample."""
    from onestop.core.audit import audit_append
    from onestop.dossiers.models import Dossier, DossierDocument

    sample = list(
        Dossier.objects.filter(id__gt=dbase, id__lte=dbase + n, id__in=[
            dbase + i for i in range(SAMPLE_EVERY, n + 1, SAMPLE_EVERY)
        ]).select_related("filed_by", "procedure_version").order_by("id")
    )
    events = 0
    documents: list[DossierDocument] = []
    for d in sample:
        if d.received_at is None:
            audit_append(actor=None, action="dossier.submit_online", object_type="dossier",
                         object_id=d.pk, to_state="1", at=d.submitted_at)
            events += 1
            continue
        audit_append(actor=d.filed_by, action="dossier.intake", object_type="dossier",
                     object_id=d.pk, to_state="2", at=d.received_at,
                     data={"code": d.code, "appointment": d.appointment_at})
        events += 1
        if d.status not in (2, 7):
            audit_append(actor=None, action="dossier.hand_over", object_type="dossier",
                         object_id=d.pk, from_state="2", to_state="4", at=d.received_at)
            events += 1
        if d.status not in (2, 4):
            audit_append(actor=None, action="dossier.generated_final", object_type="dossier",
                         object_id=d.pk, from_state="4", to_state=str(d.status),
                         at=d.finished_at or d.updated_at)
            events += 1
        for name, originals, copies in (("Tờ khai theo mẫu", 1, 0), ("Giấy tờ tùy thân", 0, 1)):
            documents.append(DossierDocument(
                dossier=d, kind=DossierDocument.Kind.SUBMITTED, name=name,
                originals=originals, copies=copies, uploaded_by=d.filed_by,
                uploaded_at=d.received_at, required_document=None,
            ))
    DossierDocument.objects.bulk_create(documents, batch_size=1000)
    return events, len(documents)


def _verify(*, n: int, dbase: int) -> dict[str, int]:
    """The foreign keys the load did not check row by row, checked as sets."""
    from onestop.dossiers.models import Dossier, DossierStep

    d, s = _table(Dossier), _table(DossierStep)
    checks = {
        "dossiers without their current step": f"""
            SELECT count(*) FROM {d} x LEFT JOIN {s} st ON st.id = x.current_step_id
            WHERE x.id > %(dbase)s AND x.current_step_id IS NOT NULL
              AND (st.id IS NULL OR st.dossier_id <> x.id)""",
        "steps of missing dossiers": f"""
            SELECT count(*) FROM {s} st LEFT JOIN {d} x ON x.id = st.dossier_id
            WHERE st.dossier_id > %(dbase)s AND x.id IS NULL""",
        "received dossiers without 3 steps": f"""
            SELECT count(*) FROM (SELECT x.id FROM {d} x LEFT JOIN {s} st ON st.dossier_id = x.id
              WHERE x.id > %(dbase)s AND x.received_at IS NOT NULL
              GROUP BY x.id HAVING count(st.id) <> 3) bad""",
    }
    out: dict[str, int] = {}
    with connection.cursor() as c:
        for name, sql in checks.items():
            c.execute(sql, {"dbase": dbase})
            out[name] = c.fetchone()[0]
    bad = {k: v for k, v in out.items() if v}
    if bad:
        raise RuntimeError(f"generated data is inconsistent: {bad}")
    return out


def _set_sequences() -> None:
    from onestop.dossiers.models import Dossier, DossierStep

    with connection.cursor() as c:
        for model in (Dossier, DossierStep):
            table = model._meta.db_table
            c.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"(SELECT max(id) FROM {_table(model)}))", [table],
            )


def generate(n: int = TARGET, *, log: Any = print) -> GenerateResult:
    """Generate `n` dossiers unless they are already there. Takes a few minutes for 1M."""
    from onestop.dossiers.models import Dossier, DossierStep

    if connection.vendor != "postgresql":
        raise RuntimeError("the generator loads data with PostgreSQL SQL")
    existing = generated_count()
    if existing >= n:
        return GenerateResult(skipped=True, dossiers=existing, seconds=0.0)
    from onestop.agencies.models import Agency

    if Agency.objects.filter(code=MARK).exists():
        raise RuntimeError(
            f"the perf database holds {existing:,} generated dossiers, fewer than {n:,}: "
            "start again from an empty database with `perf/run --reset`"
        )
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 2)
        log(f"  generate: {name} {timings[name]:.1f} s")
        return now

    t = t_start
    with transaction.atomic():
        with connection.cursor() as c:
            # The load is one transaction of millions of rows: give it memory for its sorts
            # and skip the per-row foreign key triggers (checked as sets by _verify).
            c.execute("SET LOCAL work_mem = '256MB'")
            c.execute("SET LOCAL maintenance_work_mem = '512MB'")
            c.execute("SET LOCAL session_replication_role = replica")
            c.execute(f"SELECT COALESCE(max(id), 0) FROM {_table(Dossier)}")
            dbase = c.fetchone()[0] + 1000
            c.execute(f"SELECT COALESCE(max(id), 0) FROM {_table(DossierStep)}")
            sbase = c.fetchone()[0] + 1000
        world = _make_world()
        _load_temp_tables(world)
        t = lap("world (ORM)", t)
        counts["dossiers"] = _insert_dossiers(n=n, dbase=dbase, sbase=sbase, world=world)
        t = lap("dossiers", t)
        counts["steps"] = _insert_steps(n=n, dbase=dbase, sbase=sbase)
        _copy_current_step(n=n, dbase=dbase)
        t = lap("steps", t)
        counts["supplement requests"] = _insert_supplements(n=n, dbase=dbase)
        counts["code counters"] = _insert_code_counters(n=n, dbase=dbase)
        _set_sequences()
        t = lap("supplements, counters, sequences", t)
        with connection.cursor() as c:
            c.execute("SET LOCAL session_replication_role = origin")
        counts["audit events"], counts["documents"] = _sample_history(n=n, dbase=dbase)
        t = lap("sample history (audit_append)", t)
        _verify(n=n, dbase=dbase)
        t = lap("verify", t)
    t = lap("commit", t)
    with connection.cursor() as c:
        # Fresh statistics and visibility map, as autovacuum would leave a live database.
        for model in (Dossier, DossierStep):
            c.execute(f"VACUUM (ANALYZE) {_table(model)}")
        c.execute("ANALYZE")
    lap("vacuum analyze", t)
    return GenerateResult(skipped=False, dossiers=counts["dossiers"],
                          seconds=round(time.perf_counter() - t_start, 1), steps=timings,
                          counts=counts)

