"""How an agency appears on the documents it issues (Decree 30/2020/NĐ-CP, Appendix I).

- The place in "…, ngày … tháng … năm …" is the issuer's own place: a commune-level agency
  names its commune ("Ninh Kiều, ngày …"; a unit named by a number keeps its kind: "Phường
  12"), a provincial one the province (settings.ONESTOP_CITY_PLACE).
- The issuer's parent authority stands above its name: a department or the provincial
  centre under the provincial People's Committee, a commune counter under its commune's
  People's Committee.
- Signing (Art. 13 and Appendix I): the head signs under the title of the office; a deputy
  signs "KT." (ký thay) the head, with their own position beneath; a People's Committee, a
  collegial body, is signed for "TM." (thay mặt) the committee.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from onestop.core.text import fold

from .models import Agency, Membership

_KIND_PREFIXES = ("Phường ", "Xã ", "Đặc khu ")
# Provincial agencies whose parent authority is the provincial People's Committee.
_PROVINCIAL_KINDS = (Agency.Kind.DEPARTMENT, Agency.Kind.SERVICE_CENTRE)
DEFAULT_HEAD_TITLES = {
    Agency.Kind.DEPARTMENT: "Giám đốc",
    Agency.Kind.SERVICE_CENTRE: "Giám đốc",
    Agency.Kind.COMMUNE_COMMITTEE: "Chủ tịch",
    Agency.Kind.COMMUNE_CENTRE: "Giám đốc",
}


def place_of(agency: Agency) -> str:
    if agency.place:
        return agency.place
    unit = agency.unit
    if unit is None and agency.parent is not None:
        unit = agency.parent.unit
    if unit is not None and agency.kind in (Agency.Kind.COMMUNE_COMMITTEE,
                                            Agency.Kind.COMMUNE_CENTRE):
        for prefix in _KIND_PREFIXES:
            rest = unit.name.removeprefix(prefix)
            if rest != unit.name:
                return unit.name if rest.strip().isdigit() else rest
        return unit.name
    return str(settings.ONESTOP_CITY_PLACE)


def parent_authority(agency: Agency) -> str:
    if agency.parent is not None:
        return agency.parent.name
    if agency.kind in _PROVINCIAL_KINDS:
        return f"Ủy ban nhân dân {settings.ONESTOP_CITY_NAME}"
    return ""


def abbreviation_of(agency: Agency) -> str:
    """The agency's abbreviation, else the initials of its name ("Sở Tư pháp" → "STP")."""
    if agency.abbreviation:
        return agency.abbreviation
    words = [w for w in fold(agency.name).split() if w.isalpha()]
    return "".join(w[0] for w in words).upper()[:10] or "BPMC"


def head_title_of(agency: Agency) -> str:
    return agency.head_title or DEFAULT_HEAD_TITLES.get(Agency.Kind(agency.kind), "Thủ trưởng")


@dataclass(frozen=True)
class SignatureBlock:
    lines: tuple[str, ...]  # the authority lines, in capitals as printed ("KT. GIÁM ĐỐC", …)
    name: str  # the signer's full name, empty while not signed

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def signature_block(agency: Agency, user: Any | None) -> SignatureBlock:
    """The signing authority of `user` for `agency` (Decree 30/2020 Art. 13)."""
    head = head_title_of(agency)
    position = ""
    if user is not None:
        position = (Membership.objects.filter(user=user, agency=agency).exclude(position="")
                    .values_list("position", flat=True).first() or "")
    lines: list[str] = []
    if agency.kind == Agency.Kind.COMMUNE_COMMITTEE:
        lines.append("TM. ỦY BAN NHÂN DÂN")
    if user is None:
        lines.append(head.upper())
    elif not position or fold(position) == fold(head):
        lines.append(head.upper())
    else:
        lines += [f"KT. {head.upper()}", position.upper()]
    name = getattr(user, "display_name", "") if user is not None else ""
    return SignatureBlock(tuple(lines), str(name))
