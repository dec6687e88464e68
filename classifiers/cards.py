"""Model cards: one Markdown file per category beside the model files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classifiers.base import CATEGORIES

#: Where each data set comes from and under which terms (from ../shared/data/README.md).
DATA_SOURCES = {
    "offensive": "OLID (OffensEval 2019 sub-task A; Zampieri et al., NAACL 2019) as packaged by "
    "TweetEval (Barbieri et al., Findings of EMNLP 2020, cardiffnlp/tweeteval); Twitter's terms "
    "apply to the texts.",
    "hate": "HatEval (SemEval-2019 Task 5; Basile et al.: hate against women and immigrants) as "
    "packaged by TweetEval; Twitter's terms apply to the texts.",
    "misleading": "CONSTRAINT COVID-19 fake news (Patwa et al., CONSTRAINT workshop, AAAI 2021), "
    "files from SumonKantiDey/Constraint-AAAI2021-COVID19-Fake-News-Detection-in-English (MIT "
    "licence on the repository; the data set states no separate licence: the paper is cited). "
    "Plus, at scoring time, the communications team's classifiers/known_false_claims.yaml.",
    "threat": "No training data: hand-written patterns (classifiers/threat.py). Davidson et al. "
    "2017 (MIT licence), OLID and CONSTRAINT are used only to measure how often it fires.",
}
#: Published figures on the held-out test sets, for comparison (../shared/data/README.md).
PUBLISHED = {
    "offensive": "macro-F1 on OLID/TweetEval test: SVM 0.523, FastText 0.734, RoBERTa-base "
    "0.795, best published 0.822, OffensEval 2019 winner 0.829.",
    "hate": "macro-F1 on TweetEval hate test: SVM 0.367, best 0.564.",
    "misleading": "weighted-F1 on CONSTRAINT test: SVM 0.933, shared-task winner 0.987.",
    "threat": "none (no labelled threat data).",
}


def write_cards(directory: Path, classifier_set: Any) -> list[Path]:
    """Write ``<category>.card.md`` for every category; return the paths."""
    metrics = classifier_set.metadata["metrics"]
    paths = []
    for category in CATEGORIES:
        path = directory / f"{category}.card.md"
        path.write_text(_card(category, classifier_set, metrics[category]), encoding="utf-8")
        paths.append(path)
    return paths


def _card(category: str, classifier_set: Any, measured: dict[str, Any]) -> str:
    metadata = classifier_set.metadata
    lines = [
        f"# Model card: `{category}`",
        "",
        f"- Version: `{classifier_set.versions[category]}`",
        f"- Trained: {metadata['trained_at']} (seed {metadata['seed']})",
        f"- Threshold: {classifier_set.thresholds[category]}",
        f"- Data: {DATA_SOURCES[category]}",
        f"- Published reference: {PUBLISHED[category]}",
        "",
    ]
    if category == "threat":
        lines += _threat_section(measured)
    else:
        lines += _linear_section(category, measured)
    lines += [
        "",
        "## Use and limits",
        "",
        "Scores English text (other languages are marked unscored and counted). It flags posts "
        "and comments for a person to review; it decides nothing on its own. Quoted or reported "
        "abuse, reclaimed words and counter-speech can be flagged: see the robustness tables in "
        "the README. The data are tweets from 2016-2020; language moves on, so verdicts entered "
        "with `socmon alerts resolve` should be exported as extra labels and the model retrained.",
        "",
    ]
    return "\n".join(lines)


def _linear_section(category: str, measured: dict[str, Any]) -> list[str]:
    metric = measured["metric"]
    per_class = measured["per_class"]
    confusion = measured["confusion"]
    return [
        "## Model",
        "",
        "Normalised text (links and mentions replaced, stretched letters capped, leetspeak and "
        "masked words undone) → hashed character 2-5-grams and word 1-2-grams (2^19 columns, "
        "idf-weighted, character and word parts each of unit length) → naive-Bayes log-count "
        "ratio scaling → class-weighted logistic regression → Platt calibration on out-of-fold "
        "scores.",
        "",
        "## Data after deduplication",
        "",
        f"- Set: {measured['dataset']}",
        f"- Training: {measured['train_size']} texts, {measured['train_positives']} positive",
        f"- Validation: {measured['validation_size']} texts, "
        f"{measured['validation_positives']} positive",
        f"- Removed: {measured['removed_by_deduplication']}",
        "",
        "## Validation metrics",
        "",
        f"- {metric.replace('_', '-')} at the threshold: **{measured[metric]}** "
        f"(macro-F1 {measured['macro_f1']}, weighted-F1 {measured['weighted_f1']})",
        f"- Honest estimate, threshold chosen on one half and measured on the other: "
        f"{measured['cross_fitted_' + metric]}",
        f"- At threshold 0.5: {measured['at_0.5']}",
        "",
        "| class | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| {'not ' + category if cls == '0' else category} | {v['precision']} | "
            f"{v['recall']} | {v['f1']} | {v['support']} |"
            for cls, v in per_class.items()
        ),
        "",
        f"Confusion (rows true, columns predicted; not {category} first): {confusion}",
    ]


def _threat_section(measured: dict[str, Any]) -> list[str]:
    return [
        "## Model",
        "",
        "Regular expressions over normalised text: an intent (I/we will, going to, gonna) with "
        "a violent verb and a person as object, harm announced to 'you', attacks on a place, "
        "'I know where you live', 'watch your back', urging self-harm, wishing death. Each "
        "pattern has a score; a text gets the highest. Threshold 0.5.",
        "",
        "## How often it fires on labelled data (no threat labels exist)",
        "",
        "| group | texts | fired | rate |",
        "| --- | --- | --- | --- |",
        *(
            f"| {group} | {v['texts']} | {v['fired']} | "
            f"{(v['fired'] / v['texts'] if v['texts'] else 0):.2%} |"
            for group, v in measured.items()
        ),
        "",
        "Hand-written threats and violent idioms are in classifiers/robustness.py (tested in "
        "tests/classifiers/test_shipped_models.py); precision of the firings above, read one "
        "by one, is in the README.",
    ]
