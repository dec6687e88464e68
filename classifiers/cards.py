"""Model cards: one Markdown file per category beside the model files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classifiers.base import CATEGORIES
from classifiers.model_set import STATEMENT_SCORE

#: Where each data set comes from and under which terms (from ../shared/data/README.md).
DATA_SOURCES = {
    "offensive": "OLID (OffensEval 2019 sub-task A; Zampieri et al., NAACL 2019) as packaged by "
    "TweetEval (Barbieri et al., Findings of EMNLP 2020, cardiffnlp/tweeteval), with our own "
    "university posts as negatives; Davidson et al. 2017 (MIT licence, classes 0 and 1) only "
    "to choose the regularisation and threshold. Twitter's terms apply to the texts.",
    "hate": "HatEval (SemEval-2019 Task 5; Basile et al.: hate against women and immigrants) as "
    "packaged by TweetEval, and Davidson et al. 2017 (ICWSM; MIT licence), class 0 (hate); "
    "OLID's not-offensive tweets and our own university posts as negatives. Twitter's terms "
    "apply to the texts.",
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
    if category == "hate":
        lines += [
            "",
            "## Statements about groups",
            "",
            "The label is not the model's score alone (`classifiers/group_statements.py`, "
            "`hate_verdict` in `classifiers/model_set.py`): the writer's own hateful statement "
            "about a protected group (a dehumanising or derogatory predicate, stated hatred, "
            "violence or removal called for, an insult before the group) or a slur for a group "
            f"is labelled hate with a score of at least {STATEMENT_SCORE}; the same words "
            "negated, quoted or reported, or a group spoken well of, are not (the score is "
            "capped below the threshold); otherwise the model decides, and only where a "
            "protected group is named. The lexicons are short, general and hand-written; they "
            "miss implicit derogation and irony.",
        ]
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
    primary = measured["primary"]
    return [
        "## Model",
        "",
        "Normalised text (hashtags split into words, links and mentions replaced, stretched "
        "letters capped, leetspeak and masked words undone; protected groups, political and "
        "news-cycle words and numbers masked: classifiers/masks.py) → hashed character "
        "2-5-grams and word 1-2-grams (idf-weighted, character and word parts each of unit "
        "length) → naive-Bayes log-ratio scaling → class-weighted logistic regression, each "
        "source weighing the same → Platt calibration on out-of-fold scores with both classes "
        "weighted equally: the score is prior-free (the probability if the category and its "
        "opposite were equally common), so it means the same on a source with another "
        "positive share.",
        "",
        "## Training data",
        "",
        *_training_lines(measured),
        "",
        "## Choice of regularisation and threshold",
        "",
        f"- Regularisation C = {measured['regularisation']}"
        + (
            " (best mean macro-F1 on a source the model was not trained on: "
            + "; ".join(
                f"C={c}: " + ", ".join(f"{name} {value}" for name, value in row.items())
                for c, row in measured["regularisation_figures"].items()
            )
            + ")"
            if measured.get("regularisation_figures")
            else ""
        ),
        "- Threshold: the best mean "
        + metric.replace("_", "-")
        + " over the validation splits of: "
        + ", ".join(measured["sources"])
        + _budget_line(measured),
        "",
        "## Validation, per source",
        "",
        "| source | texts | macro-F1 | weighted-F1 | positive share, true | labelled | "
        "expected from scores |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {name} | {r['texts']} | {r['macro_f1']} | {r['weighted_f1']} | "
            f"{r['true_positive_share']} | {r['labelled_share']} | "
            f"{r['expected_positive_share']} |"
            for name, r in measured["sources"].items()
        ),
        "",
        f"On {primary}: {metric.replace('_', '-')} at the threshold **{measured[metric]}**; "
        f"threshold chosen on one half and measured on the other "
        f"{measured['cross_fitted_' + metric]}; at 0.5 {measured['at_0.5']}.",
        "",
        "| class | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| {'not ' + category if cls == '0' else category} | {v['precision']} | "
            f"{v['recall']} | {v['f1']} | {v['support']} |"
            for cls, v in per_class.items()
        ),
        "",
        f"Confusion on {primary} (rows true, columns predicted; not {category} first): {confusion}",
    ]


def _budget_line(measured: dict[str, Any]) -> str:
    if not measured.get("benign_texts"):
        return "."
    return (
        f", among the thresholds that flag at most {measured['false_alarm_budget']:.0%} of the "
        f"{measured['benign_texts']} benign texts of the false-alarm set's dev split "
        f"(classifiers/ordinary.py; it flags {measured['benign_flagged']:.2%})."
    )


def _training_lines(measured: dict[str, Any]) -> list[str]:
    if "trained_on" in measured:
        lines = [
            f"- {name}: {part['texts']} texts, {part['positives']} positive"
            for name, part in measured["trained_on"].items()
        ]
        dropped = measured.get("dropped_as_in_validation", {})
        if dropped:
            lines.append(
                "- Training texts dropped because they are in a validation split: "
                + ", ".join(f"{name} {count}" for name, count in dropped.items())
            )
        return lines
    return [
        f"- Set: {measured['dataset']}",
        f"- Training: {measured['train_size']} texts, {measured['train_positives']} positive",
        f"- Validation: {measured['validation_size']} texts, "
        f"{measured['validation_positives']} positive",
        f"- Removed by deduplication: {measured['removed_by_deduplication']}",
        "- Domain gate: CONSTRAINT posts against OLID's and HatEval's training tweets, "
        "Davidson et al.'s tweets and our university posts; the gated model fires on "
        f"{measured['fires_on_ordinary_tweets']:.2%} of {measured['ordinary_tweets']} ordinary "
        f"validation tweets ({measured['fires_on_ordinary_tweets_ungated']:.2%} without it)"
        + (
            f" and on {measured['fires_on_benign_texts']:.2%} of the "
            f"{measured['benign_dev_texts']} benign texts of the false-alarm set's dev split."
            if measured.get("benign_dev_texts")
            else "."
        ),
        "- Gatings tried, each at the highest threshold that keeps CONSTRAINT's validation "
        f"weighted-F1 at {measured.get('required_weighted_f1', 0.954)} (the one that fires "
        "least on the benign dev texts is used): "
        + "; ".join(
            f"topic words {'required' if g['topic_words'] else 'not required'}, gate to the "
            f"power {g['gate_exponent']}: threshold {g.get('threshold', '-')}, weighted-F1 "
            f"{g['weighted_f1']}, fires {g['fires']:.2%}"
            for g in measured.get("gatings_tried", [])
        ),
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
