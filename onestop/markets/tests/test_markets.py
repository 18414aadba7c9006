from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.agencies.models import AdministrativeUnit
from onestop.markets import selectors, services
from onestop.markets.models import StallTransaction
from onestop.payments import vietqr
from onestop.testing import make_user, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(city):
    unit = AdministrativeUnit.objects.create(code="31117", name="Phường Ninh Kiều",
                                             kind="phuong", province_code=92)
    city.commune.unit = unit
    city.commune.save()
    market = services.market_create(name="Chợ Tân An", unit=unit, address="Hai Bà Trưng")
    for n in range(1, 11):
        services.stall_create(market=market, number=str(n), vendor_name=f"Người bán {n}",
                              bank_bin="970415", account=f"10{n:08d}", goods="Rau củ")
    return market


FEED = ("stall,time,amount,transaction_id\n"
        "1,2026-04-01 07:15,25000,FT001\n"
        "1,2026-04-01 08:00,40000,FT002\n"
        "2,2026-04-01 23:59,15000,FT003\n"
        "2,2026-04-02 00:01,99000,FT004\n")


def test_each_stall_has_a_static_vietqr_to_its_vendor_account(market):
    stall = market.stalls.get(number="3")
    decoded = vietqr.decode(services.stall_payload(stall))
    assert decoded.amount is None and not decoded.dynamic
    assert (decoded.bin, decoded.account) == ("970415", "1000000003")
    assert decoded.purpose == "Cho Tan An sap 3"


def test_the_qr_sheet_is_a_pdf_of_eight_cards_per_a4_page(market):
    from pypdf import PdfReader

    pdf = services.render_qr_sheet(market=market)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # 10 stalls, 8 per page
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210
    text = reader.pages[0].extract_text()
    assert "Người bán 1" in text and "1000000001" in text
    assert "Người bán 9" not in text


def test_the_feed_import_is_idempotent_per_transaction_id(market):
    first = services.feed_import(market=market, text=FEED)
    again = services.feed_import(market=market, text=FEED + "3,2026-04-01 09:00,5000,FT005\n")
    assert (first.imported, first.already) == (4, 0)
    assert (again.imported, again.already) == (1, 4)
    assert StallTransaction.objects.count() == 5


def test_a_bad_line_refuses_the_whole_feed(market):
    bad = FEED + "99,2026-04-01 09:00,5000,FT010\n1,yesterday,-3,FT011\n"
    with pytest.raises(services.FeedInvalid) as caught:
        services.feed_import(market=market, text=bad)
    assert len(caught.value.errors) == 2
    assert StallTransaction.objects.count() == 0


def test_daily_totals_follow_vietnam_days_per_stall_and_market(market):
    services.feed_import(market=market, text=FEED)
    day = selectors.daily_totals(market=market, day=datetime.date(2026, 4, 1))
    by_stall = {r.stall.number: (r.count, r.total) for r in day.stalls}
    assert by_stall["1"] == (2, 65000) and by_stall["2"] == (1, 15000)
    assert by_stall["7"] == (0, 0) and len(day.stalls) == 10
    assert (day.count, day.total) == (3, 80000)
    assert selectors.daily_totals(market=market, day=datetime.date(2026, 4, 2)).total == 99000
    assert StallTransaction.objects.get(bank_txn_id="FT003").occurred_at == vn(2026, 4, 1, 23, 59)


def test_the_back_office_page_imports_shows_totals_and_exports_csv(client, city, market):
    client.force_login(city.outsider)  # an officer of the market's commune
    upload = SimpleUploadedFile("feed.csv", FEED.encode())
    response = client.post(f"/backoffice/markets/{market.pk}/", {"file": upload})
    assert response.status_code == 302
    page = client.get(f"/backoffice/markets/{market.pk}/", {"date": "2026-04-01"})
    assert page.status_code == 200 and "80.000" in page.content.decode()
    export = client.get(f"/backoffice/markets/{market.pk}/totals.csv", {"date": "2026-04-01"})
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert lines[1].startswith("2026-04-01,1,Người bán 1,2,65000")
    assert lines[-1].endswith(",3,80000")
    assert client.get(f"/backoffice/markets/{market.pk}/qr.pdf").content[:4] == b"%PDF"


def test_staff_of_another_commune_do_not_see_the_market(client, city, market):
    from onestop.agencies.models import Agency

    other, _ = AdministrativeUnit.objects.get_or_create(
        code="31120", defaults={"name": "Phường Cái Khế", "kind": "phuong", "province_code": 92})
    counter = Agency.objects.create(code="000.02.01.H99", name="Bộ phận Một cửa Cái Khế",
                                    kind=Agency.Kind.COMMUNE_CENTRE, unit=other)
    client.force_login(make_user("far", "Lý Văn Xa", officer=counter))
    assert client.get(f"/backoffice/markets/{market.pk}/").status_code == 404
    assert client.get("/backoffice/markets/").content.decode().count("Chợ Tân An") == 0


def test_the_city_centres_officer_follows_every_market_and_finds_it_in_the_menu(
        client, city, market):
    client.force_login(city.officer)
    listing = client.get("/backoffice/markets/").content.decode()
    assert "Chợ Tân An" in listing and 'href="/backoffice/markets/"' in listing
    assert client.get(f"/backoffice/markets/{market.pk}/").status_code == 200


def test_a_specialist_has_no_markets_area_and_is_told_who_has(client, city, market):
    client.force_login(city.specialist)
    response = client.get("/backoffice/markets/")
    assert response.status_code == 403
    assert "cán bộ một cửa" in response.content.decode()
    assert 'href="/backoffice/markets/"' not in client.get("/backoffice/").content.decode()
