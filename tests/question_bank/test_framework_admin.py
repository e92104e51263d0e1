"""The Wagtail admin pages of the framework: who may browse and import, and what they show."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role, user_assign_role
from question_bank.models import NationalOccupationalStandard, QualificationPack

pytestmark = pytest.mark.django_db

QP_FILE = "000_11998c2bd16f104f.txt"


def _user(role: Role) -> User:
    user = User.objects.create_user(role.name.lower(), password="pw-12345-xyz")
    user_assign_role(user=user, role=role)
    return user


def _upload(seeds_dir, name=QP_FILE):
    return SimpleUploadedFile(name, (seeds_dir / name).read_bytes(), content_type="text/plain")


def test_curator_imports_a_document_and_sees_the_report(client, seeds_dir):
    client.force_login(_user(Role.SSC_CURATOR))
    response = client.post(reverse("framework:import"), {"documents": _upload(seeds_dir)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "ASC/Q0202" in body
    assert "PC6 is listed more than once" in body and "line " in body
    assert QualificationPack.objects.filter(code="ASC/Q0202").exists()


def test_a_document_that_cannot_be_understood_shows_an_error_and_imports_nothing(client):
    client.force_login(_user(Role.SSC_CURATOR))
    junk = SimpleUploadedFile("junk.txt", b"hello\nworld\n" * 10, content_type="text/plain")
    response = client.post(reverse("framework:import"), {"documents": junk})
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert not QualificationPack.objects.exists()


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.CONTENT_EDITOR, Role.ASSESSOR])
def test_only_curators_and_admins_may_import(client, seeds_dir, role):
    client.force_login(_user(role))
    response = client.post(reverse("framework:import"), {"documents": _upload(seeds_dir)})
    assert response.status_code in (302, 403)
    assert not QualificationPack.objects.exists()


def test_learners_cannot_browse_the_framework_admin(client):
    client.force_login(_user(Role.LEARNER))
    response = client.get(reverse("framework:index"))
    assert response.status_code in (302, 403)


def test_browse_qp_then_nos_then_pcs_and_search(client, seeds_dir):
    client.force_login(_user(Role.SSC_CURATOR))
    client.post(reverse("framework:import"), {"documents": _upload(seeds_dir)})
    qp = QualificationPack.objects.get(code="ASC/Q0202")
    index = client.get(reverse("framework:index"))
    assert "ASC/Q0202" in index.content.decode()
    detail = client.get(reverse("framework:qualification_pack", args=[qp.pk]))
    assert "ASC/N0204" in detail.content.decode()
    nos = NationalOccupationalStandard.objects.get(code="ASC/N0001")
    page = client.get(reverse("framework:nos", args=[nos.pk])).content.decode()
    assert "keep immediate work area clean and tidy" in page and "KU11" in page and "GS12" in page
    found = client.get(reverse("framework:index"), {"q": "confidential information"})
    assert "ASC/Q0202" in found.content.decode()
    missing = client.get(reverse("framework:index"), {"q": "zzzz-no-such-thing"})
    assert "ASC/Q0202" not in missing.content.decode()
