"""Gradient boosting on the v1 text statistics, exported with skl2onnx."""
from __future__ import annotations

import numpy as np
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import GradientBoostingClassifier


class TextStatsModel:
    views = ["v1"]

    def __init__(self, n_estimators: int = 300, max_depth: int = 3, learning_rate: float = 0.1, seed: int = 0):
        self.classifier = GradientBoostingClassifier(
            n_estimators=n_estimators, max_depth=max_depth, learning_rate=learning_rate, random_state=seed,
        )

    def fit(self, data: dict[str, np.ndarray], labels: np.ndarray) -> "TextStatsModel":
        self.classifier.fit(data["v1"].astype(np.float32), labels)
        return self

    def predict_proba(self, data: dict[str, np.ndarray]) -> np.ndarray:
        return self.classifier.predict_proba(data["v1"].astype(np.float32))[:, 1]

    def describe(self) -> str:
        c = self.classifier
        return f"gradient boosting ({c.n_estimators} trees of depth {c.max_depth}, learning rate {c.learning_rate}) on the v1 statistics"

    def to_onnx(self, name: str):
        width = self.classifier.n_features_in_
        model = convert_sklearn(
            self.classifier,
            name=name,
            initial_types=[("v1", FloatTensorType([None, width]))],
            options={id(self.classifier): {"zipmap": False}},
            target_opset={"": 17, "ai.onnx.ml": 3},
        )
        # Keep only the probabilities output, named as every spamstream model names it.
        for output in list(model.graph.output):
            if output.name == "label":
                model.graph.output.remove(output)
        assert [o.name for o in model.graph.output] == ["probabilities"], [o.name for o in model.graph.output]
        return model
