# ruff: noqa: F811, E501  (pytest fixtures are imported from tests.question_bank.factories)
"""The curators' pages: every view checks its permission (tests per role); listing filters,
bulk actions, create/edit/workflow, coverage, import/export through the admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from question_bank.models import Item, ItemStatus, ItemVersion

from .factories import (  # noqa: F401
    asc_q0202,
    content_multiple,
    content_single,
    curator,
    item_make,
    pc_of,
    second_curator,
    user_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(asc_q0202, curator, second_curator):
    approved = item_make(
        author=curator, approver=second_curator, content=content_single(hindi=True)
    )
    draft = item_make(author=curator, nos="ASC/N0002", pc="PC1", content=content_multiple())
    return approved, draft


def _get(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.CONTENT_EDITOR, None])
def test_learners_trainers_and_others_cannot_reach_any_bank_page(client, bank, role):
    user = user_in(role)
    approved, _ = bank
    version = approved.versions.get()
    client.force_login(user)
    gets = [
        reverse("items:index"), reverse("items:detail", args=[approved.pk]),
        reverse("items:coverage") + "?qp=ASC/Q0202", reverse("items:create") + "?qp=ASC/Q0202",
        reverse("items:edit", args=[approved.pk]), reverse("items:import"),
        reverse("items:export") + "?qp=ASC/Q0202&format=csv",
    ]  # fmt: skip
    for url in gets:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"Right answer" not in response.content
    for action in ("submit", "approve", "retire", "comment", "return"):
        response = client.post(reverse("items:action", args=[version.pk, action]), {"comment": "x"})
        assert response.status_code in (302, 403)
    version.refresh_from_db()
    assert version.status == ItemStatus.APPROVED
    assert not approved.events.filter(action="commented").exists()


def test_assessor_may_look_but_not_write(client, bank):
    assessor = user_in(Role.ASSESSOR)
    assessor.is_staff = True
    assessor.save()
    from django.contrib.auth.models import Permission

    assessor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    approved, draft = bank
    assert _get(client, assessor, "items:index").status_code == 200
    assert _get(client, assessor, "items:detail", approved.pk).status_code == 200
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    for response in (
        _get(client, assessor, "items:create", qp="ASC/Q0202"),
        _get(client, assessor, "items:edit", approved.pk),
        _get(client, assessor, "items:import"),
        client.post(reverse("items:action", args=[draft.versions.get().pk, "submit"])),
    ):
        assert (response.status_code, response.get("Location")) in ((302, "/admin/"), (403, None))
    assert draft.versions.get().status == ItemStatus.DRAFT


def test_listing_filters_and_search(client, bank, curator):
    approved, draft = bank
    page = _get(client, curator, "items:index", qp="ASC/Q0202")
    assert page.status_code == 200 and page.context["page"].paginator.count == 2
    only = lambda **q: [v.item for v in _get(client, curator, "items:index", **q).context["page"]]  # noqa: E731
    assert only(status="draft") == [draft]
    assert only(type="single_choice") == [approved]
    assert only(language="hi") == [approved]
    assert only(q="hazards") == [draft]
    assert only(nos=draft.nos_id) == [draft]
    assert only(nos=approved.nos_id, pc=approved.performance_criterion_id) == [approved]
    assert only(author=curator.pk, status="approved") == [approved]
    ku = approved.nos.knowledge_items.first()
    approved.knowledge_items.add(ku)
    assert only(nos=approved.nos_id, ku=ku.pk) == [approved]


def test_bulk_submit_then_approve_by_another_curator(client, bank, curator, second_curator):
    _, draft = bank
    version = draft.versions.get()
    client.force_login(curator)
    client.post(reverse("items:bulk"), {"action": "submit", "version": [version.pk]})
    version.refresh_from_db()
    assert version.status == ItemStatus.SUBMITTED
    # the author cannot approve in bulk either
    client.post(reverse("items:bulk"), {"action": "approve", "version": [version.pk]})
    version.refresh_from_db()
    assert version.status == ItemStatus.SUBMITTED
    client.force_login(second_curator)
    client.post(
        reverse("items:bulk"), {"action": "approve", "version": [version.pk], "comment": "ok"}
    )
    version.refresh_from_db()
    assert version.status == ItemStatus.APPROVED and version.approved_by == second_curator


def _form_data(pc, **extra):
    data = {
        "performance_criterion": pc.pk, "item_type": "single_choice", "difficulty_estimate": "2",
        "en_stem_html": "<p>Who should you ask when a task is outside your job role?</p>",
        "en_option_A": "Your supervisor", "fraction_A": "1", "en_feedback_A": "Yes.",
        "en_option_B": "A customer", "fraction_B": "0",
        "en_option_C": "Nobody; do it anyway", "fraction_C": "0",
        "hi_stem_html": "<p>जब कोई काम आपकी भूमिका से बाहर हो तो किससे पूछें?</p>",
        "hi_option_A": "अपने पर्यवेक्षक से", "hi_option_B": "ग्राहक से", "hi_option_C": "किसी से नहीं",
    }  # fmt: skip
    data.update(extra)
    return data


def test_create_edit_and_workflow_through_the_pages(client, asc_q0202, curator, second_curator):
    pc = pc_of("ASC/N0001", "PC4")
    client.force_login(curator)
    response = client.post(reverse("items:create") + "?qp=ASC/Q0202", _form_data(pc))
    item = Item.objects.get()
    assert response.status_code == 302
    version = item.versions.get()
    assert version.languages == ["en", "hi"] and version.author == curator
    client.post(reverse("items:action", args=[version.pk, "submit"]), {"comment": "please review"})
    client.force_login(second_curator)
    page = client.get(reverse("items:detail", args=[item.pk]))
    assert b"Approve" in page.content and "अपने पर्यवेक्षक से" in page.content.decode()
    client.post(reverse("items:action", args=[version.pk, "approve"]))
    version.refresh_from_db()
    assert version.status == ItemStatus.APPROVED
    # editing the approved item makes version 2 and keeps version 1
    response = client.post(
        reverse("items:edit", args=[item.pk]), _form_data(pc, en_option_B="A passing customer")
    )
    assert response.status_code == 302
    assert list(item.versions.values_list("number", "status")) == [(2, "draft"), (1, "approved")]


def test_invalid_item_form_shows_the_problem_and_writes_nothing(client, asc_q0202, curator):
    pc = pc_of("ASC/N0001", "PC4")
    client.force_login(curator)
    response = client.post(
        reverse("items:create") + "?qp=ASC/Q0202", _form_data(pc, fraction_B="1")
    )
    assert response.status_code == 400
    assert b"exactly one fully correct option" in response.content
    assert not Item.objects.exists()


def test_coverage_page_counts_approved_items_per_pc(client, bank, curator):
    response = _get(client, curator, "items:coverage", qp="ASC/Q0202")
    assert response.status_code == 200
    coverage = {n.nos.code: n for n in response.context["nos_coverage"]}
    assert list(coverage) == [
        "ASC/N0001",
        "ASC/N0002",
        "ASC/N0003",
        "ASC/N0004",
        "ASC/N0203",
        "ASC/N0204",
    ]
    pc1 = coverage["ASC/N0001"].rows[0]
    assert (pc1.ref, pc1.approved, pc1.needed) == ("PC1", 1, 3)  # 2 theory marks -> 3 (the minimum)
    n0004 = {r.ref: r for r in coverage["ASC/N0004"].rows}
    assert n0004["PC1"].needed == 5  # 5 theory marks x 1 item per mark
    assert "PC6#2" not in n0004  # PC6 is printed twice with the same text: one PC
    assert n0004["PC6"].needed == 5  # its row's 5 theory marks
    assert coverage["ASC/N0002"].rows[0].approved == 0  # the draft does not count
    assert b"PCs with no approved item" in response.content


def test_import_page_lists_problems_and_export_downloads(client, bank, curator):
    client.force_login(curator)
    bad = SimpleUploadedFile(
        "bad.csv", b"nos,pc,type,language,stem_html\nASC/N0001,PC77,numeric,en,<p>x</p>\n"
    )
    url = reverse("items:import")
    response = client.post(url, {"qp": "ASC/Q0202", "file": bad}, follow=True)
    assert response.status_code == 200
    assert (
        b"no performance criterion" in response.content
        and b"1 question(s) found" in response.content
    )
    unreadable = SimpleUploadedFile("bad.gift", "::a::Café?{T}".encode("latin-1"))
    response = client.post(url, {"qp": "ASC/Q0202", "file": unreadable}, follow=True)
    assert b"Nothing was imported" in response.content and b"not UTF-8" in response.content
    response = client.get(reverse("items:export"), {"qp": "ASC/Q0202", "format": "gift"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.gift.txt"')
    count = ItemVersion.objects.count()
    Item.objects.all().delete()
    good = SimpleUploadedFile("bank.gift.txt", response.content)
    response = client.post(url, {"qp": "ASC/Q0202", "file": good}, follow=True)
    assert response.status_code == 200 and ItemVersion.objects.count() == count


def test_enemies_are_added_and_removed_from_the_item_page(client, bank, curator):
    approved, draft = bank
    client.force_login(curator)
    client.post(reverse("items:enemies", args=[approved.pk]), {"add": f"#{draft.pk}"})
    assert list(draft.enemies.all()) == [approved]
    client.post(reverse("items:enemies", args=[approved.pk]), {"add": "no-such-item"})
    assert approved.enemies.count() == 1
    page = client.get(reverse("items:detail", args=[approved.pk]))
    assert f"#{draft.pk}" in page.content.decode()
    client.post(reverse("items:enemies", args=[approved.pk]), {"remove": str(draft.pk)})
    assert not approved.enemies.exists()
    assert approved.events.filter(action="enemies").count() == 2
    learner = user_in(Role.LEARNER)
    client.force_login(learner)
    client.post(reverse("items:enemies", args=[approved.pk]), {"add": str(draft.pk)})
    assert not approved.enemies.exists()


def test_administrator_has_the_curators_rights(client, bank):
    administrator = user_in(Role.ADMINISTRATOR)
    _, draft = bank
    assert _get(client, administrator, "items:index").status_code == 200
    assert _get(client, administrator, "items:import").status_code == 200
    assert _get(client, administrator, "items:coverage", qp="ASC/Q0202").status_code == 200
    version = draft.versions.get()
    client.post(reverse("items:action", args=[version.pk, "submit"]))
    client.post(reverse("items:action", args=[version.pk, "approve"]))
    version.refresh_from_db()
    assert version.status == ItemStatus.APPROVED and version.approved_by == administrator


def test_coverage_shares_element_marks_when_the_document_gives_none_per_pc(asc_q0202):
    from question_bank.items.selectors import qualification_pack_coverage
    from question_bank.models import Element

    element = Element.objects.filter(nos__code="ASC/N0001").order_by("position")[0]
    element.performance_criteria.update(theory_marks=None)
    element.theory_marks = 30
    element.save()
    rows = qualification_pack_coverage(code="ASC/Q0202")[0].rows
    shared = [r for r in rows if r.performance_criterion.element_id == element.pk]
    assert len(shared) == 6
    assert {(r.marks_source, r.theory_marks, r.needed) for r in shared} == {("element", 5, 5)}
    assert {r.marks_source for r in rows if r not in shared} == {"pc"}
