from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "rattvag.followup"
    label = "followup"
