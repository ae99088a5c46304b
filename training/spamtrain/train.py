"""Trains every model version from a feature export and writes models/vN/{model.onnx,card.json,golden.json}."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .card import build_card
from .catalogue import ModelSpec, catalogue, labelled_spec
from .comparison import compare
from .distribution import training_distribution
from .evaluation import best_threshold, metrics, out_of_fold
from .export import FeatureExport, read_export
from .golden import TOLERANCE, build_golden
from .serving import onnx_spam_probability

MAX_MODEL_BYTES = 5 * 1024 * 1024


def train_one(spec: ModelSpec, export: FeatureExport, golden: FeatureExport | None, out_dir: Path, folds: int, seed: int, log,
              compare_with: Path | None = None) -> dict:
    train = export.subset(export.splits == "train")
    validation = export.subset(export.splits == "validation")
    train_data = {v: train.views[v] for v in spec.views}

    selection, best = [], None
    for candidate in spec.candidates:
        scores = out_of_fold(candidate.make, train_data, train.labels, folds, seed)
        threshold, f1 = best_threshold(train.labels, scores)
        selection.append({"config": candidate.label, "outOfFoldSpamF1": round(f1, 4)})
        log(f"  {spec.version} candidate {candidate.label}: out-of-fold spam F1 {f1:.4f} at threshold {threshold:.4f}")
        if best is None or f1 > best[1]:
            best = (candidate, f1, threshold, scores)
    candidate, _, threshold, oof_scores = best
    threshold = round(threshold, 6)

    model = candidate.make().fit(train_data, train.labels)
    onnx_bytes = model.to_onnx(f"spamstream_{spec.version}").SerializeToString()
    if len(onnx_bytes) > MAX_MODEL_BYTES:
        raise RuntimeError(f"{spec.version}: model.onnx is {len(onnx_bytes)} bytes, over {MAX_MODEL_BYTES}")

    validation_data = {v: validation.views[v] for v in spec.views}
    served = onnx_spam_probability(onnx_bytes, spec.views, validation_data)
    reference = model.predict_proba(validation_data)
    gap = float(np.max(np.abs(served - reference)))
    if gap > TOLERANCE:
        raise RuntimeError(f"{spec.version}: onnxruntime and the Python model differ by {gap} on validation rows")

    card = build_card(
        spec=spec, model=model, export=export, threshold=threshold, selection=selection, chosen=candidate.label,
        validation=metrics(validation.labels, served, threshold), out_of_fold=metrics(train.labels, oof_scores, threshold),
        onnx_bytes=onnx_bytes, seed=seed, folds=folds, distribution=training_distribution(train, spec.views),
    )
    if compare_with is not None:
        card["comparison"] = compare(version=spec.version, served=served, threshold=threshold, held_out=validation,
                                     against_dir=compare_with)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "model.onnx").write_bytes(onnx_bytes)
    (out_dir / "card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if golden is not None:
        golden_data = {v: golden.views[v] for v in spec.views}
        probabilities = onnx_spam_probability(onnx_bytes, spec.views, golden_data)
        gap = float(np.max(np.abs(probabilities - model.predict_proba(golden_data))))
        if gap > TOLERANCE:
            raise RuntimeError(f"{spec.version}: onnxruntime and the Python model differ by {gap} on golden texts")
        document = build_golden(version=spec.version, views=spec.views, golden=golden, probabilities=probabilities, threshold=threshold)
        (out_dir / "golden.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    m = card["metrics"]["validation"]
    log(f"{spec.version} ({candidate.label}): validation spam F1 {m['spamF1']} precision {m['spamPrecision']} recall {m['spamRecall']} "
        f"ROC-AUC {m['rocAuc']} accuracy {m['accuracy']} at threshold {threshold}; {len(onnx_bytes)} bytes; onnx gap {gap:.2e}")
    if compare_with is not None:
        c = card["comparison"]
        for scope, figures in (("held-out", c), ("labelled held-out", c.get("labelledOnly")),
                               ("data-set held-out", c.get("dataSetOnly"))):
            if figures:
                log(f"{scope} ({figures.get('rows', c['heldOut']['rows'])} rows): " + "; ".join(
                    f"{v} spam F1 {figures[v]['spamF1']} precision {figures[v]['spamPrecision']} recall {figures[v]['spamRecall']}"
                    for v in (spec.version, c["against"])))
    return card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--export", required=True, help="feature export of the labelled data (spamstream features export)")
    parser.add_argument("--golden", help="feature export of the golden texts (--unlabelled --include-text)")
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--versions", default="v1,v2,v3")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fast", action="store_true", help="tiny search, for tests")
    parser.add_argument("--labelled-version", help="train this new version from an export of the data set and the labels (spamstream features export-labels)")
    parser.add_argument("--compare-with", help="folder of the model version the new one is compared with on the same held-out rows")
    args = parser.parse_args(argv)

    export = read_export(args.export)
    golden = read_export(args.golden) if args.golden else None
    sequence = export.view_spec("v2")["sequence"]
    if args.labelled_version:
        if "labels" not in export.header:
            parser.error(f"{args.export} holds no labels: export it with `spamstream features export-labels`")
        if (Path(args.models_dir) / args.labelled_version).exists():
            parser.error(f"{Path(args.models_dir) / args.labelled_version} exists: a version, once used, never changes meaning")
        specs = [labelled_spec(args.labelled_version, sequence["vocabularySize"], sequence["length"], fast=args.fast)]
        wanted = [args.labelled_version]
    else:
        specs = catalogue(sequence["vocabularySize"], sequence["length"], args.seed, fast=args.fast)
        wanted = args.versions.split(",")
    unknown = set(wanted) - {s.version for s in specs}
    if unknown:
        parser.error(f"unknown model versions: {', '.join(sorted(unknown))}")
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    log(f"training on {export.rows_by_split['train']} rows, validating on {export.rows_by_split['validation']} (export sha256 {export.sha256[:12]}…)")
    for spec in specs:
        if spec.version in wanted:
            train_one(spec, export, golden, Path(args.models_dir) / spec.version, args.folds, args.seed, log,
                      compare_with=Path(args.compare_with) if args.compare_with else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
