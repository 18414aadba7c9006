"""Demo ratings and feedback (PAKN), written only through the feedback services.

Runs after the dossier simulation, inside the demo's transaction, so the portal's list of
published feedback and the back office's queues are not empty. Every moment is in the past
and inside office hours.
"""

from __future__ import annotations

import datetime
import random

from onestop.accounts.models import User
from onestop.agencies.models import Agency, Membership, Role
from onestop.core.calendars import calendar_for
from onestop.core.errors import DomainError
from onestop.dossiers.models import Dossier, Status
from onestop.feedback import services as fsvc

COMMENTS = ("Cán bộ hướng dẫn tận tình.", "Trả kết quả đúng hẹn.", "", "Nộp trực tuyến rất tiện.")

# (subject, content, answer or "" to leave open, consent, target)
# target: "centre", "procedure:<index>", "dossier" (verified), "dossier-wrong" (bad digits)
ITEMS: tuple[tuple[str, str, str, bool, str], ...] = (
    ("Thời gian chờ tại quầy quá lâu",
     "Sáng thứ Hai tôi phải chờ hơn một giờ mới được tiếp nhận hồ sơ.",
     "Trung tâm đã bổ sung một quầy tiếp nhận vào sáng thứ Hai và thứ Ba. Xin cảm ơn ông/bà "
     "đã phản ánh.", True, "centre"),
    ("Đề nghị niêm yết mẫu tờ khai",
     "Đề nghị niêm yết mẫu tờ khai đã điền sẵn để người dân tham khảo.",
     "Sở đã niêm yết mẫu tờ khai điền sẵn tại quầy và trên Cổng dịch vụ công.", True,
     "procedure:0"),
    ("Hồ sơ của tôi chưa có kết quả",
     "Đã quá ngày hẹn nhưng tôi chưa nhận được thông báo.",
     "Hồ sơ đã có kết quả; cơ quan đã gửi thư xin lỗi và hẹn lại ngày trả.", False, "dossier"),
    ("Hỏi về lệ phí", "Lệ phí thủ tục này có được miễn cho người cao tuổi không?",
     "Theo quy định hiện hành, người từ đủ 75 tuổi được miễn lệ phí thủ tục này.", True,
     "procedure:1"),
    ("Cổng dịch vụ công báo lỗi khi tải tệp",
     "Tôi không tải được tệp PDF 3 MB lên hệ thống.", "", True, "centre"),
    ("Mã hồ sơ không tra cứu được", "Tôi nhập mã hồ sơ nhưng không thấy thông tin.", "", True,
     "dossier-wrong"),
    ("Khen cán bộ một cửa", "Cán bộ tiếp nhận rất nhiệt tình, hướng dẫn chu đáo.",
     "Trung tâm xin cảm ơn ý kiến của ông/bà.", True, "procedure:2"),
)


def _signer(agency: Agency) -> User | None:
    m = (Membership.objects.filter(agency=agency, role__in=(Role.LEADER, Role.ADMIN))
         .select_related("user").order_by("role", "id").first())
    return m.user if m else None


def load_demo_feedback(*, citizen: User, procedure_codes: list[str], now: datetime.datetime,
                       rng: random.Random) -> tuple[int, int]:
    """Rate the demo citizen's returned dossiers and send, answer and publish some feedback.

    Returns (ratings, feedback items) written.
    """
    cal = calendar_for(None)
    ratings = 0
    for dossier in Dossier.objects.filter(applicant=citizen, status=Status.RETURNED,
                                          returned_at__isnull=False).order_by("returned_at"):
        at = cal.add_seconds(dossier.returned_at, 2 * 3600)  # type: ignore[arg-type]
        if at > now:
            continue
        scores = {"thai-do": rng.choice((4, 5, 5)), "thoi-gian": rng.choice((3, 4, 5)),
                  "huong-dan": rng.choice((4, 5)), "cong-khai": rng.choice((4, 5))}
        try:
            fsvc.rating_submit(dossier_id=dossier.pk, citizen=citizen, scores=scores,
                               comment=rng.choice(COMMENTS), at=at)
        except DomainError:  # criteria edited away from the seeds: nothing to rate on
            break
        ratings += 1

    verified = (Dossier.objects.filter(status=Status.RETURNED).exclude(code=None)
                .exclude(applicant_phone="").order_by("received_at").first())
    sent = 0
    for index, (subject, content, answer, consent, target) in enumerate(ITEMS):
        # Spread over the past weeks, oldest first; the open ones are the most recent.
        start = cal.next_opening(now - datetime.timedelta(days=40 - 5 * index))
        received = cal.add_seconds(start, rng.randint(1, 6) * 3600)
        if received > now:
            continue
        extra: dict[str, str] = {}
        if target.startswith("procedure:") and procedure_codes:
            extra["procedure_code"] = procedure_codes[int(target.split(":")[1])
                                                      % len(procedure_codes)]
        elif target.startswith("dossier") and verified is not None and verified.code:
            digits = verified.applicant_phone[-4:]
            extra["dossier_code"] = verified.code
            wrong = f"{(int(digits) + 1) % 10000:04d}"
            extra["dossier_factor"] = digits if target == "dossier" else wrong
        family = rng.choice(("Nguyễn", "Trần", "Lê", "Phạm"))
        person = f"{family} Văn {rng.choice(('An', 'Bình', 'Cường'))}"
        feedback = fsvc.feedback_submit(
            sender_name=person, contact=f"09002{index:05d}", subject=subject, content=content,
            consent_publish=consent, at=received, **extra,
        )
        sent += 1
        signer = _signer(feedback.agency)
        answered_at = cal.add_seconds(received, rng.randint(2, 10) * 8 * 3600)
        if not answer or signer is None or answered_at > now:
            continue
        fsvc.feedback_answer(feedback_id=feedback.pk, actor=signer, answer=answer,
                             publish=consent, at=answered_at)
    return ratings, sent
