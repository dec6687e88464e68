"""Privacy settings: which recognizers run, what stays unredacted, the pseudonym key."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

DEFAULT_RECOGNIZERS = (
    "email",
    "phone",
    "handle",
    "ip_address",
    "ni_number",
    "student_id",
    "card",
    "iban",
    "postcode",
    "street_address",
    "person_namelist",
    "ner_rampart",
)
#: What people write before their student or staff number ("ref 29392657", "matric no.
#: 2019..."); a number after "order", "invoice", "ticket", ... is not one (see identifiers.py).
STUDENT_ID_CONTEXT = (
    "student",
    "staff",
    "matric",
    "matriculation",
    "candidate",
    "registration",
    "enrolment",
    "enrollment",
    "id",
    "ref",
    "reference",
    "number",
    "num",
    "no",
    "#",
)
#: Every recognizer the registry (``pipelines/privacy/recognizers``) holds, by name; a test
#: keeps the two equal, so a bad name fails when the settings are read.
KNOWN_RECOGNIZERS = (*DEFAULT_RECOGNIZERS, "person_context", "ner_spacy")


class PrivacySettings(BaseModel):
    """How personal data is found, redacted and pseudonymised."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="HMAC key for author pseudonyms; environment only "
        "(SOCMON_PRIVACY__PSEUDONYM_KEY).",
    )
    recognizers: tuple[str, ...] = Field(
        default=DEFAULT_RECOGNIZERS, description="Recognizers to run, by name."
    )
    allow_list: tuple[str, ...] = Field(
        default=(),
        description="Public contact details of the university that stay in text "
        "(case-insensitive).",
    )
    student_id_pattern: str = Field(
        default=r"\b\d{7,9}\b",
        description="Regex (Python syntax) of a student/staff number; checked when read.",
    )
    student_id_context: tuple[str, ...] = Field(
        default=STUDENT_ID_CONTEXT,
        description="Words (any case; '#' too) that make a matching number a student/staff "
        "number when written before it (or just after); punctuation between is ignored.",
    )
    phone_region: str = Field(default="GB", pattern=r"^[A-Z]{2}$")

    @field_validator("recognizers")
    @classmethod
    def _known(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in names if name not in KNOWN_RECOGNIZERS]
        if unknown:
            raise ValueError(f"unknown recognizer(s) {unknown}; known: {sorted(KNOWN_RECOGNIZERS)}")
        return names

    @field_validator("student_id_context")
    @classmethod
    def _no_blank_words(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        # A blank word would make every number a student number.
        if any(not word.strip() for word in words):
            raise ValueError("context words must not be blank")
        return tuple(word.strip() for word in words)

    @field_validator("student_id_pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        # Compiled here, not at the first redaction, so a typo is a configuration error.
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"not a valid regular expression: {error.msg}") from None
        except (OverflowError, RecursionError):
            raise ValueError(
                "not a valid regular expression: too large or nested too deeply"
            ) from None
        return pattern
