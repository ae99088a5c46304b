"""The training distribution written into cards, binned by the rule models/drift.ts shares."""
import json

import numpy as np

from spamtrain.distribution import BINS, field_bins
from spamtrain.train import main


def test_deciles_of_distinct_values_make_ten_equal_bins():
    edges, counts = field_bins(np.arange(1, 101, dtype=np.float32))
    assert edges == [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]
    assert counts == [10] * BINS


def test_a_value_on_an_edge_falls_in_the_bin_the_edge_closes():
    edges, counts = field_bins(np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], dtype=np.float32))
    # 95 % zeros: every decile is 0, so one edge; the zeros are in bin 0 (x <= 0), the one above it.
    assert edges == [0.0]
    assert counts == [19, 1]


def test_a_constant_statistic_has_one_edge_and_an_empty_bin_above_it():
    edges, counts = field_bins(np.full(50, 3.5, dtype=np.float32))
    assert edges == [3.5] and counts == [50, 0]


def test_edges_are_values_of_the_data_exact_as_float32():
    values = np.array([1 / 3, 2 / 3, 0.1, 0.7, 0.2] * 20, dtype=np.float32)
    edges, _ = field_bins(values)
    assert all(np.float32(edge) == edge and edge in values for edge in edges)


def test_cards_of_models_reading_statistics_carry_their_training_distribution(export_path, tmp_path):
    models = tmp_path / "models"
    assert main(["--export", str(export_path), "--models-dir", str(models), "--fast", "--folds", "3"]) == 0
    for version in ("v1", "v3"):
        card = json.loads((models / version / "card.json").read_text())
        [distribution] = card["trainingDistribution"]
        assert distribution["view"] == "v1" and distribution["version"] == 1 and distribution["bins"] == BINS
        assert distribution["rows"] == card["trainingData"]["rows"]["train"] == 320
        assert [f["name"] for f in distribution["fields"]] == [f"f{i}" for i in range(5)]
        for field in distribution["fields"]:
            assert len(field["counts"]) == len(field["edges"]) + 1 and sum(field["counts"]) == 320
            assert field["edges"] == sorted(set(field["edges"]))
    v2 = json.loads((models / "v2" / "card.json").read_text())
    assert v2["trainingDistribution"] == []
