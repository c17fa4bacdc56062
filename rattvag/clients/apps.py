from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "rattvag.clients"
    label = "clients"
