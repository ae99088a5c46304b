import numpy as np
import pytest

from spamtrain.evaluation import best_threshold, metrics


def test_best_threshold_separates_perfectly_separable_scores():
    labels = np.array([0, 0, 0, 1, 1])
    threshold, f1 = best_threshold(labels, np.array([0.1, 0.2, 0.3, 0.7, 0.9]))
    assert f1 == pytest.approx(1.0)
    assert 0.3 < threshold <= 0.7


def test_metrics_at_a_threshold():
    labels = np.array([0, 0, 1, 1])
    result = metrics(labels, np.array([0.1, 0.6, 0.4, 0.9]), threshold=0.5)
    assert result["spamPrecision"] == 0.5 and result["spamRecall"] == 0.5 and result["accuracy"] == 0.5
    assert result["rocAuc"] == 0.75
    assert result["rows"] == 4 and result["spamRows"] == 2
