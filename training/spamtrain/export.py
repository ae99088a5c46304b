"""Reads the JSON-lines feature export (format spamstream.features/1, see cli/commands/features-export.ts)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

EXPORT_FORMAT = "spamstream.features/1"
LABELS = ("ham", "spam")


@dataclass
class FeatureExport:
    header: dict
    sms_ids: list[str]
    #: 1 for spam, 0 for ham, -1 when the row has no label (golden texts).
    labels: np.ndarray
    #: "train" or "validation" per row, decided by the TypeScript export.
    splits: np.ndarray
    #: view id -> matrix (float32 for field views, int64 for sequence views), one row per message.
    views: dict[str, np.ndarray]
    texts: list[str] | None
    sha256: str
    rows_by_split: dict[str, int] = field(default_factory=dict)
    #: Where each row came from: "data-set", "data-set+label" (a data-set row a user labelled) or
    #: "labels" (a labelled message of the stream); see features/labelled-set.ts.
    origins: np.ndarray | None = None

    def view_spec(self, view_id: str) -> dict:
        for spec in self.header["views"]:
            if spec["id"] == view_id:
                return spec
        raise KeyError(f"the export has no view {view_id!r}")

    def subset(self, mask: np.ndarray) -> "FeatureExport":
        return FeatureExport(
            header=self.header,
            sms_ids=[i for i, keep in zip(self.sms_ids, mask) if keep],
            labels=self.labels[mask],
            splits=self.splits[mask],
            views={k: v[mask] for k, v in self.views.items()},
            texts=None if self.texts is None else [t for t, keep in zip(self.texts, mask) if keep],
            sha256=self.sha256,
            origins=None if self.origins is None else self.origins[mask],
        )

    def rows_by_origin(self) -> dict[str, dict[str, int]]:
        """Rows per split and origin, e.g. {"train": {"data-set": 4884, "labels": 240}, …}."""
        origins = self.origins if self.origins is not None else np.full(len(self.sms_ids), "data-set")
        return {
            split: {str(o): int(((self.splits == split) & (origins == o)).sum()) for o in sorted(set(origins))}
            for split in ("train", "validation")
        }


def _dtype(spec: dict):
    return np.float32 if spec["dtype"] == "float32" else np.int64


def read_export(path: str | Path) -> FeatureExport:
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open(encoding="utf-8") as lines:
        header = json.loads(next(lines))
        if header.get("kind") != "header" or header.get("format") != EXPORT_FORMAT:
            raise ValueError(f"{path}: first line is not a {EXPORT_FORMAT} header")
        specs = header["views"]
        ids, labels, splits, texts, origins = [], [], [], [], []
        values: dict[str, list] = {spec["id"]: [] for spec in specs}
        for number, line in enumerate(lines, start=2):
            row = json.loads(line)
            ids.append(row["sms_id"])
            labels.append(-1 if row["label"] is None else LABELS.index(row["label"]))
            splits.append(row["split"])
            texts.append(row.get("text"))
            origins.append(row.get("origin", "data-set"))
            for spec in specs:
                vector = row[spec["id"]]
                if len(vector) != spec["length"]:
                    raise ValueError(f"{path}:{number}: view {spec['id']} has {len(vector)} values, header says {spec['length']}")
                values[spec["id"]].append(vector)
    views = {spec["id"]: np.asarray(values[spec["id"]], dtype=_dtype(spec)).reshape(-1, spec["length"]) for spec in specs}
    splits_array = np.asarray(splits)
    export = FeatureExport(
        header=header,
        sms_ids=ids,
        labels=np.asarray(labels, dtype=np.int64),
        splits=splits_array,
        views=views,
        texts=texts if all(t is not None for t in texts) and texts else None,
        sha256=digest,
        origins=np.asarray(origins),
    )
    export.rows_by_split = {name: int((splits_array == name).sum()) for name in ("train", "validation")}
    return export
