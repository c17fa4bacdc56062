from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rattvag.accounts"
    label = "accounts"
