"""Admin for registrations (editable), keys (read-only), links, batches and grade deliveries.

A failed grade delivery is visible here with its error and can be sent again.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from . import outbound, services
from .models import (
    Batch,
    BatchMembership,
    DynamicRegistrationInvite,
    LaunchTarget,
    LineItem,
    PlatformRegistration,
    PlatformUser,
    ResourceLink,
    ScorePost,
    ToolKey,
    TrainingCentre,
)

ROLE_MAPPING_FIELDS = ("instructor_role", "content_developer_role", "administrator_role")


class PlatformRegistrationForm(forms.ModelForm):
    class Meta:
        model = PlatformRegistration
        fields = [
            "name",
            "issuer",
            "client_id",
            "auth_login_url",
            "auth_token_url",
            "key_set_url",
            "auth_audience",
            "deployment_ids",
            "service_hosts",
            "is_active",
            "instructor_role",
            "content_developer_role",
            "administrator_role",
        ]

    def clean_deployment_ids(self):
        value = self.cleaned_data["deployment_ids"]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise forms.ValidationError('Enter a JSON list of deployment ids, e.g. ["1"].')
        return value

    def clean_service_hosts(self):
        value = self.cleaned_data["service_hosts"]
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(
            outbound.service_host_entry_valid(v) for v in value
        ):
            raise forms.ValidationError(
                'Enter a JSON list of host names, e.g. ["school.blackboard.com", '
                '"lms.example.org:8443", "*.instructure.com"].'
            )
        return [v.lower() for v in value]


@admin.register(PlatformRegistration)
class PlatformRegistrationAdmin(admin.ModelAdmin):
    form = PlatformRegistrationForm
    list_display = ["__str__", "issuer", "client_id", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "issuer", "client_id"]

    def get_readonly_fields(self, request, obj=None):
        """What a platform's LMS roles become is approved by a Kaushal administrator who holds
        ``lti.approve_role_mapping`` (no role has it by default: superusers, or whom they give
        it to), never by whoever may edit registrations, nor by a user an LTI launch made."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("lti.approve_role_mapping"):
            readonly += list(ROLE_MAPPING_FIELDS)
        return readonly


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "status", "created_at", "activated_at", "retire_after"]
    readonly_fields = ["kid", "public_jwk", "status", "created_at", "activated_at", "retire_after"]
    exclude = ["private_key_pem"]

    def has_add_permission(self, request):
        return False  # keys are made and rotated by `manage.py lti_keys`


@admin.register(LaunchTarget)
class LaunchTargetAdmin(admin.ModelAdmin):
    list_display = ["target_type", "target_key", "title"]
    list_filter = ["target_type"]
    search_fields = ["target_key", "title"]


@admin.register(ResourceLink)
class ResourceLinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "registration", "target", "batch", "ags_refusal"]
    list_filter = ["registration"]
    readonly_fields = ["ags_refusal"]
    search_fields = ["resource_link_id", "title"]


class BatchMembershipInline(admin.TabularInline):
    model = BatchMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "qualification_pack_code",
        "registration",
        "roster_synced_at",
        "roster_refusal",
    ]
    readonly_fields = ["roster_refusal"]
    inlines = [BatchMembershipInline]
    actions = ["sync_roster"]

    @admin.action(description="Sync the roster from the platform (NRPS)", permissions=["change"])
    def sync_roster(self, request, queryset):
        for batch in queryset:
            try:
                counts = services.batch_roster_sync(batch=batch)
                self.message_user(request, f"{batch}: {counts}")
            except (services.ServiceTemporaryError, services.ServicePermanentError) as exc:
                self.message_user(request, f"{batch}: {exc}", level=messages.ERROR)


@admin.register(TrainingCentre)
class TrainingCentreAdmin(admin.ModelAdmin):
    """Centres, their time zone, their administrators (who manage its batches), its trainers (who
    open batches there) and its assessors (who assign assessments to its batches,
    ``lms.admin_assignments``, and read their candidates' results)."""

    list_display = ["name", "code", "city", "time_zone"]
    search_fields = ["name", "code", "city"]
    filter_horizontal = ["administrators", "trainers", "assessors"]


@admin.register(ScorePost)
class ScorePostAdmin(admin.ModelAdmin):
    list_display = [
        "attempt_key",
        "user",
        "resource_link",
        "score_given",
        "score_maximum",
        "status",
        "tries",
        "last_error",
        "sent_at",
    ]
    list_filter = ["status"]
    search_fields = ["attempt_key", "user__username"]
    readonly_fields = [f.name for f in ScorePost._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed scores again", permissions=["change"])
    def retry(self, request, queryset):
        failed = queryset.filter(status=ScorePost.Status.FAILED)
        for post in failed:
            services.score_post_retry(score_post_id=post.pk)
        self.message_user(request, f"{failed.count()} score(s) queued again.")


_admin_request: ContextVar[HttpRequest | None] = ContextVar("lti_admin_request", default=None)


@admin.register(DynamicRegistrationInvite)
class DynamicRegistrationInviteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "registration_url", "expires_at", "used_at", "registration"]
    fields = ["name", "expires_at", "registration_url", "used_at", "registration"]
    readonly_fields = ["registration_url", "used_at", "registration"]

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + timezone.timedelta(days=7)}

    def save_model(self, request, obj, form, change):
        if not obj.token:
            obj.token = secrets.token_urlsafe(32)
        super().save_model(request, obj, form, change)

    @admin.display(description="URL to paste into the platform")
    def registration_url(self, obj):
        if not obj.pk or not obj.token:
            return "(shown after saving)"
        path = reverse("lti:register", args=[obj.token])
        request = _admin_request.get()
        return request.build_absolute_uri(path) if request is not None else path

    # The admin object is shared by all requests: the request being served is kept in a
    # context variable (per thread / task), never on ``self``.
    def get_form(self, request, obj=None, **kwargs):
        _admin_request.set(request)
        return super().get_form(request, obj, **kwargs)

    def changelist_view(self, request, extra_context=None):
        _admin_request.set(request)
        return super().changelist_view(request, extra_context)


admin.site.register(PlatformUser)
admin.site.register(LineItem)
