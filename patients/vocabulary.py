"""Controlled vocabularies for the spasm diary (clinical reference §7). Codes are API values."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class Trigger(models.TextChoices):
    BENDING_FORWARD = "bending_forward", _("Bending forward")
    RETURNING_UPRIGHT = "returning_upright", _("Returning upright")
    TWISTING_REACHING = "twisting_reaching", _("Twisting or reaching")
    SIT_TO_STAND = "sit_to_stand", _("Standing up from sitting")
    LIFTING = "lifting", _("Lifting")
    SWIMMING = "swimming", _("Swimming")
    RUNNING = "running", _("Running")
    CYCLING = "cycling", _("Cycling")
    BIKE_TO_RUN = "bike_to_run", _("Bike-to-run transition")
    AFTER_HARD_TRAINING = "after_hard_training", _("After hard training")
    SNEEZING_COUGHING = "sneezing_coughing", _("Sneezing or coughing")
    PROLONGED_SITTING = "prolonged_sitting", _("Prolonged sitting")
    PROLONGED_STANDING = "prolonged_standing", _("Prolonged standing")
    TURNING_IN_BED = "turning_in_bed", _("Turning in bed")
    TRIVIAL_TASK = "trivial_task", _("A trivial task")
    STRESS = "stress", _("Stress")
    UNKNOWN = "unknown", _("Unknown")


class ReliefMethod(models.TextChoices):
    HEAT = "heat", _("Heat")
    ICE = "ice", _("Ice or cold")
    NSAID = "nsaid", _("Anti-inflammatory (NSAID)")
    MUSCLE_RELAXANT = "muscle_relaxant", _("Muscle relaxant")
    TENS = "tens", _("TENS")
    STRETCHING = "stretching", _("Stretching")
    WALKING = "walking", _("Walking")
    REST = "rest", _("Rest")
    MASSAGE = "massage", _("Massage")
    POSITION_CHANGE = "position_change", _("Changing position")
    OTHER = "other", _("Other")


class ReliefEffect(models.TextChoices):
    NONE = "none", _("No effect")
    SOME = "some", _("Some relief")
    GOOD = "good", _("Good relief")


# Ranking weight of an effect when relief methods are compared (none 0, some 1, good 2).
RELIEF_EFFECT_SCORE = {ReliefEffect.NONE: 0, ReliefEffect.SOME: 1, ReliefEffect.GOOD: 2}


class MovementDirection(models.TextChoices):
    FLEXION = "flexion", _("Flexion (bending forward)")
    EXTENSION = "extension", _("Extension (bending backward)")
    ROTATION = "rotation", _("Rotation (twisting)")
    NEUTRAL = "neutral", _("Neutral")


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BOTH = "both", _("Both sides")
    CENTRAL = "central", _("Central")


class Region(models.TextChoices):
    LUMBAR = "lumbar", _("Lower back")
    THORACIC = "thoracic", _("Mid back")
    GLUTEAL = "gluteal", _("Buttock")
    OTHER = "other", _("Other")


class Function(models.TextChoices):
    WALKED_UNAIDED = "walked_unaided", _("Walked unaided")
    WALKED_WITH_SUPPORT = "walked_with_support", _("Walked with support")
    COULD_NOT_STAND = "could_not_stand", _("Could not stand")


# The mini red-flag re-check of §7 and the intake fields (§0.1) each answer stands for.
# "New weakness" is read as progressive leg weakness (R2b, same-day) [L: confirm clinically].
EPISODE_RED_FLAGS: dict[str, str] = {
    "bladder": "bladder_dysfunction",
    "bowel": "bowel_dysfunction",
    "saddle_numbness": "saddle_numbness",
    "both_legs": "bilateral_leg_symptoms",
    "new_weakness": "progressive_leg_weakness",
    "fever": "fever",
    "fainting": "loss_of_consciousness",
    "chest_pain_or_breathlessness": "chest_pain_or_breathlessness",
}

# The same re-check as the patient reads it (the episode input's help texts).
EPISODE_RED_FLAG_QUESTIONS: dict[str, StrOrPromise] = {
    "bladder": _("New trouble passing or holding urine"),
    "bowel": _("New loss of bowel control or feeling"),
    "saddle_numbness": _("Numbness between the legs, genitals or back passage"),
    "both_legs": _("Symptoms in both legs"),
    "new_weakness": _("New weakness in a leg"),
    "fever": _("Fever, sweats or shivering"),
    "fainting": _("Fainted or blacked out"),
    "chest_pain_or_breathlessness": _("Chest pain or shortness of breath"),
}
