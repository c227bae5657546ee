"""Every edition gets its traineeship rules, with the regional defaults, when it is created (the
edition lives in money, which cases never import: the sender is named by its label)."""

from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender="casework.Edition", dispatch_uid="traineeship_rules_for_edition")
def create_traineeship_rules(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .services import ensure_rules

        ensure_rules(instance)
