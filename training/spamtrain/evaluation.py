"""Model selection and the decision threshold from cross-validation on the training split only,
and the metrics reported in the card from the validation split, which no fit ever sees."""
from __future__ import annotations

from typing import Callable

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_curve, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold


def out_of_fold(make_model: Callable[[], object], data: dict[str, np.ndarray], labels: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Spam probability of each training row from a model that did not see that row."""
    scores = np.zeros(len(labels))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_rows, held_rows in splitter.split(np.zeros(len(labels)), labels):
        model = make_model().fit({k: v[fit_rows] for k, v in data.items()}, labels[fit_rows])
        scores[held_rows] = model.predict_proba({k: v[held_rows] for k, v in data.items()})
    return scores


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """The probability cut that maximises spam F1 on these scores, and that F1."""
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    best = int(np.argmax(f1))
    return float(thresholds[best]), float(f1[best])


def metrics(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict:
    predicted = (scores >= threshold).astype(int)
    return {
        "rows": int(len(labels)),
        "spamRows": int(labels.sum()),
        "spamPrecision": round(float(precision_score(labels, predicted, zero_division=0)), 4),
        "spamRecall": round(float(recall_score(labels, predicted, zero_division=0)), 4),
        "spamF1": round(float(f1_score(labels, predicted, zero_division=0)), 4),
        # Undefined on rows of one class (a handful of labelled messages, say).
        "rocAuc": round(float(roc_auc_score(labels, scores)), 4) if len(set(labels.tolist())) == 2 else None,
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
    }
