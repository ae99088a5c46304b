"""A version trained from labels: its card names the data it saw and compares it with another
version on the same held-out rows."""
import json

import pytest

from conftest import header, synthetic_rows, write_export
from spamtrain.train import main

LABELS = {
    "topic": "sms.labels",
    "read": [{"partition": 0, "from": "0", "to": "130"}],
    "records": 130,
    "messages": 120,
    "labelledAt": {"first": "2026-12-07T10:00:00.000Z", "last": "2026-12-07T11:00:00.000Z"},
}


@pytest.fixture
def labelled_export(tmp_path):
    rows = synthetic_rows(400, seed=1)
    for i, row in enumerate(rows):
        # Every fifth row is a validation row (conftest): rows 0, 50, … 250 are data-set rows users relabelled.
        row["origin"] = "labels" if i >= 300 else "data-set+label" if i % 50 == 0 else "data-set"
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in [{**header(), "labels": LABELS}, *rows]) + "\n")
    return path


@pytest.fixture
def v3_dir(export_path, tmp_path):
    models = tmp_path / "shipped"
    assert main(["--export", str(export_path), "--models-dir", str(models), "--versions", "v3", "--fast", "--folds", "3"]) == 0
    return models / "v3"


def test_a_labelled_version_records_its_data_and_compares_with_the_other_on_the_same_rows(labelled_export, v3_dir, tmp_path):
    local = tmp_path / "local"
    args = ["--export", str(labelled_export), "--models-dir", str(local), "--labelled-version", "v4",
            "--compare-with", str(v3_dir), "--fast", "--folds", "3"]
    assert main(args) == 0
    card = json.loads((local / "v4" / "card.json").read_text())
    assert card["version"] == "v4" and card["name"] == "spam-tokens-and-stats-labelled"
    assert [v["id"] for v in card["views"]] == ["v1", "v2"]
    data = card["trainingData"]
    assert data["labels"] == LABELS
    assert data["rows"] == {"train": 320, "validation": 80}
    assert data["rowsByOrigin"] == {
        "train": {"data-set": 240, "data-set+label": 0, "labels": 80},
        "validation": {"data-set": 54, "data-set+label": 6, "labels": 20},
    }
    comparison = card["comparison"]
    assert comparison["against"] == "v3"
    assert comparison["heldOut"] == {
        "rows": 80, "spamRows": card["metrics"]["validation"]["spamRows"],
        "byOrigin": {"data-set": 54, "data-set+label": 6, "labels": 20},
    }
    assert comparison["v4"] == card["metrics"]["validation"]
    assert set(comparison["v3"]) >= {"spamPrecision", "spamRecall", "spamF1", "rocAuc"}
    assert comparison["labelledOnly"]["rows"] == 26 and comparison["dataSetOnly"]["rows"] == 54
    assert set(comparison["labelledOnly"]) == set(comparison["dataSetOnly"]) == {"rows", "v3", "v4"}
    assert card["trainingDistribution"][0]["rows"] == 320

    # A version, once written, is never written again: stored predictions are keyed by it.
    with pytest.raises(SystemExit):
        main(args)


def test_refuses_an_export_without_labels(export_path, tmp_path):
    with pytest.raises(SystemExit):
        main(["--export", str(export_path), "--models-dir", str(tmp_path / "m"), "--labelled-version", "v4", "--fast"])
