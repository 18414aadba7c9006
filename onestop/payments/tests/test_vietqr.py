"""The VietQR codec (docs/domain.md §9): published vectors, round trips, corruption, the CLI."""

import json
import string

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.payments import vietqr as v

VECTORS = [
    "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN"
    "6304CBB4",
    "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN"
    "62150811Chuyen tien630453E6",
]


@pytest.mark.parametrize("payload", VECTORS)
def test_published_vectors_decode_and_encode_back_identically(payload):
    assert v.encode(v.decode(payload)) == payload


def test_published_vectors_are_produced_from_their_fields():
    assert v.encode(v.VietQR(bin="970423", account="0099999999")) == VECTORS[0]
    assert v.encode(v.VietQR(bin="970416", account="257678859", amount=10000,
                             purpose="Chuyen tien")) == VECTORS[1]


def test_static_without_amount_and_dynamic_with_it():
    assert v.decode(VECTORS[0]).initiation == "11"
    assert v.decode(VECTORS[0]).amount is None
    assert v.decode(VECTORS[1]).initiation == "12"
    assert v.decode(VECTORS[1]).amount == 10000


def test_crc_is_ccitt_false():
    assert v.crc16_ccitt_false(b"123456789") == 0x29B1  # the catalogue check value


def test_purpose_is_folded_to_ascii_and_bounded():
    assert v.to_ascii("Ủng hộ lũ lụt Đồng Tháp") == "Ung ho lu lut Dong Thap"
    assert len(v.fit_purpose("Lệ phí đăng ký khai sinh cho con thứ hai")) <= 25
    with pytest.raises(v.VietQRError):
        v.encode(v.VietQR(bin="970415", account="1", purpose="có dấu"))
    with pytest.raises(v.VietQRError):
        v.encode(v.VietQR(bin="970415", account="1", purpose="x" * 26))


@pytest.mark.parametrize("bad", [
    dict(bin="97041", account="1"), dict(bin="970415", account=""),
    dict(bin="970415", account="1", amount=0), dict(bin="970415", account="1", amount=12.5),
    dict(bin="970415", account="1", service="QRPUSH"),
])
def test_invalid_fields_are_refused(bad):
    with pytest.raises(v.VietQRError):
        v.encode(v.VietQR(**bad))


ascii_text = st.text(alphabet=string.ascii_letters + string.digits + " -.", max_size=25).map(
    lambda s: " ".join(s.split()))
payloads = st.builds(
    v.VietQR,
    bin=st.from_regex(r"\A97[0-9]{4}\Z"),
    account=st.from_regex(r"\A[0-9A-Z]{1,19}\Z"),
    service=st.sampled_from([v.SERVICE_ACCOUNT, v.SERVICE_CARD]),
    amount=st.one_of(st.none(), st.integers(min_value=1, max_value=10**13 - 1)),
    bill_number=ascii_text, reference=ascii_text, purpose=ascii_text,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(payloads)
def test_encode_then_decode_gives_the_same_fields(qr):
    payload = v.encode(qr)
    back = v.decode(payload)
    assert back == qr
    assert v.encode(back) == payload


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(payloads, st.data())
def test_any_single_character_change_is_detected(qr, data):
    payload = v.encode(qr)
    i = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    alphabet = string.printable.strip() + " ếđ€"
    c = data.draw(st.sampled_from(alphabet).filter(lambda ch: ch != payload[i]))
    corrupted = payload[:i] + c + payload[i + 1:]
    with pytest.raises(v.VietQRError):
        v.decode(corrupted)


def test_cli_encode_prints_the_payload(capsys):
    call_command("vietqr", "encode", "--bin", "970415", "--account", "0011001932418",
                 "--amount", "120000", "--purpose", "ung ho lu lut")
    out = capsys.readouterr().out.strip()
    qr = v.decode(out)
    assert (qr.bin, qr.account, qr.amount, qr.purpose) == ("970415", "0011001932418", 120000,
                                                           "ung ho lu lut")
    assert out.startswith("000201010212")


def test_cli_encode_without_amount_is_static(capsys):
    call_command("vietqr", "encode", "--bin", "970423", "--account", "0099999999")
    assert capsys.readouterr().out.strip() == VECTORS[0]


def test_cli_decode_prints_json(capsys):
    call_command("vietqr", "decode", VECTORS[1])
    data = json.loads(capsys.readouterr().out)
    assert data["amount"] == 10000 and data["purpose"] == "Chuyen tien"
    assert data["initiation"] == "12"


def _signed(*fields: tuple[str, str]) -> str:
    """A payload of these fields in this order, with its CRC."""
    body = "".join(f"{tag}{len(value):02d}{value}" for tag, value in fields) + "6304"
    return body + v.crc_hex(body)


MERCHANT = "0010A00000072701270006970422011300110019324180208QRIBFTTA"
# Shaped like the codes wallets and bank apps print at shops (not a real account): 00 first
# and 63 last as EMVCo requires, everything else in the wallet's own order, with a merchant
# category (52), name (59) and city (60), a terminal label (62.07) and two templates (80, 99).
WALLET = _signed(("00", "01"), ("01", "12"), ("38", MERCHANT), ("52", "5999"),
                 ("58", "VN"), ("54", "65000"), ("53", "704"), ("59", "CHO AN BINH"),
                 ("60", "CAN THO"), ("62", "0808TL89 1000703T01"), ("80", "0003ABC"),
                 ("99", "0012onestop-test"))


def test_wallet_codes_decode_whatever_the_order_of_their_fields():
    qr = v.decode(WALLET)
    assert (qr.bin, qr.account, qr.amount, qr.purpose, qr.initiation) == (
        "970422", "0011001932418", 65000, "TL89 100", "12")
    assert qr.other_fields == (("52", "5999"), ("59", "CHO AN BINH"), ("60", "CAN THO"),
                               ("80", "0003ABC"), ("99", "0012onestop-test"),
                               ("62.07", "T01"))


def test_cli_decode_reports_the_fields_it_does_not_use(capsys):
    call_command("vietqr", "decode", WALLET)
    data = json.loads(capsys.readouterr().out)
    assert data["amount"] == 65000
    assert {"id": "59", "name": "merchant name", "value": "CHO AN BINH"} in data["other_fields"]
    assert {"id": "80", "name": "unreserved template", "value": "0003ABC"} in data["other_fields"]
    assert {"id": "62.07", "name": "terminal label", "value": "T01"} in data["other_fields"]


def test_canonical_payloads_report_no_other_fields():
    assert v.decode(VECTORS[1]).other_fields == ()


@pytest.mark.parametrize("fields, problem", [
    ((("01", "12"), ("00", "01"), ("38", MERCHANT), ("53", "704"), ("58", "VN")), "first"),
    ((("00", "01"), ("38", MERCHANT), ("53", "704"), ("53", "704"), ("58", "VN")), "repeated"),
    ((("00", "01"), ("38", MERCHANT), ("53", "840"), ("58", "VN")), "currency"),
    ((("00", "01"), ("53", "704"), ("58", "VN")), "merchant account"),
])
def test_what_emvco_fixes_is_still_enforced(fields, problem):
    with pytest.raises(v.VietQRError, match=problem):
        v.decode(_signed(*fields))


def test_a_crc_field_that_is_not_last_is_refused():
    inner = "".join(f"{t}{len(x):02d}{x}" for t, x in (("00", "01"), ("38", MERCHANT),
                                                       ("53", "704"), ("58", "VN")))
    body = inner[:4] + "6304ABCD" + inner[4:] + "6304"  # a CRC field in the middle
    with pytest.raises(v.VietQRError):
        v.decode(body + v.crc_hex(body))


@settings(max_examples=200, deadline=None)
@given(payloads, st.randoms(use_true_random=False),
       st.lists(st.tuples(st.integers(min_value=80, max_value=99),
                          st.text(alphabet=string.ascii_letters + string.digits, min_size=1,
                                  max_size=30)),
                max_size=3, unique_by=lambda t: t[0]))
def test_shuffled_fields_and_extra_templates_give_the_same_transfer(qr, rnd, templates):
    fields = v.parse_tlv(v.encode(qr))
    middle = fields[1:-1] + [(f"{tag}", value) for tag, value in templates]
    rnd.shuffle(middle)
    back = v.decode(_signed(fields[0], *middle))
    assert back == qr
    assert {t for t, _ in back.other_fields} == {str(tag) for tag, _ in templates}


def test_cli_decode_exits_2_on_a_bad_crc_of_a_wallet_code():
    with pytest.raises(CommandError) as caught:
        call_command("vietqr", "decode", WALLET[:-1] + ("0" if WALLET[-1] != "0" else "1"))
    assert caught.value.returncode == 2
    assert "bad CRC" in str(caught.value)


@pytest.mark.parametrize("payload", [VECTORS[0][:-1] + "5", VECTORS[1].replace("5802VN", "5802VM"),
                                     "000201", "garbage"])
def test_cli_decode_exits_2_on_a_bad_payload(payload):
    with pytest.raises(CommandError) as caught:
        call_command("vietqr", "decode", payload)
    assert caught.value.returncode == 2
    assert "invalid VietQR" in str(caught.value)


@pytest.mark.slow
def test_cli_exit_status_is_2_for_the_real_command():
    import subprocess
    import sys

    bad = VECTORS[0][:-1] + "0"
    done = subprocess.run([sys.executable, "-m", "django", "vietqr", "decode", bad],
                          capture_output=True, text=True,
                          env={**__import__("os").environ,
                               "DJANGO_SETTINGS_MODULE": "onestop.settings"})
    assert done.returncode == 2
    assert "bad CRC" in done.stderr
