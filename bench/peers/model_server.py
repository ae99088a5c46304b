"""The seeds' architecture, model side: an HTTP model server (FastAPI + uvicorn + onnxruntime)
answering one message per request with every model of models/ (batch of 1 each).

POST /predict {"views": {"v1": [...37 floats], "v2": [...96 ids]}} -> {"v1": p, "v2": p, "v3": p}
Run: uvicorn --app-dir bench/peers model_server:app --host 127.0.0.1 --port P
(MODELS_DIR names the models folder; default models/ beside bench/.)
"""
import json
import os
from pathlib import Path

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI
from pydantic import BaseModel

MODELS_DIR = Path(os.environ.get("MODELS_DIR", Path(__file__).resolve().parents[2] / "models"))
DTYPES = {"float32": np.float32, "int64": np.int64}


def load(version_dir: Path):
    card = json.loads((version_dir / "card.json").read_text())
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # as the Node processors run their sessions
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(version_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])
    spam = card["labels"].index("spam")
    return card, session, spam


MODELS = {d.name: load(d) for d in sorted(MODELS_DIR.iterdir()) if (d / "card.json").exists()}
app = FastAPI()


class Message(BaseModel):
    views: dict[str, list[float]]


@app.post("/predict")
def predict(message: Message) -> dict[str, float]:
    out = {}
    for version, (card, session, spam) in MODELS.items():
        feeds = {i["name"]: np.asarray([message.views[i["view"]]], dtype=DTYPES[i["dtype"]]) for i in card["inputs"]}
        out[version] = float(session.run([card["output"]["name"]], feeds)[0][0][spam])
    return out


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
