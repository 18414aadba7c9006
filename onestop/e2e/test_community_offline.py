"""The team members' visit app in Chromium with the network cut: visits recorded offline are
kept in the browser (even across a reload of the page from the service worker), sent when the
network returns, and each is stored once, also when an answer is lost and the app sends the
same visits again."""

from __future__ import annotations

from typing import Any

import pytest

from onestop.community.models import Visit
from onestop.testing import make_teams

from .browser import PHONE, STAFF_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

APP = "/backoffice/community/app/"
IDB_VISITS = """async () => {
  const db = await new Promise((ok, ko) => { const r = indexedDB.open("onestop-community", 1);
    r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
  return await new Promise((ok) => { const q = db.transaction("visits").objectStore("visits")
    .getAll(); q.onsuccess = () => ok(q.result.map((v) => [v.client_id, v.state])); });
}"""


def _record(page: Any, household: str, helped: list[str]) -> None:
    page.fill("#visit-household", household)
    for code in helped:
        page.check(f"#visit-form input[name=helped][value={code}]")
    page.check("#visit-consent")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(f"#visit-list li:has-text('{household}')")


def _pending(page: Any) -> int:
    return int(page.get_attribute("#pending-count", "data-count") or "-1")


def test_visits_recorded_offline_are_sent_when_the_network_returns_and_stored_once(
        site: str, new_context: Any) -> None:
    make_teams()
    context = new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site + APP)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.fill("#signin-login", "to.vien")
    page.fill("#signin-password", STAFF_PASSWORD)
    page.click("#signin button[type=submit]")
    page.wait_for_selector("#visit-form:not([hidden])")
    page.wait_for_function("() => document.querySelectorAll('#visit-team option').length === 1")
    assert "Khu vực 1" in page.inner_text("#visit-team")

    context.set_offline(True)
    _record(page, "12 Hai Bà Trưng", ["vneid", "city_app"])
    _record(page, "Sổ hộ khẩu 4411", ["vneid_level2"])
    assert _pending(page) == 2 and Visit.objects.count() == 0
    # With no signal the page itself comes from the service worker, and the visits from
    # IndexedDB.
    page.reload()
    page.wait_for_selector("#visit-list li >> nth=1")
    assert _pending(page) == 2
    assert "12 Hai Bà Trưng" in page.inner_text("#visit-list")

    # The first answer is lost on the way back: the server stores the visits, the app sees
    # a failure, keeps them waiting and sends them again.
    lost: list[str] = []

    def lose_answer(route: Any) -> None:
        if not lost:
            route.fetch()  # reaches the server
            lost.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/api/v1/community/visits/batch", lose_answer)
    context.set_offline(False)  # the app sends on the 'online' event
    page.wait_for_selector("#sync-status[data-state=retry]")
    assert _pending(page) == 2
    assert lost and Visit.objects.count() == 2  # stored by the lost send
    page.click("#sync-now")
    page.wait_for_function("() => document.querySelector('#pending-count').dataset.count "
                           "=== '0'")
    kept = dict(page.evaluate(IDB_VISITS))
    assert set(kept.values()) == {"stored"}
    assert set(str(v) for v in Visit.objects.values_list("client_id", flat=True)) == set(kept)
    assert Visit.objects.count() == 2
    visit = Visit.objects.get(household="12 Hai Bà Trưng")
    assert visit.helped == ["city_app", "vneid"] and visit.member.user.username == "to.vien"
