"""Staff roles are Django groups created by migration 0003_staff_roles. Superadmin holds every
permission: after each `migrate` it is given those of models added since (post_migrate), so the
role never silently falls behind the code."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

SUPERADMIN = "Superadmin"


def keep_superadmin_complete(**kwargs: Any) -> None:
    group = Group.objects.filter(name=SUPERADMIN).first()
    if group is not None:
        group.permissions.add(*Permission.objects.exclude(group=group))
