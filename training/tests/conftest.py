"""Fixtures: small synthetic feature exports in the exact format the TypeScript export writes."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

VOCABULARY = 60
LENGTH = 12
STATS = 5


def synthetic_rows(count: int, seed: int, labelled: bool = True) -> list[dict]:
    """Spam rows favour ids 40..59 and larger stats; lengths vary, padding at the end."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        spam = bool(rng.random() < 0.3)
        length = int(rng.integers(0 if i == 0 else 1, LENGTH + 1))
        pool = np.arange(40, 60) if spam else np.arange(2, 45)
        ids = [int(x) for x in rng.choice(pool, size=length)] + [0] * (LENGTH - length)
        if rng.random() < 0.1 and length > 0:
            ids[0] = 1  # out of vocabulary
        stats = (rng.random(STATS) + (0.8 if spam else 0.0)) * np.array([1, 10, 100, 1, 1])
        rows.append({
            "sms_id": f"syn{i}",
            "label": ("spam" if spam else "ham") if labelled else None,
            "split": "validation" if i % 5 == 0 else "train",
            "v1": [float(np.float32(v)) for v in stats],
            "v2": ids,
            **({} if labelled else {"text": f"made-up text {i}"}),
        })
    return rows


def header() -> dict:
    return {
        "kind": "header",
        "format": "spamstream.features/1",
        "input": {"file": "synthetic.csv", "sha256": "0" * 64},
        "split": {"rule": "synthetic", "validationPercent": 20},
        "views": [
            {"id": "v1", "name": "text-stats", "version": 1, "dtype": "float32", "length": STATS,
             "fields": [{"name": f"f{i}", "description": "synthetic"} for i in range(STATS)]},
            {"id": "v2", "name": "token-ids", "version": 3, "dtype": "int64", "length": LENGTH,
             "sequence": {"kind": "sequence", "length": LENGTH, "padId": 0, "oovId": 1, "vocabularySize": VOCABULARY, "tokenizer": "words/1"}},
        ],
    }


def write_export(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(line) for line in [header(), *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def export_path(tmp_path: Path) -> Path:
    return write_export(tmp_path / "features.jsonl", synthetic_rows(400, seed=1))


@pytest.fixture
def golden_path(tmp_path: Path) -> Path:
    return write_export(tmp_path / "golden.jsonl", synthetic_rows(12, seed=2, labelled=False))
