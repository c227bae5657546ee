from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Rete territoriale"

    def ready(self):
        from . import cache

        cache.connect()
