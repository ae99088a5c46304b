"""A new version against the one it may replace, on the same held-out rows: both scored by their
ONNX files as the stream would score them, each at its own threshold. Written into the new card."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .evaluation import metrics
from .export import FeatureExport
from .serving import onnx_spam_probability


def compare(*, version: str, served: np.ndarray, threshold: float, held_out: FeatureExport, against_dir: Path) -> dict:
    card = json.loads((against_dir / "card.json").read_text(encoding="utf-8"))
    onnx_bytes = (against_dir / card["model"]["file"]).read_bytes()
    if hashlib.sha256(onnx_bytes).hexdigest() != card["model"]["sha256"]:
        raise RuntimeError(f"{against_dir}: model file does not match its card's sha256")
    views = tuple(spec["view"] for spec in card["inputs"])
    theirs = onnx_spam_probability(onnx_bytes, views, {v: held_out.views[v] for v in views})
    against = card["version"]
    origins = held_out.origins if held_out.origins is not None else np.full(len(held_out.sms_ids), "data-set")
    result = {
        "against": against,
        "rule": "both scored by their ONNX files on the same held-out rows (the validation split), each at its own threshold",
        "heldOut": {
            "rows": int(len(held_out.labels)),
            "spamRows": int(held_out.labels.sum()),
            "byOrigin": {str(o): int((origins == o).sum()) for o in sorted(set(origins.tolist()))},
        },
        version: metrics(held_out.labels, served, threshold),
        against: metrics(held_out.labels, theirs, card["threshold"]),
    }
    # Apart, too: the labelled messages (what changed) and the data set's own (did the rest hold up?).
    labelled = origins != "data-set"
    for name, rows in (("labelledOnly", labelled), ("dataSetOnly", ~labelled)):
        if rows.any() and not rows.all():
            result[name] = {
                "rows": int(rows.sum()),
                version: metrics(held_out.labels[rows], served[rows], threshold),
                against: metrics(held_out.labels[rows], theirs[rows], card["threshold"]),
            }
    return result
