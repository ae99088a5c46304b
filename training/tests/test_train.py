"""End to end on a synthetic export: files, card fields, golden file, the validation split unseen."""
import json

import numpy as np
import onnxruntime as ort

from spamtrain.train import main

REQUIRED_CARD_KEYS = {
    "format", "name", "version", "description", "algorithm", "createdAt", "views", "inputs", "output", "labels",
    "threshold", "thresholdRule", "selection", "metrics", "trainingData", "model", "seed", "libraries",
}


def test_trains_every_version_and_writes_cards_models_and_golden_files(export_path, golden_path, tmp_path):
    models = tmp_path / "models"
    assert main(["--export", str(export_path), "--golden", str(golden_path), "--models-dir", str(models), "--fast", "--folds", "3"]) == 0
    for version, views in {"v1": ["v1"], "v2": ["v2"], "v3": ["v1", "v2"]}.items():
        card = json.loads((models / version / "card.json").read_text())
        assert REQUIRED_CARD_KEYS <= card.keys()
        assert card["version"] == version and card["labels"] == ["ham", "spam"]
        assert [v["id"] for v in card["views"]] == views
        assert all(v["version"] == {"v1": 1, "v2": 3}[v["id"]] for v in card["views"])
        assert 0 < card["threshold"] < 1
        validation = card["metrics"]["validation"]
        assert validation["rows"] == 80
        assert set(validation) >= {"spamPrecision", "spamRecall", "spamF1", "rocAuc", "accuracy"}
        assert card["trainingData"]["rows"] == {"train": 320, "validation": 80}
        assert set(card["libraries"]) >= {"scikit-learn", "skl2onnx", "onnx", "onnxruntime", "numpy", "python"}

        model_bytes = (models / version / "model.onnx").read_bytes()
        assert card["model"]["bytes"] == len(model_bytes) < 5 * 1024 * 1024
        session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
        assert [i.name for i in session.get_inputs()] == [i["name"] for i in card["inputs"]]
        for spec, onnx_input in zip(card["inputs"], session.get_inputs()):
            assert onnx_input.type == ("tensor(float)" if spec["dtype"] == "float32" else "tensor(int64)")
            assert onnx_input.shape[1] == spec["shape"][1]

        golden = json.loads((models / version / "golden.json").read_text())
        assert golden["model"] == version and len(golden["rows"]) == 12
        row = golden["rows"][0]
        assert set(row["features"]) == set(views)
        feeds = {
            spec["name"]: np.array([r["features"][spec["view"]] for r in golden["rows"]], dtype=np.float32 if spec["dtype"] == "float32" else np.int64)
            for spec in card["inputs"]
        }
        probabilities = session.run(["probabilities"], feeds)[0][:, 1]
        np.testing.assert_allclose(probabilities, [r["spamProbability"] for r in golden["rows"]], atol=1e-7)
        assert [r["label"] for r in golden["rows"]] == ["spam" if p >= card["threshold"] else "ham" for p in probabilities]


def test_training_ignores_validation_rows(export_path, tmp_path):
    """Flipping every validation label changes the validation metrics, never the trained model."""
    lines = export_path.read_text().splitlines()
    flipped = [lines[0]]
    for line in lines[1:]:
        row = json.loads(line)
        if row["split"] == "validation":
            row["label"] = "ham" if row["label"] == "spam" else "spam"
        flipped.append(json.dumps(row))
    other = tmp_path / "flipped.jsonl"
    other.write_text("\n".join(flipped) + "\n")
    for name, path in (("a", export_path), ("b", other)):
        assert main(["--export", str(path), "--models-dir", str(tmp_path / name), "--versions", "v2", "--fast", "--folds", "3"]) == 0
    assert (tmp_path / "a" / "v2" / "model.onnx").read_bytes() == (tmp_path / "b" / "v2" / "model.onnx").read_bytes()
    card_a = json.loads((tmp_path / "a" / "v2" / "card.json").read_text())
    card_b = json.loads((tmp_path / "b" / "v2" / "card.json").read_text())
    assert card_a["threshold"] == card_b["threshold"]
    assert card_a["metrics"]["validation"] != card_b["metrics"]["validation"]
