from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """Synthetic datasets at scale (`generate_data`) for benchmarks and load tests."""

    name = "rattvag.synthetic"
    label = "synthetic"
