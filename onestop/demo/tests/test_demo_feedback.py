"""The demo has feedback to show: published answers on the portal, open items in the queue."""

import pytest

from onestop.core.audit import audit_verify
from onestop.demo.loader import demo_load
from onestop.feedback.models import Feedback, FeedbackState, Rating
from onestop.testing import vn

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads a demo city

NOW = vn(2026, 3, 20, 10)


def test_demo_feedback_is_written_through_the_services_in_the_past():
    demo_load(size=60, now=NOW)
    items = Feedback.objects.all()
    assert items.count() >= 6
    assert items.filter(state=FeedbackState.PUBLISHED).exists()
    assert items.filter(state=FeedbackState.RECEIVED).exists()
    assert items.filter(dossier__isnull=False).count() == 1  # one verified, one wrong digits
    assert all(f.received_at <= NOW and (f.answered_at or NOW) <= NOW for f in items)
    assert all(r.created_at <= NOW for r in Rating.objects.all())
    assert audit_verify().ok
