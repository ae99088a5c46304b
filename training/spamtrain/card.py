"""The model card written beside each model.onnx (read by models/card.ts in TypeScript)."""
from __future__ import annotations

import datetime as _dt
import hashlib
import platform
from importlib.metadata import version as _version

from .export import LABELS, FeatureExport

CARD_FORMAT = "spamstream.model-card/1"
LIBRARIES = ("numpy", "scipy", "scikit-learn", "skl2onnx", "onnx", "onnxruntime")


def library_versions() -> dict[str, str]:
    versions = {name: _version(name) for name in LIBRARIES}
    versions["python"] = platform.python_version()
    return versions


def input_specs(export: FeatureExport, views: tuple[str, ...]) -> list[dict]:
    specs = []
    for view_id in views:
        spec = export.view_spec(view_id)
        specs.append({"name": view_id, "view": view_id, "dtype": spec["dtype"], "shape": ["N", spec["length"]]})
    return specs


def build_card(*, spec, model, export: FeatureExport, threshold: float, selection: list[dict], chosen: str,
               validation: dict, out_of_fold: dict, onnx_bytes: bytes, seed: int, folds: int,
               distribution: list[dict]) -> dict:
    return {
        "format": CARD_FORMAT,
        "name": spec.name,
        "version": spec.version,
        "description": spec.description,
        "algorithm": model.describe(),
        "createdAt": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "views": [{"id": v, "version": export.view_spec(v)["version"]} for v in spec.views],
        "inputs": input_specs(export, spec.views),
        "output": {
            "name": "probabilities",
            "dtype": "float32",
            "shape": ["N", 2],
            "meaning": "per row, the probability of each label in `labels` order; column 1 is the spam probability",
        },
        "labels": list(LABELS),
        "threshold": threshold,
        "thresholdRule": f"label is spam when spam probability >= threshold; the threshold maximises spam F1 on {folds}-fold out-of-fold probabilities of the training split",
        "selection": {"rule": "highest out-of-fold spam F1 on the training split", "candidates": selection, "chosen": chosen},
        "metrics": {"validation": validation, "trainingOutOfFold": out_of_fold},
        "trainingData": {
            "source": export.header["input"],
            "exportSha256": export.sha256,
            "rows": export.rows_by_split,
            "split": export.header["split"],
            # Trained from labels too: which topics, offsets and times, and how many rows of each origin.
            **({"labels": export.header["labels"], "rowsByOrigin": export.rows_by_origin()} if "labels" in export.header else {}),
        },
        "trainingDistribution": distribution,
        "model": {"file": "model.onnx", "bytes": len(onnx_bytes), "sha256": hashlib.sha256(onnx_bytes).hexdigest()},
        "seed": seed,
        "libraries": library_versions(),
    }
