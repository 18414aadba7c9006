"""Shared test fixtures: a small city with named staff and one procedure (not demo data).

Kept in the package so every app's tests and the benchmarks build the same world.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from onestop.accounts.models import User
from onestop.agencies.models import AdministrativeUnit, Agency, Membership, Role
from onestop.catalog.models import (
    Fee,
    Field,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)
from onestop.catalog.models import Procedure as ProcedureModel
from onestop.community.models import MemberRole, Team, TeamMember
from onestop.community.services import team_create, team_member_add

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The smallest file the upload check takes for a PDF: a header, an object, a trailer.
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def database_url() -> str:
    """DATABASE_URL of the database this process uses now (the test database in a test),
    for a subprocess (a real worker, a second server process) that must share it."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def vn(*args: int) -> datetime.datetime:
    """An aware moment in Vietnam time: vn(2026, 3, 2, 8) is 08:00 on 2 March 2026."""
    return datetime.datetime(*args, tzinfo=VN)  # type: ignore[misc]


@dataclass
class City:
    centre: Agency
    justice: Agency
    commune: Agency
    officer: User
    specialist: User
    leader: User
    admin: User
    outsider: User  # an officer of the commune centre: no rights on the centre's dossiers
    version: ProcedureVersion

    def documents(self) -> list[Any]:
        from onestop.dossiers.services import SubmittedDocument

        return [
            SubmittedDocument(required_document_id=d.id, originals=d.originals, copies=d.copies)
            for d in self.version.documents.all()
        ]

    def filing(self, **applicant: Any) -> Any:
        from onestop.dossiers.services import Applicant, Filing

        data = {"name": "Nguyễn Văn An", "id_number": "092090001234", "phone": "0912345678"}
        data.update(applicant)
        return Filing(procedure_version=self.version, receiving_agency=self.centre,
                      applicant=Applicant(**data), documents=self.documents())


def make_user(username: str, full_name: str, **roles: Agency) -> User:
    user = User.objects.create_user(username=username, password="test-pass-123",
                                     full_name=full_name)
    for role, agency in roles.items():
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


def make_procedure(
    *, code: str, name: str, field: Field, centre: Agency | None, handling: Agency,
    days: str = "3", steps: tuple[tuple[str, str, str, str], ...] | None = None,
    online_level: str = "partial", valid_from: datetime.date = datetime.date(2024, 1, 1),
) -> ProcedureVersion:
    """A published procedure; `steps` are (kind, role, days, name), agency filled by kind."""
    procedure = ProcedureModel.objects.create(code=code)
    version = ProcedureVersion.objects.create(
        procedure=procedure, number=1, state=ProcedureVersion.State.PUBLISHED,
        valid_from=valid_from, name=name, field=field, processing_days=Decimal(days),
        result_type="Giấy chứng nhận", online_level=online_level,
        legal_basis="Luật Hộ tịch 2014",
    )
    version.competent_agencies.add(handling)
    RequiredDocument.objects.create(version=version, order=1, name="Tờ khai theo mẫu",
                                    originals=1)
    RequiredDocument.objects.create(version=version, order=2, name="Giấy tờ tùy thân",
                                    originals=0, copies=1)
    RequiredDocument.objects.create(version=version, order=3, name="Giấy ủy quyền",
                                    originals=1, optional=True)
    Fee.objects.create(version=version, name="Lệ phí", amount=8000)
    total = Decimal(days)
    steps = steps or (
        ("receive", Role.OFFICER, "0.5", "Tiếp nhận và chuyển hồ sơ"),
        ("review", Role.SPECIALIST, str(total - Decimal("1")), "Thẩm định hồ sơ"),
        ("approve", Role.LEADER, "0.5", "Phê duyệt, ký kết quả"),
    )
    for order, (kind, role, step_days, step_name) in enumerate(steps, start=1):
        ProcessStep.objects.create(
            version=version, order=order, name=step_name, kind=kind, role=role,
            agency=centre if kind == "receive" else handling,
            allotment_days=Decimal(step_days),
        )
    return version


def make_city() -> City:
    centre = Agency.objects.create(code="000.00.00.H99", name="Trung tâm Phục vụ hành chính công",
                                   kind=Agency.Kind.SERVICE_CENTRE)
    justice = Agency.objects.create(code="000.00.01.H99", name="Sở Tư pháp",
                                    kind=Agency.Kind.DEPARTMENT)
    commune = Agency.objects.create(code="000.01.01.H99", name="Bộ phận Một cửa phường Ninh Kiều",
                                    kind=Agency.Kind.COMMUNE_CENTRE)
    field = Field.objects.create(code="ho-tich", name="Hộ tịch", name_en="Civil status")
    version = make_procedure(code="1.001193", name="Đăng ký khai sinh", field=field,
                             centre=centre, handling=justice)
    return City(
        centre=centre, justice=justice, commune=commune,
        officer=make_user("officer", "Trần Thị Bình", officer=centre),
        specialist=make_user("specialist", "Lê Văn Cường", specialist=justice),
        leader=make_user("leader", "Phạm Minh Dũng", leader=justice),
        admin=make_user("admin", "Võ Thị Em", admin=centre),
        outsider=make_user("outsider", "Đỗ Văn Phúc", officer=commune),
        version=version,
    )


@dataclass
class Signing:
    """The demo CA of the tests, and helpers to give people and units a signing key."""

    ca: Any
    token: str | None = None

    def token_signer(self, *, agency: Agency, user: User | None = None,
                     position: str = "Giám đốc") -> Any:
        """A key generated on the tests' SoftHSM2 token, certified by the demo CA."""
        from onestop.signatures import democa
        from onestop.signatures.services import signer_register
        from onestop.signatures.tokens import token_generate_key

        if self.token is None:
            raise RuntimeError("no SoftHSM2 token in this run")
        name = user.display_name if user is not None else agency.name
        label = f"token-{user.username if user else 'unit'}-{agency.pk}-{next(_serial)}"
        public = token_generate_key(token_label=self.token, key_label=label,
                                    secret_ref="env:ONESTOP_TEST_TOKEN_PIN")
        cert = democa.issue_certificate(self.ca, public_key=public, common_name=name,
                                        unit=agency.name, title=position if user else "")
        return signer_register(label=label, kind="pkcs11", agency=agency, user=user,
                               key_ref=f"token={self.token};key={label}",
                               secret_ref="env:ONESTOP_TEST_TOKEN_PIN", certificate=cert,
                               chain=self.ca.chain, name=name,
                               position=position if user else "")

    def signer(self, *, agency: Agency, user: User | None = None, label: str = "",
               position: str = "Giám đốc", **validity: Any) -> Any:
        """A PKCS#12 key from the demo CA, registered for `user` (or the unit) at `agency`."""
        from onestop.signatures import democa
        from onestop.signatures.services import signer_register

        name = user.display_name if user is not None else agency.name
        label = label or f"{user.username if user else 'unit'}-{agency.pk}-{next(_serial)}"
        issued = democa.issue_pkcs12(self.ca, label=label, common_name=name,
                                     unit=agency.name, title=position if user else "",
                                     **validity)
        return signer_register(label=label, kind="pkcs12", agency=agency, user=user,
                               key_ref=issued.key_ref, secret_ref=issued.secret_ref,
                               name=name, position=position if user else "")


_serial = iter(range(1, 10**9))


def make_signing(token: str | None = None) -> Signing:
    from onestop.signatures.democa import ensure_demo_ca

    return Signing(ca=ensure_demo_ca(), token=token)


SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TEST_TOKEN = "onestop-test"
TEST_TOKEN_PIN = "246810"


def make_softhsm_token(directory: Any) -> str:
    """A SoftHSM2 token in `directory`, before the PKCS#11 library is first loaded.

    SoftHSM reads SOFTHSM2_CONF when the library initialises, once per process, so the
    tests make one token for the whole run (onestop/conftest.py) and keys on it per test.
    Returns the token label.
    """
    import os
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("softhsm2-util") is None or not Path(SOFTHSM_MODULE).exists():
        raise FileNotFoundError("SoftHSM2 is not installed (Debian: softhsm2)")
    directory = Path(directory)
    (directory / "tokens").mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TEST_TOKEN,
                    "--pin", TEST_TOKEN_PIN, "--so-pin", "13579135"], check=True,
                   capture_output=True)
    return TEST_TOKEN


# --------------------------------------------------------------------------- community


@dataclass
class Teams:
    ninhkieu: AdministrativeUnit
    caikhe: AdministrativeUnit
    team: Team
    leader: TeamMember
    member: TeamMember
    other_commune_member: TeamMember


def make_teams() -> Teams:
    """Two communes' committees, a team in Ninh Kiều (a leader and a member) and one in Cái
    Khế: the community app's test world."""
    if not AdministrativeUnit.objects.filter(code="31135").exists():
        # A transactional test that ran earlier emptied the tables the migrations seed.
        from django.conf import settings

        from onestop.agencies.services import units_import

        units_import(province_code=settings.ONESTOP_PROVINCE_CODE)
    ninhkieu = AdministrativeUnit.objects.get(code="31135")
    caikhe = AdministrativeUnit.objects.get(code="31120")
    for number, unit in ((21, ninhkieu), (22, caikhe)):
        Agency.objects.create(code=f"000.00.{number}.H99", kind=Agency.Kind.COMMUNE_COMMITTEE,
                              unit=unit, name=f"Ủy ban nhân dân {unit.name}")
    team = team_create(commune=ninhkieu, hamlet="Khu vực 1", decision_number="12/QĐ-UBND")
    other = team_create(commune=caikhe, hamlet="Khu vực 3")
    return Teams(
        ninhkieu=ninhkieu, caikhe=caikhe, team=team,
        leader=team_member_add(team=team, user=make_user("to.truong", "Lê Thị Tư"),
                               role=MemberRole.LEADER, phone="0901000001"),
        member=team_member_add(team=team, user=make_user("to.vien", "Trần Văn Năm")),
        other_commune_member=team_member_add(
            team=other, user=make_user("to.caikhe", "Phạm Thị Sáu")),
    )


def add_electronic_form(version: ProcedureVersion) -> list[Any]:
    """Give `version` the demo's birth registration electronic form; its first document (the
    declaration) is then filled in by the form."""
    from onestop.catalog.models import DeclarationField
    from onestop.demo.catalog import BIRTH_REGISTRATION_FORM

    version.documents.filter(order=1).update(electronic_form=True)
    return DeclarationField.objects.bulk_create(
        DeclarationField(version=version, order=order, **spec.__dict__)
        for order, spec in enumerate(BIRTH_REGISTRATION_FORM, start=1))


# A filled birth registration form (fictitious demo people).
BIRTH_DECLARATION = {
    "requester_name": "Nguyễn Thị Hoa", "requester_id": "092187001001",
    "requester_relation": "Mẹ", "child_name": "Trần Minh Khôi", "child_birth_date": "2025-11-20",
    "child_sex": "Nam", "child_birth_place": "Bệnh viện Phụ sản thành phố Cần Thơ",
    "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_home_town": "",
    "mother_name": "Nguyễn Thị Hoa", "mother_birth_year": "1987", "mother_id": "092187001001",
    "mother_residence": "Số 1, Phường Ninh Kiều, Cần Thơ", "father_name": "Trần Văn Nam",
    "father_birth_year": "1985", "father_id": "", "father_residence": "",
}
