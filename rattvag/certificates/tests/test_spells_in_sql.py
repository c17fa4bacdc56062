"""The statistics count spells and the quality check in the database: the same results as the rules in Python.

``spell_summaries`` (gaps and islands in SQL) against ``spells.sick_leave_as_of``, and
``completeness_of_certificates`` (and ``completeness_of_client_certificates``) against ``quality.finding_count``,
on random certificates of many shapes (overlapping, adjoining and gapped periods, several certificates a day,
every quality finding), on whichever database the suite runs on.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db.models import Value

from rattvag.certificates.models import Certificate
from rattvag.certificates.selectors import (
    completeness_of_certificates,
    completeness_of_client_certificates,
    quality_of_certificates,
    spell_summaries,
)
from rattvag.certificates.spells import CertificateSpan, Period, degree_on, sick_leave_as_of
from rattvag.clients.models import Client
from tests.factories import ClientFactory, UserFactory

from .factories import GOOD_IMPAIRMENT, GOOD_LIMITATION, CertificateFactory, DiagnosisFactory, PeriodFactory

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2025, 6, 15)
START = D(2024, 7, 1)


def _random_certificates(rng: random.Random, client: Client, user: Any) -> list[CertificateSpan]:
    spans = []
    day = D(2023, 1, 1) + datetime.timedelta(days=rng.randrange(200))
    for _ in range(rng.randrange(0, 9)):
        day += datetime.timedelta(days=rng.choice([-20, -3, 0, 1, 2, 5, 6, 7, 30, 90]))
        issued = day + datetime.timedelta(days=rng.randrange(-3, 10))
        certificate = CertificateFactory(
            client=client, issued_on=issued, received_on=issued + datetime.timedelta(9), registered_by=user
        )
        periods = []
        start = day
        for _p in range(rng.randrange(1, 4)):
            length = rng.choice([0, 3, 14, 30, 60])
            period = PeriodFactory(
                certificate=certificate,
                start=start,
                end=start + datetime.timedelta(days=length),
                degree=rng.choice([25, 50, 75, 100]),
            )
            periods.append(Period(period.start, period.end, period.degree))
            start = period.end + datetime.timedelta(days=rng.choice([-2, 1, 1, 3, 10]))
        day = start
        spans.append(CertificateSpan(certificate.pk, issued, tuple(periods)))
    # Some spells reach the reference date.
    if rng.random() < 0.5:
        certificate = CertificateFactory(client=client, issued_on=ON, received_on=ON, registered_by=user)
        first = ON - datetime.timedelta(days=rng.randrange(0, 40))
        period = PeriodFactory(certificate=certificate, start=first, end=ON + datetime.timedelta(days=10), degree=50)
        spans.append(CertificateSpan(certificate.pk, ON, (Period(period.start, period.end, period.degree),)))
    return spans


@pytest.mark.parametrize("with_degrees", [False, True])
def test_spells_counted_in_the_database_follow_the_spell_rules(with_degrees: bool) -> None:
    rng = random.Random(8)
    clients = {}
    user = UserFactory()
    for _ in range(40):
        client = ClientFactory()
        clients[client.pk] = _random_certificates(rng, client, user)
    for gap in (0, 5, 30):
        pairs = Client.objects.filter(pk__in=list(clients)).annotate(gap=Value(gap)).values("pk", "gap")
        found = spell_summaries(pairs, start=START, on=ON, with_degrees=with_degrees)
        checked_current = checked_starts = 0
        for client_id, spans in clients.items():
            expected = sick_leave_as_of(spans, ON, gap)
            summary = found.get((client_id, gap))
            current_days = summary.current_days if summary else None
            assert current_days == (expected.current.days if expected.current else None)
            if with_degrees and summary:
                assert summary.current_degree == expected.current_degree
            starts = [
                (spell.start, degree_on(spans, spell.start) if with_degrees else None)
                for spell in expected.spells
                if START <= spell.start <= ON
            ]
            assert list(summary.starts if summary else ()) == starts
            checked_current += expected.current is not None
            checked_starts += len(starts)
        assert checked_current > 5
        assert checked_starts > 10


def test_completeness_counted_in_the_database_is_the_quality_checks_verdict() -> None:
    rng = random.Random(3)
    client = ClientFactory()
    user = UserFactory()
    texts = [GOOD_IMPAIRMENT, "", "   ", "kort", "a" + " " * 40 + "b", " x\t\n" * 12, "å" * 30, "ä" * 29 + " "]
    good = rng.random

    def pick(good_value: Any, others: list[Any]) -> Any:
        return good_value if good() < 0.85 else rng.choice(others)

    for _ in range(200):
        issued = D(2025, 1, 1) + datetime.timedelta(days=rng.randrange(60))
        certificate = CertificateFactory(
            client=client,
            registered_by=user,
            issued_on=issued,
            received_on=issued,
            basis=pick(["phone", "records"], [[], ["own_examination"]]),
            functional_impairment=pick(GOOD_IMPAIRMENT, texts),
            activity_limitation=pick(GOOD_LIMITATION, texts),
            prognosis=pick("after_60", [""]),
        )
        for position in range(pick(1, [0, 2])):
            DiagnosisFactory(certificate=certificate, position=position + 1, code=pick("F321", ["", "M545"]))
        start = issued + datetime.timedelta(days=pick(0, [-9, -8, -7, -1, 2]))
        for _p in range(pick(1, [0, 2, 3])):
            end = start + datetime.timedelta(days=rng.choice([0, 5, 20]))
            PeriodFactory(certificate=certificate, start=start, end=end)
            start = end + datetime.timedelta(days=rng.choice([-1, 1, 1, 1, 2, 4]))
    certificates = Certificate.objects.filter(client=client)
    expected = [
        (q.certificate_id, q.client_id, q.care_unit_id, q.findings == 0) for q in quality_of_certificates(certificates)
    ]
    found = [tuple(row) for row in completeness_of_certificates(certificates)]
    assert found == expected
    assert 10 < sum(row[3] for row in found) < 190


def test_completeness_of_clients_certificates_issued_in_a_period() -> None:
    """The statistics' form: the certificates issued in a period of the clients a values queryset selects (a client
    listed twice counts once), with the same verdicts as the quality check."""
    rng = random.Random(5)
    user = UserFactory()
    clients = [ClientFactory() for _ in range(6)]
    texts = [GOOD_IMPAIRMENT, "", "kort", " x\t\n" * 12]
    for _ in range(120):
        issued = D(2025, 1, 1) + datetime.timedelta(days=rng.randrange(90))
        certificate = CertificateFactory(
            client=rng.choice(clients),
            registered_by=user,
            issued_on=issued,
            received_on=issued,
            functional_impairment=GOOD_IMPAIRMENT if rng.random() < 0.8 else rng.choice(texts),
            activity_limitation=GOOD_LIMITATION,
            prognosis="after_60" if rng.random() < 0.9 else "",
        )
        if rng.random() < 0.9:
            DiagnosisFactory(certificate=certificate, position=1, code=rng.choice(["F321", "M545", ""]))
        start = issued + datetime.timedelta(days=rng.choice([0, 0, -3, -8]))
        PeriodFactory(certificate=certificate, start=start, end=start + datetime.timedelta(days=rng.choice([0, 14])))
    chosen = [c.pk for c in clients[:4]]
    first, last = D(2025, 1, 20), D(2025, 3, 10)
    expected = [
        (q.certificate_id, q.client_id, q.care_unit_id, q.findings == 0)
        for q in quality_of_certificates(
            Certificate.objects.filter(client_id__in=chosen, issued_on__gte=first, issued_on__lte=last)
        )
    ]
    many = Certificate.objects.filter(client_id__in=chosen).order_by().values("client_id")  # each client often
    for client_ids in (Client.objects.filter(pk__in=chosen).order_by().values("pk"), many):
        found = completeness_of_client_certificates(client_ids, issued_from=first, issued_to=last)
        assert [tuple(row) for row in found] == expected
    assert 10 < sum(row[3] for row in expected) < len(expected)
