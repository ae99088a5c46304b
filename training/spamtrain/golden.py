"""Golden parity files: made-up texts with their feature vectors (from the TypeScript export) and
the spam probability the exported ONNX model gives them here. models/parity.test.ts recomputes
both in TypeScript and must agree."""
from __future__ import annotations

import numpy as np

from .export import FeatureExport

GOLDEN_FORMAT = "spamstream.golden/1"
TOLERANCE = 1e-5


def build_golden(*, version: str, views: tuple[str, ...], golden: FeatureExport, probabilities: np.ndarray, threshold: float) -> dict:
    if golden.texts is None:
        raise ValueError("the golden export must include texts (export with --include-text)")
    rows = []
    for index, (sms_id, text) in enumerate(zip(golden.sms_ids, golden.texts)):
        features = {}
        for view_id in views:
            vector = golden.views[view_id][index]
            features[view_id] = [int(v) for v in vector] if vector.dtype.kind == "i" else [float(v) for v in vector]
        probability = float(probabilities[index])
        rows.append({
            "id": sms_id,
            "text": text,
            "features": features,
            "spamProbability": probability,
            "label": "spam" if probability >= threshold else "ham",
        })
    return {
        "format": GOLDEN_FORMAT,
        "model": version,
        "views": {v: golden.view_spec(v)["version"] for v in views},
        "tolerance": TOLERANCE,
        "rows": rows,
    }
