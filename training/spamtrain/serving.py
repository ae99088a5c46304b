"""Scores rows with an exported ONNX model as the stream serves it (onnxruntime, one thread)."""
from __future__ import annotations

import numpy as np
import onnxruntime as ort


def onnx_spam_probability(onnx_bytes: bytes, views: tuple[str, ...], data: dict[str, np.ndarray]) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])
    feeds = {view: data[view].astype(np.float32 if data[view].dtype.kind == "f" else np.int64) for view in views}
    return session.run(["probabilities"], feeds)[0][:, 1].astype(np.float64)
