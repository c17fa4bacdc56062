"""The JSON API: one NinjaAPI instance; each app contributes a router."""

from rattvag.api.setup import build_api

api = build_api()
