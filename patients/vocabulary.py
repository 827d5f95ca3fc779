"""Controlled vocabularies for the spasm diary (clinical reference §7). Codes are API values."""

from __future__ import annotations

from django.db import models


class Trigger(models.TextChoices):
    BENDING_FORWARD = "bending_forward", "Bending forward"
    RETURNING_UPRIGHT = "returning_upright", "Returning upright"
    TWISTING_REACHING = "twisting_reaching", "Twisting or reaching"
    SIT_TO_STAND = "sit_to_stand", "Standing up from sitting"
    LIFTING = "lifting", "Lifting"
    SWIMMING = "swimming", "Swimming"
    RUNNING = "running", "Running"
    CYCLING = "cycling", "Cycling"
    BIKE_TO_RUN = "bike_to_run", "Bike-to-run transition"
    AFTER_HARD_TRAINING = "after_hard_training", "After hard training"
    SNEEZING_COUGHING = "sneezing_coughing", "Sneezing or coughing"
    PROLONGED_SITTING = "prolonged_sitting", "Prolonged sitting"
    PROLONGED_STANDING = "prolonged_standing", "Prolonged standing"
    TURNING_IN_BED = "turning_in_bed", "Turning in bed"
    TRIVIAL_TASK = "trivial_task", "A trivial task"
    STRESS = "stress", "Stress"
    UNKNOWN = "unknown", "Unknown"


class ReliefMethod(models.TextChoices):
    HEAT = "heat", "Heat"
    ICE = "ice", "Ice or cold"
    NSAID = "nsaid", "Anti-inflammatory (NSAID)"
    MUSCLE_RELAXANT = "muscle_relaxant", "Muscle relaxant"
    TENS = "tens", "TENS"
    STRETCHING = "stretching", "Stretching"
    WALKING = "walking", "Walking"
    REST = "rest", "Rest"
    MASSAGE = "massage", "Massage"
    POSITION_CHANGE = "position_change", "Changing position"
    OTHER = "other", "Other"


class ReliefEffect(models.TextChoices):
    NONE = "none", "No effect"
    SOME = "some", "Some relief"
    GOOD = "good", "Good relief"


# Ranking weight of an effect when relief methods are compared (none 0, some 1, good 2).
RELIEF_EFFECT_SCORE = {ReliefEffect.NONE: 0, ReliefEffect.SOME: 1, ReliefEffect.GOOD: 2}


class MovementDirection(models.TextChoices):
    FLEXION = "flexion", "Flexion (bending forward)"
    EXTENSION = "extension", "Extension (bending backward)"
    ROTATION = "rotation", "Rotation (twisting)"
    NEUTRAL = "neutral", "Neutral"


class Side(models.TextChoices):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    CENTRAL = "central"


class Region(models.TextChoices):
    LUMBAR = "lumbar"
    THORACIC = "thoracic"
    GLUTEAL = "gluteal"
    OTHER = "other"


class Function(models.TextChoices):
    WALKED_UNAIDED = "walked_unaided", "Walked unaided"
    WALKED_WITH_SUPPORT = "walked_with_support", "Walked with support"
    COULD_NOT_STAND = "could_not_stand", "Could not stand"


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
EPISODE_RED_FLAG_QUESTIONS: dict[str, str] = {
    "bladder": "New trouble passing or holding urine",
    "bowel": "New loss of bowel control or feeling",
    "saddle_numbness": "Numbness between the legs, genitals or back passage",
    "both_legs": "Symptoms in both legs",
    "new_weakness": "New weakness in a leg",
    "fever": "Fever, sweats or shivering",
    "fainting": "Fainted or blacked out",
    "chest_pain_or_breathlessness": "Chest pain or shortness of breath",
}
