from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Kaushal", {"fields": ("full_name", "preferred_language")}),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
