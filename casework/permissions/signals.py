"""Role permissions re-applied after every ``migrate``."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def sync_role_permissions(sender, app_config=None, using="default", verbosity=0, **kwargs):
    # post_migrate fires once per app and our receiver may run before auth has created the
    # permissions of later apps: act once, on the last app, after creating them all ourselves.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is None or app_config is not with_models[-1]:
        return
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    from .roles import apply_role_permissions

    apply_role_permissions(using=using)
