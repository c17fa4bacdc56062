from ninja import NinjaAPI


def build_api() -> NinjaAPI:
    return NinjaAPI(title="Rätt väg API", version="1", urls_namespace="api")
