"""The national status codes (TrangThaiHoSo), channels and the other choices of a dossier."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.IntegerChoices):
    """TrangThaiHoSo: the national public service portal's status codes (docs/domain.md §5)."""

    SUBMITTED = 1, _("Submitted online")
    RECEIVED = 2, _("Received")
    REFUSED = 3, _("Refused at receipt")
    IN_PROCESS = 4, _("In process")
    SUPPLEMENT = 5, _("Supplement requested")
    AWAITING_PAYMENT = 6, _("Awaiting payment")
    WITHDRAWN = 7, _("Withdrawn by applicant")
    STOPPED = 8, _("Processing stopped")
    RESULT_READY = 9, _("Result ready")
    RETURNED = 10, _("Result returned")


# Statuses in which the legal clock may run (1 has not started it; 5 always stops it). In
# status 6 it stands still only when the procedure excludes the time to meet financial
# obligations (ProcedureVersion.payment_pauses_clock): `Dossier.paused_at` is the one fact
# that says the clock is stopped (onestop.dossiers.services.clock).
CLOCK_RUNNING = (Status.RECEIVED, Status.IN_PROCESS, Status.AWAITING_PAYMENT)
CLOCK_RUNNING_Q = models.Q(status__in=[int(s) for s in CLOCK_RUNNING], paused_at__isnull=True)
# Reports group 5, 6 and 8 as "paused" (tạm dừng).
PAUSED = (Status.SUPPLEMENT, Status.AWAITING_PAYMENT, Status.STOPPED)
FINISHED = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RESULT_READY, Status.RETURNED)
# Dossiers somebody still has to act on (result ready still has to be returned).
OPEN = (Status.SUBMITTED, Status.RECEIVED, Status.IN_PROCESS, Status.SUPPLEMENT,
        Status.AWAITING_PAYMENT, Status.RESULT_READY)
OPEN_Q = models.Q(status__in=[int(s) for s in OPEN])


class Channel(models.IntegerChoices):
    """KenhThucHien: how the dossier was filed."""

    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POST = 3, _("Public postal service")


class ResultDelivery(models.TextChoices):
    """Where the applicant registered to receive the result (form 01, "Đăng ký nhận kết quả
    tại"): at the counter, or by the public postal service (KenhThucHien 3 for the return)."""

    COUNTER = "counter", _("at the counter")
    POST = "post", _("by the public postal service")


class ApplicantKind(models.TextChoices):
    """The service index is "for citizens and businesses" (Decision 766/QĐ-TTg): an applicant
    is a person or an organisation (addressed "Ông/Bà" or "Tổ chức" on the forms)."""

    INDIVIDUAL = "individual", _("individual")
    ORGANISATION = "organisation", _("organisation")
