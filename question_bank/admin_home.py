"""The question bank's panel on the Wagtail admin's home page: what waits for a curator (items
awaiting review, drafts, items to be tagged, items flagged by their statistics), each a link to
the bank list filtered to it. Shown to users who may view the bank."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.ui.components import Component

from .items.selectors import bank_at_a_glance

VIEW = "question_bank.view_item"


class BankPanel(Component):
    name = "kaushal_question_bank"
    template_name = "question_bank/items/home_panel.html"
    order = 50

    def get_context_data(self, parent_context=None) -> dict:
        return bank_at_a_glance()


@hooks.register("construct_homepage_panels")
def add_bank_panel(request, panels: list) -> None:
    if request.user.has_perm(VIEW):
        panels.insert(0, BankPanel())
