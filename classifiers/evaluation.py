"""`socmon evaluate`: an HTML report of the shipped classifiers on the validation splits.

For each category: macro- and weighted-F1 at the shipped threshold, F1 per
class, the confusion matrix and the precision-recall curve as plots, next to
``alt-profanity-check`` (a published scikit-learn model, in the ``eval``
extra) on the same texts, and next to the published figures. Thresholds
were chosen on these same splits, so the report also gives the honest
cross-fitted estimate from the model card. Robustness tables (disguised
abuse, quoted abuse, reclaimed words, counter-speech, threats and idioms)
close the report.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers import data, robustness
from classifiers.cards import PUBLISHED
from classifiers.metrics import best_threshold, f1_scores, precision_recall_curve
from classifiers.model_set import ClassifierSet


@dataclass(frozen=True)
class CategoryResult:
    """One category on its validation split, ours and the comparison's."""

    category: str
    metric: str
    labels: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]
    threshold: float
    comparison: npt.NDArray[np.float64] | None


def evaluate(classifiers: ClassifierSet, root: Path) -> list[CategoryResult]:
    """Score the validation splits under ``root`` with the shipped classifiers."""
    splits = {
        "offensive": (data.tweeteval(root, "offensive", "val"), "macro_f1"),
        "hate": (data.tweeteval(root, "hate", "val"), "macro_f1"),
        "misleading": (data.constraint(root, "val"), "weighted_f1"),
    }
    comparison = _profanity_check()
    results = []
    for category, (split, metric) in splits.items():
        scores = classifiers.probabilities(category, split.texts)
        other = comparison(split.texts) if comparison and category != "misleading" else None
        results.append(
            CategoryResult(
                category, metric, split.labels, scores, classifiers.thresholds[category], other
            )
        )
    return results


def _profanity_check() -> Any:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    return lambda texts: np.asarray(predict_prob(list(texts)), dtype=np.float64)


def report_html(
    classifiers: ClassifierSet,
    results: list[CategoryResult],
    feedback: dict[str, list[tuple[str, int, int, float]]] | None = None,
) -> str:
    """The whole report as one self-contained HTML page (plots inlined); ``feedback`` adds
    precision per rule and per category from reviewers' verdicts on alerts."""
    parts = [
        "<!doctype html><meta charset='utf-8'><title>socmon classifier evaluation</title>",
        "<style>body{font:15px system-ui;max-width:70em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3em .6em}"
        "img{max-width:32em}</style>",
        "<h1>Classifier evaluation</h1>",
        "<p>Validation splits of the labelled data (deduplicated for training, scored here as "
        "they are). Thresholds were chosen on these splits: the cross-fitted figure from the "
        "model card is the honest estimate. Held-out test data is not in the data folder.</p>",
        _summary_table(classifiers, results),
    ]
    for result in results:
        parts.append(_category_section(classifiers, result))
    parts.append(_robustness_section(classifiers))
    if feedback:
        parts.append(_feedback_section(feedback))
    return "\n".join(parts)


def _feedback_section(feedback: dict[str, list[tuple[str, int, int, float]]]) -> str:
    tables = []
    for column, rows in feedback.items():
        cells = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{reviewed}</td><td>{confirmed}</td>"
            f"<td>{f'{value:.2f}' if reviewed else '-'}</td></tr>"
            for name, reviewed, confirmed, value in rows
        )
        tables.append(
            f"<h3>by {html.escape(column)}</h3><table><tr><th>{html.escape(column)}</th>"
            f"<th>reviewed</th><th>confirmed</th><th>precision</th></tr>{cells}</table>"
        )
    return (
        "<h2>Precision from reviewers' verdicts (socmon alerts resolve)</h2>"
        "<p>Alerts marked confirmed or false positive; duplicates are left out.</p>"
        + "".join(tables)
    )


def _summary_table(classifiers: ClassifierSet, results: list[CategoryResult]) -> str:
    rows = []
    for r in results:
        ours = f1_scores(r.labels, r.scores >= r.threshold)[r.metric]
        card = classifiers.metadata.get("metrics", {}).get(r.category, {})
        honest = card.get(f"cross_fitted_{r.metric}", "-")
        if r.comparison is not None:
            at_half = f1_scores(r.labels, r.comparison >= 0.5)[r.metric]
            _, tuned = best_threshold(r.labels, r.comparison, r.metric)
            other = f"{at_half:.3f} (at 0.5) / {tuned:.3f} (best threshold)"
        else:
            other = "not applicable" if r.category == "misleading" else "not installed"
        rows.append(
            f"<tr><td>{r.category}</td><td>{r.metric.replace('_', '-')}</td>"
            f"<td><b>{ours:.3f}</b></td><td>{honest}</td><td>{other}</td>"
            f"<td>{html.escape(PUBLISHED[r.category])}</td></tr>"
        )
    return (
        "<h2>Summary</h2><table><tr><th>category</th><th>metric</th><th>socmon</th>"
        "<th>socmon, cross-fitted</th><th>alt-profanity-check 1.9</th>"
        "<th>published (test)</th></tr>" + "".join(rows) + "</table>"
    )


def _category_section(classifiers: ClassifierSet, r: CategoryResult) -> str:
    measured = f1_scores(r.labels, r.scores >= r.threshold)
    rows = "".join(
        f"<tr><td>{'not ' if cls == '0' else ''}{r.category}</td><td>{v['precision']}</td>"
        f"<td>{v['recall']}</td><td>{v['f1']}</td><td>{v['support']}</td></tr>"
        for cls, v in measured["per_class"].items()
    )
    return (
        f"<h2>{r.category}</h2><p>version {html.escape(classifiers.versions[r.category])}, "
        f"threshold {r.threshold}; macro-F1 {measured['macro_f1']}, weighted-F1 "
        f"{measured['weighted_f1']}</p><table><tr><th>class</th><th>precision</th>"
        f"<th>recall</th><th>F1</th><th>support</th></tr>{rows}</table>"
        f"<p>{_plot_confusion(r, measured['confusion'])}{_plot_curves(r)}</p>"
    )


def _plot_confusion(r: CategoryResult, confusion: list[list[int]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(3.6, 3.2))
    axes.imshow(np.array(confusion), cmap="Blues")
    for row in range(2):
        for column in range(2):
            axes.text(column, row, str(confusion[row][column]), ha="center", va="center")
    names = [f"not {r.category}", r.category]
    axes.set_xticks([0, 1], names)
    axes.set_yticks([0, 1], names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(f"{r.category}: confusion at {r.threshold}")
    return _image(figure, f"confusion matrix of {r.category}")


def _plot_curves(r: CategoryResult) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4.2, 3.4))
    precision, recall = precision_recall_curve(r.labels, r.scores)
    axes.plot(recall, precision, label="socmon")
    if r.comparison is not None:
        precision, recall = precision_recall_curve(r.labels, r.comparison)
        axes.plot(recall, precision, label="alt-profanity-check", linestyle="--")
    axes.set_xlabel("recall")
    axes.set_ylabel("precision")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_title(f"{r.category}: precision-recall")
    axes.legend(loc="lower left")
    return _image(figure, f"precision-recall curve of {r.category}")


def _image(figure: Any, alt: str) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{encoded}'>"


def robustness_rates(classifiers: ClassifierSet) -> dict[str, tuple[int, int, str]]:
    """Per table: how many texts got the label, of how many, and which label."""
    tables = {
        "disguised abuse (should be flagged)": (robustness.ABUSE_DISGUISED, "offensive"),
        "quoted or reported abuse (false alarm)": (robustness.QUOTED_ABUSE, "offensive"),
        "reclaimed words (false alarm)": (robustness.RECLAIMED, "offensive"),
        "counter-speech, offensive (false alarm)": (robustness.COUNTER_SPEECH, "offensive"),
        "counter-speech, hate (false alarm)": (robustness.COUNTER_SPEECH, "hate"),
        "threats (should be flagged)": (robustness.THREATS, "threat"),
        "violent idioms (false alarm)": (robustness.NOT_THREATS, "threat"),
    }
    rates = {}
    for name, (texts, category) in tables.items():
        flagged = sum(category in result.labels for result in classifiers.score(list(texts)))
        rates[name] = (flagged, len(texts), category)
    return rates


def _robustness_section(classifiers: ClassifierSet) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{category}</td><td>{flagged} of {total}</td></tr>"
        for name, (flagged, total, category) in robustness_rates(classifiers).items()
    )
    return (
        "<h2>Robustness (hand-written cases, classifiers/robustness.py)</h2>"
        f"<table><tr><th>table</th><th>label</th><th>flagged</th></tr>{rows}</table>"
    )
