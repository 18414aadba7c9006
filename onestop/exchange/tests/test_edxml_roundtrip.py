"""What is built is read back unchanged, whatever the text, dates and attachments."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.exchange.edxml import (
    Attachment,
    BusinessType,
    Document,
    Organ,
    Status,
    StatusCode,
    TraceHeader,
    build,
    parse,
)

# XML 1.0 text: no control characters, no surrogates; edXML strips surrounding blanks.
text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60,
).map(str.strip).filter(bool)
codes = st.from_regex(r"\A\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}\Z")
organs = st.builds(Organ, organ_id=codes, organ_name=text)
dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))
moments = st.datetimes(min_value=datetime.datetime(2000, 1, 1),
                       max_value=datetime.datetime(2099, 1, 1),
                       timezones=st.just(datetime.UTC)).map(lambda d: d.replace(microsecond=0))
attachments = st.builds(
    Attachment, name=text.map(lambda t: t.replace("/", "_") + ".pdf"),
    content_type=st.sampled_from(["application/pdf", "text/plain", "image/png"]),
    data=st.binary(max_size=300), zipped=st.booleans(),
)
documents = st.builds(
    Document, sender=organs, to=st.lists(organs, min_size=1, max_size=3),
    code_number=st.from_regex(r"\A[0-9]{1,5}\Z"),
    code_notation=st.from_regex(r"\A[A-ZĐ]{2,5}-[A-ZĐ]{2,4}\Z"),
    promulgation_date=dates, subject=text, place=text, document_type=text,
    due_date=st.none() | dates, priority=st.integers(0, 3),
    business_type=st.sampled_from(list(BusinessType)), business_reason=text,
    traces=st.lists(st.builds(TraceHeader, organ_id=codes, timestamp=moments), max_size=3),
    attachments=st.lists(attachments, max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(documents)
def test_a_document_round_trips(document: Document) -> None:
    read = parse(build(document))
    assert isinstance(read, Document)
    assert read.summary() == document.summary()
    assert read.place == document.place and read.due_date == document.due_date
    assert read.priority == document.priority
    assert read.business_reason == document.business_reason
    assert read.traces == document.traces
    assert [a.data for a in read.attachments] == [a.data for a in document.attachments]
    assert [a.zipped for a in read.attachments] == [a.zipped for a in document.attachments]


@settings(max_examples=100, deadline=None)
@given(organs, codes, dates, st.sampled_from(list(StatusCode)), text, moments)
def test_a_status_round_trips(sender: Organ, organ: str, date: datetime.date,
                              code: StatusCode, description: str,
                              at: datetime.datetime) -> None:
    status = Status(sender=sender, document_id=f"{organ},{date:%Y/%m/%d},12/UBND-VP",
                    status_code=code, description=description, timestamp=at)
    read = parse(build(status))
    assert isinstance(read, Status)
    assert read.summary() == status.summary()
    assert (read.response_organ_id, read.response_date, read.timestamp) == (organ, date, at)
