"""The exported ONNX graphs compute what the Python models compute."""
import numpy as np
import onnx
import onnxruntime as ort
import pytest

from spamtrain.export import read_export
from spamtrain.text_stats_model import TextStatsModel
from spamtrain.token_linear import BlendModel, TokenLinearConfig, TokenLinearModel

from conftest import LENGTH, VOCABULARY


def run_onnx(model_proto, feeds):
    onnx.checker.check_model(model_proto)
    session = ort.InferenceSession(model_proto.SerializeToString(), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == ["probabilities"]
    probabilities = session.run(["probabilities"], feeds)[0]
    assert probabilities.shape == (len(next(iter(feeds.values()))), 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-6)
    return probabilities[:, 1]


@pytest.fixture
def data(export_path):
    export = read_export(export_path)
    return {"v1": export.views["v1"], "v2": export.views["v2"]}, export.labels


def edge_rows():
    ids = np.zeros((5, LENGTH), dtype=np.int64)  # row 0: only padding (an empty text)
    ids[1, :3] = 1                                # only out-of-vocabulary tokens
    ids[2, :] = 45                                # one token repeated: presence counts it once
    ids[3, 0] = 45
    ids[4, :] = np.arange(2, 2 + LENGTH)          # no padding at all
    stats = np.zeros((5, 5), dtype=np.float32)
    stats[4] = [1e6, 0, 0, 0, 0]                  # far outside the training range
    return {"v1": stats, "v2": ids}


@pytest.mark.parametrize("config", [
    TokenLinearConfig(VOCABULARY, LENGTH),
    TokenLinearConfig(VOCABULARY, LENGTH, bigram_buckets=64, use_stats=True, stats_weight=0.3),
    TokenLinearConfig(VOCABULARY, LENGTH, bigram_buckets=64, bigram_weight=1.0, use_stats=True, C=1.0, weighting="nb"),
])
def test_token_linear_graph_matches_python(data, config):
    features, labels = data
    model = TokenLinearModel(config).fit(features, labels)
    for batch in (features, edge_rows()):
        feeds = {view: batch[view] for view in model.views}
        np.testing.assert_allclose(run_onnx(model.to_onnx("t"), feeds), model.predict_proba(batch), atol=1e-5)


def test_token_presence_counts_repeats_once(data):
    features, labels = data
    model = TokenLinearModel(TokenLinearConfig(VOCABULARY, LENGTH)).fit(features, labels)
    probabilities = run_onnx(model.to_onnx("t"), {"v2": edge_rows()["v2"]})
    assert probabilities[2] == pytest.approx(probabilities[3], abs=1e-6)


def test_token_linear_learns_the_signal(data):
    features, labels = data
    model = TokenLinearModel(TokenLinearConfig(VOCABULARY, LENGTH, bigram_buckets=64, use_stats=True)).fit(features, labels)
    accuracy = ((model.predict_proba(features) >= 0.5) == labels).mean()
    assert accuracy > 0.9


def test_text_stats_graph_matches_sklearn(data):
    features, labels = data
    model = TextStatsModel(n_estimators=20, seed=0).fit(features, labels)
    for batch in (features, edge_rows()):
        np.testing.assert_allclose(run_onnx(model.to_onnx("t"), {"v1": batch["v1"]}), model.predict_proba(batch), atol=1e-5)


def test_blend_graph_matches_python_and_averages_logits(data):
    features, labels = data
    members = [
        TokenLinearModel(TokenLinearConfig(VOCABULARY, LENGTH, bigram_buckets=64, use_stats=True)),
        TokenLinearModel(TokenLinearConfig(VOCABULARY, LENGTH, bigram_buckets=64, use_stats=True, weighting="nb")),
    ]
    blend = BlendModel(members).fit(features, labels)
    assert blend.views == ["v1", "v2"]
    for batch in (features, edge_rows()):
        np.testing.assert_allclose(run_onnx(blend.to_onnx("t"), batch), blend.predict_proba(batch), atol=1e-5)
    mean_logit = (members[0].decision_function(features) + members[1].decision_function(features)) / 2
    np.testing.assert_allclose(blend.predict_proba(features), 1 / (1 + np.exp(-mean_logit)))
