"""Every visible form control has a label, and ids are unique, on each back-office page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from onestop.dossiers import services as svc

pytestmark = pytest.mark.django_db


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.labelled: set[str] = set()
        self.controls: list[tuple[str, dict[str, str | None]]] = []
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.labelled.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in (
            "hidden", "submit", "button"
        ):
            self.controls.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1


def unlabelled(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    problems = [f"duplicate id {i}" for i in set(parser.ids) if parser.ids.count(i) > 1]
    for tag, attrs in parser.controls:
        if attrs.get("id") not in parser.labelled and not attrs.get("aria-label"):
            problems.append(f"{tag} {attrs.get('name')} has no label")
    return problems


def test_staff_pages_label_every_control(client, city, intake):
    dossier = intake()
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.officer)
    svc.dossier_hand_over(dossier_id=dossier.pk, actor=city.specialist)
    svc.apology_prepare(dossier_id=dossier.pk)
    pages = {
        city.officer: [
            reverse("backoffice:home"), reverse("backoffice:intake"),
            reverse("backoffice:intake_details", args=[city.version.pk]),
            reverse("backoffice:dossier", args=[intake().pk]),
        ],
        city.leader: [reverse("backoffice:dossier", args=[dossier.pk]),
                      reverse("backoffice:apologies")],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert unlabelled(response.content.decode()) == [], url
    client.logout()
    assert unlabelled(client.get(reverse("backoffice:login")).content.decode()) == []
