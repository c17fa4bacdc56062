"""Measuring the method: the progression ladder and the participant questionnaires.

Ladders (förflyttningstrappa) are configured per municipality (or the project default, municipality
empty) and versioned: an assessment points at a step of one version, so an old assessment keeps its
meaning when a newer version changes the steps. Questionnaires have questions on answer scales;
questions that measure an indicator say from which value an answer meets it and what the target is.
Responses are tied to the client (for the record and the unit) but reports never show who answered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rattvag.accounts.models import Municipality, Unit
from rattvag.clients.models import Case, Client
from rattvag.core.models import TimeStampedModel


def _english() -> bool:
    return (get_language() or "sv").startswith("en")


# --- the progression ladder --------------------------------------------------------------------


class Ladder(TimeStampedModel):
    """A progression ladder. Municipality empty: the project's default, used where none is configured."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ladders",
        verbose_name=_("municipality"),
        help_text=_("Empty: the default ladder for every municipality without its own."),
    )
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        verbose_name = _("progression ladder")
        verbose_name_plural = _("progression ladders")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=models.Q(municipality__isnull=False),
                name="ladder_one_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_sv


class LadderVersion(TimeStampedModel):
    """One version of a ladder's steps. Once published its steps are not changed; a change is a new version."""

    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="versions", verbose_name=_("ladder"))
    number = models.PositiveIntegerField(_("version"))
    published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("ladder version")
        verbose_name_plural = _("ladder versions")
        ordering = ["ladder", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "number"], name="ladder_version_unique_number"),
            models.CheckConstraint(name="ladder_version_number_positive", condition=models.Q(number__gte=1)),
            models.CheckConstraint(
                name="ladder_version_published_has_date",
                condition=models.Q(published=False) | models.Q(published_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ladder.code} v{self.number}"


class LadderStep(models.Model):
    """A step of one ladder version: 1 is the furthest from work or studies."""

    version = models.ForeignKey(
        LadderVersion, on_delete=models.CASCADE, related_name="steps", verbose_name=_("version")
    )
    number = models.PositiveSmallIntegerField(_("step"))
    label_sv = models.CharField(_("label in Swedish"), max_length=200)
    label_en = models.CharField(_("label in English"), max_length=200)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)

    class Meta:
        verbose_name = _("ladder step")
        verbose_name_plural = _("ladder steps")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="ladder_step_unique_number"),
            models.CheckConstraint(name="ladder_step_number_positive", condition=models.Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_sv

    @property
    def description(self) -> str:
        return self.description_en if _english() else self.description_sv


class AssessedBy(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    PARTNER = "partner", _("Partner")
    CLIENT = "client", _("The client's own view")


class LadderAssessment(TimeStampedModel):
    """Where a client stands on the ladder on a day, in someone's judgement."""

    # No index of its own: ladder_assessment_client_idx starts with it.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="ladder_assessments", verbose_name=_("client"), db_index=False
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ladder_assessments",
        verbose_name=_("case"),
    )
    assessed_on = models.DateField(_("date"))
    step = models.ForeignKey(LadderStep, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("step"))
    assessed_by = models.CharField(_("assessed by"), max_length=20, choices=AssessedBy.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("ladder assessment")
        verbose_name_plural = _("ladder assessments")
        ordering = ["client", "assessed_on", "id"]
        indexes = [models.Index(fields=["client", "assessed_on"], name="ladder_assessment_client_idx")]

    def __str__(self) -> str:
        return f"Ladder assessment #{self.pk}"


# --- participant questionnaires ---------------------------------------------------------------


class AnswerScale(TimeStampedModel):
    """A set of answer options, each with a whole-number value (higher is better)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        verbose_name = _("answer scale")
        verbose_name_plural = _("answer scales")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_en if _english() else self.name_sv


class ScaleOption(models.Model):
    scale = models.ForeignKey(AnswerScale, on_delete=models.CASCADE, related_name="options", verbose_name=_("scale"))
    value = models.SmallIntegerField(_("value"))
    label_sv = models.CharField(_("label in Swedish"), max_length=200)
    label_en = models.CharField(_("label in English"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["scale", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="scale_option_unique_value")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_sv


class Moment(models.TextChoices):
    DURING = "during", _("During the support")
    END = "end", _("At the end of the support")


class Indicator(models.TextChoices):
    """The three targets of the Falköping project (Rätt hjälp 2019–2020)."""

    READY_FOR_WORK_OR_STUDIES = "ready_for_work_or_studies", _("Feels more ready to work or study")
    SUPPORT_USEFUL = "support_useful", _("Found the support very useful")
    PLAN_AFTERWARDS = "plan_afterwards", _("Has a sufficient plan for after the support")


class Questionnaire(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    intro_sv = models.TextField(_("introduction in Swedish"), blank=True)
    intro_en = models.TextField(_("introduction in English"), blank=True)
    moment = models.CharField(_("when"), max_length=10, choices=Moment.choices)
    active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_sv

    @property
    def intro(self) -> str:
        return self.intro_en if _english() else self.intro_sv


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions", verbose_name=_("questionnaire")
    )
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_sv = models.TextField(_("text in Swedish"))
    text_en = models.TextField(_("text in English"))
    scale = models.ForeignKey(AnswerScale, on_delete=models.PROTECT, related_name="questions", verbose_name=_("scale"))
    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices, blank=True)
    meets_from = models.SmallIntegerField(
        _("meets the indicator from value"),
        null=True,
        blank=True,
        help_text=_("Answers with this value or higher count as meeting the indicator."),
    )
    target_percent = models.PositiveSmallIntegerField(
        _("target (%)"), null=True, blank=True, help_text=_("The share that should meet the indicator.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique_code"),
            models.CheckConstraint(
                name="question_indicator_complete",
                condition=models.Q(indicator="", meets_from__isnull=True, target_percent__isnull=True)
                | (~models.Q(indicator="") & models.Q(meets_from__isnull=False, target_percent__isnull=False)),
            ),
            models.CheckConstraint(
                name="question_target_percent_range",
                condition=models.Q(target_percent__isnull=True) | models.Q(target_percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.code}/{self.code}"

    @property
    def text(self) -> str:
        return self.text_en if _english() else self.text_sv


class EnteredBy(models.TextChoices):
    WITH_CASEWORKER = "with_caseworker", _("Entered by the caseworker with the client")
    TABLET = "tablet", _("Answered by the client on a tablet")


class QuestionnaireResponse(TimeStampedModel):
    """One client's answers to one questionnaire. Reports count the answers, never the person."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses", verbose_name=_("questionnaire")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="questionnaire_responses", verbose_name=_("client")
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    answered_on = models.DateField(_("answered on"))
    entered_by = models.CharField(_("how it was answered"), max_length=20, choices=EnteredBy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The caseworker who entered the answers or created the tablet code."),
    )

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        ordering = ["-answered_on", "-id"]
        indexes = [models.Index(fields=["unit", "answered_on"], name="q_response_unit_date_idx")]

    def __str__(self) -> str:
        return f"Questionnaire response #{self.pk}"


class Answer(models.Model):
    # No index of its own: answer_unique_question starts with it.
    response = models.ForeignKey(
        QuestionnaireResponse,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("response"),
        db_index=False,
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    value = models.SmallIntegerField(_("value"), null=True, blank=True, help_text=_("Empty: not answered."))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__position"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question")]

    def __str__(self) -> str:
        return f"Answer #{self.pk}"


class TabletCode(TimeStampedModel):
    """A one-time code that opens one questionnaire for one client on a shared tablet, until it expires.

    Only a SHA-256 digest of the code is stored; the caseworker sees the code once.
    """

    digest = models.CharField(_("digest"), max_length=64, unique=True)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="+", verbose_name=_("questionnaire")
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    response = models.OneToOneField(
        QuestionnaireResponse, on_delete=models.SET_NULL, null=True, blank=True, related_name="tablet_code"
    )

    class Meta:
        verbose_name = _("tablet code")
        verbose_name_plural = _("tablet codes")
        indexes = [models.Index(fields=["expires_at"], name="tablet_code_expiry_idx")]

    def __str__(self) -> str:
        return f"Tablet code #{self.pk}"
