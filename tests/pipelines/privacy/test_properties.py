"""Properties of redaction over generated input (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.privacy.detector import PiiDetector
from pipelines.privacy.redaction import redact
from pipelines.settings.privacy import PrivacySettings

DETECTOR = PiiDetector(PrivacySettings())

STRUCTURED_VALUES = {
    "EMAIL": st.from_regex(
        r"[a-z]{2,8}\.[a-z]{2,8}[0-9]{0,2}@example\.(com|org|ac\.uk)", fullmatch=True
    ),
    "PHONE": st.from_regex(r"07700 900[0-9]{3}", fullmatch=True),
    "CARD": st.sampled_from(["4111 1111 1111 1111", "5500 0000 0000 0004", "340000000000009"]),
    "IBAN": st.sampled_from(["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"]),
    "NI_NUMBER": st.from_regex(
        r"[ABCEGHJ-PR-TW-Z]{2} [0-9]{2} [0-9]{2} [0-9]{2} [A-D]", fullmatch=True
    ),
}
# Filler that cannot glue onto a value and change what it is (no letters or digits at the seams).
FILLER = st.text(alphabet=st.characters(categories=["Zs", "Po", "So", "Lo"]), max_size=30)


@st.composite
def texts_with_values(draw: st.DrawFn) -> tuple[str, list[str]]:
    values = draw(st.lists(st.one_of(*STRUCTURED_VALUES.values()), min_size=1, max_size=4))
    parts = []
    for value in values:
        parts += [draw(FILLER), " ", value, " "]
    parts.append(draw(FILLER))
    return "".join(parts), values


@given(texts_with_values())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_redaction_never_leaves_an_injected_value(case: tuple[str, list[str]]) -> None:
    text, values = case
    redacted = redact(text, DETECTOR.detect(text))
    for value in values:
        assert value not in redacted


@given(st.text(max_size=400))
@settings(max_examples=400)
def test_offsets_always_slice_the_original_and_redaction_rebuilds(text: str) -> None:
    findings = DETECTOR.detect(text)
    position = 0
    rebuilt = []
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.start >= position  # sorted, no overlap
        rebuilt += [text[position : finding.start], f"<{finding.entity_type}>"]
        position = finding.end
    rebuilt.append(text[position:])
    assert redact(text, findings) == "".join(rebuilt)


@given(texts_with_values())
@settings(max_examples=200)
def test_every_injected_value_is_one_entity_with_its_exact_offsets(
    case: tuple[str, list[str]],
) -> None:
    text, values = case
    sliced = {text[f.start : f.end] for f in DETECTOR.detect(text)}
    for value in values:
        assert value in sliced


UNICODE_SAMPLES = [
    "مرحبا بكم في الجامعة 07700 900123",  # right-to-left script with a phone number
    "שלום jo@example.com עולם",
    "🎓🎉 congrats 👩🏽‍🎓 on graduating!!! 🥳",
    "Zoe\u0308 and Jose\u0301 met at 10 Downing Street",  # combining marks
    "\u202egnp.exe\u202c and \u200b\u200d zero-width",
    "\x00\x01 control characters \t\r\n",
]


@given(st.sampled_from(UNICODE_SAMPLES), st.integers(min_value=1, max_value=5))
def test_any_unicode_returns_without_error(sample: str, repeat: int) -> None:
    text = sample * repeat
    redacted = redact(text, DETECTOR.detect(text))
    assert isinstance(redacted, str)


def test_a_100_kb_text_is_handled() -> None:
    text = ("Thanks Amelia Hughes, call 07700 900123 or mail a.b@example.com. " * 1600)[:100_000]
    findings = DETECTOR.detect(text)
    redacted = redact(text, findings)
    assert "07700 900123" not in redacted and "a.b@example.com" not in redacted
    assert len(findings) > 3000
