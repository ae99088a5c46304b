"""A linear spam model over the v2 token ids (optionally with the v1 statistics), and its ONNX graph.

Representation, computed the same way here (scipy, float64) and in the ONNX graph (float32):
- unigram presence: which vocabulary ids occur in the message (padding id 0 carries no weight);
- optionally hashed bigram presence: for consecutive ids (a, b) with b != padding,
  bucket (a * vocabulary_size + b) mod bigram_buckets; bigram columns are scaled by bigram_weight;
- weighting "tfidf": tf-idf on that presence matrix (smooth idf fitted on the training rows) and
  L2 normalisation of the whole text block, as sklearn's TfidfTransformer does; or weighting
  "nb": each column scaled by its naive-Bayes log-count ratio log((p_j/|p|) / (q_j/|q|)), p and q
  the add-one presence counts of the column in spam and ham training rows, no normalisation;
- optionally the v1 statistics (all >= 0) as log1p, standardised on the training rows, clipped
  to +-STATS_CLIP standard deviations and scaled by stats_weight: counts like char_count are
  heavy-tailed, and without log and clip a single very long message would be pushed far
  outside anything seen in training by the linear model;
- logistic regression on the concatenation.
BlendModel averages the logits of several such models (e.g. one of each weighting).

The ONNX graph never builds the dense [rows, vocabulary] matrix: it sorts each row's keys, keeps
first occurrences, and gathers per-key weights, so memory is O(rows x sequence length).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from onnx import TensorProto, helper, numpy_helper
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

OPSET = 17
STATS_CLIP = 5.0


@dataclass(frozen=True)
class TokenLinearConfig:
    vocabulary_size: int
    sequence_length: int
    bigram_buckets: int = 0
    bigram_weight: float = 0.5
    use_stats: bool = False
    stats_weight: float = 0.1
    C: float = 10.0
    weighting: str = "tfidf"


def bigram_keys(ids: np.ndarray, vocabulary_size: int, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Bucket of each consecutive pair and whether the pair is real (its second id is not padding)."""
    first, second = ids[:, :-1].astype(np.int64), ids[:, 1:].astype(np.int64)
    return (first * vocabulary_size + second) % buckets, second != 0


def _presence(ids: np.ndarray, config: TokenLinearConfig) -> sp.csr_matrix:
    rows, length = ids.shape
    unigram = sp.csr_matrix((np.ones(ids.size), (np.repeat(np.arange(rows), length), ids.ravel())), shape=(rows, config.vocabulary_size))
    unigram.data[:] = 1.0
    unigram = unigram.tolil()
    unigram[:, 0] = 0  # padding is not a token
    blocks = [unigram.tocsr()]
    if config.bigram_buckets:
        keys, valid = bigram_keys(ids, config.vocabulary_size, config.bigram_buckets)
        row_index = np.repeat(np.arange(rows), length - 1)[valid.ravel()]
        bigram = sp.csr_matrix((np.ones(int(valid.sum())), (row_index, keys.ravel()[valid.ravel()])), shape=(rows, config.bigram_buckets))
        bigram.data[:] = config.bigram_weight
        blocks.append(bigram)
    matrix = sp.hstack(blocks).tocsr()
    matrix.eliminate_zeros()
    return matrix


class TokenLinearModel:
    def __init__(self, config: TokenLinearConfig):
        if config.weighting not in ("tfidf", "nb"):
            raise ValueError(f"unknown weighting {config.weighting!r}")
        self.config = config
        self.views = ["v1", "v2"] if config.use_stats else ["v2"]
        self.tfidf = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=False)
        self.ratio: np.ndarray | None = None
        self.scaler = StandardScaler()
        self.classifier = LogisticRegression(C=config.C, max_iter=5000)

    def _text(self, presence: sp.csr_matrix, labels: np.ndarray | None) -> sp.csr_matrix:
        if self.config.weighting == "tfidf":
            return self.tfidf.fit_transform(presence) if labels is not None else self.tfidf.transform(presence)
        if labels is not None:
            seen = (presence != 0).astype(np.float64)
            spam = 1.0 + np.asarray(seen[labels == 1].sum(axis=0)).ravel()
            ham = 1.0 + np.asarray(seen[labels == 0].sum(axis=0)).ravel()
            self.ratio = np.log((spam / spam.sum()) / (ham / ham.sum()))
        return sp.csr_matrix(presence.multiply(self.ratio.reshape(1, -1)))

    def _design(self, data: dict[str, np.ndarray], labels: np.ndarray | None = None) -> sp.csr_matrix:
        """The model's input matrix; with `labels`, fits the weighting and the scaler first."""
        text = self._text(_presence(data["v2"], self.config), labels)
        if not self.config.use_stats:
            return text.tocsr()
        stats = np.log1p(data["v1"].astype(np.float64))
        scaled = self.scaler.fit_transform(stats) if labels is not None else self.scaler.transform(stats)
        scaled = np.clip(scaled, -STATS_CLIP, STATS_CLIP)
        return sp.hstack([text, sp.csr_matrix(scaled * self.config.stats_weight)]).tocsr()

    def fit(self, data: dict[str, np.ndarray], labels: np.ndarray) -> "TokenLinearModel":
        self.classifier.fit(self._design(data, labels), labels)
        return self

    def decision_function(self, data: dict[str, np.ndarray]) -> np.ndarray:
        return self.classifier.decision_function(self._design(data))

    def predict_proba(self, data: dict[str, np.ndarray]) -> np.ndarray:
        """Spam probability per row (float64)."""
        return self.classifier.predict_proba(self._design(data))[:, 1]

    def describe(self) -> str:
        c = self.config
        parts = ["binary unigram presence"]
        if c.bigram_buckets:
            parts.append(f"hashed bigram presence ({c.bigram_buckets} buckets, weight {c.bigram_weight})")
        weighting = "tf-idf (smooth idf), L2-normalised" if c.weighting == "tfidf" else "naive-Bayes log-count-ratio weighted"
        text = " + ".join(parts) + f", {weighting}"
        if c.use_stats:
            text += f"; log1p of the v1 statistics, standardised, clipped to +-{STATS_CLIP:g}, x {c.stats_weight}"
        return f"logistic regression (C={c.C}) on {text}"

    # ---- ONNX -------------------------------------------------------------------------------

    def build_logit(self, g: "_GraphBuilder") -> str:
        """Adds this model's logit to a graph reading inputs "v2" (and "v1"); returns its name."""
        c = self.config
        coef = self.classifier.coef_.ravel().astype(np.float64)
        vocab, buckets = c.vocabulary_size, c.bigram_buckets
        scale = np.ones(vocab + buckets)
        scale[0] = 0.0
        scale[vocab:] = c.bigram_weight
        # Weight of a present key (before normalisation, for tf-idf), and its contribution to the logit.
        value = scale * (self.tfidf.idf_ if c.weighting == "tfidf" else self.ratio)
        contribution = value * coef[: vocab + buckets]
        squares, dots = [], []
        sq, dot = g.key_block("uni", "v2", c.sequence_length, value[:vocab], contribution[:vocab])
        squares.append(sq)
        dots.append(dot)
        if buckets:
            keys = g.bigram_keys("v2", c.sequence_length, vocab, buckets)
            # Sentinel bucket `buckets` (for pairs ending in padding) weighs nothing.
            sq, dot = g.key_block("bi", keys, c.sequence_length - 1,
                                  np.append(value[vocab:], 0.0), np.append(contribution[vocab:], 0.0))
            squares.append(sq)
            dots.append(dot)
        if c.weighting == "tfidf":
            logit = g.normalised_dot(squares, dots)
        else:
            logit = dots[0] if len(dots) == 1 else g.op("Sum", dots, "text_logit")
        if c.use_stats:
            stats_coef = coef[vocab + buckets:] * c.stats_weight
            logit = g.add(logit, g.stats_logit("v1", self.scaler.mean_, self.scaler.scale_, stats_coef))
        return g.add(logit, g.const("intercept", np.array([self.classifier.intercept_[0]])))

    def to_onnx(self, name: str):
        return _model(name, self.views, self._input_widths(), lambda g: self.build_logit(g))

    def _input_widths(self) -> dict[str, int]:
        widths = {"v2": self.config.sequence_length}
        if self.config.use_stats:
            widths["v1"] = len(self.scaler.mean_)
        return widths


class BlendModel:
    """The mean of the logits of several token models, through a sigmoid."""

    def __init__(self, members: list[TokenLinearModel]):
        self.members = members
        self.views = ["v1", "v2"] if any("v1" in m.views for m in members) else ["v2"]

    def fit(self, data: dict[str, np.ndarray], labels: np.ndarray) -> "BlendModel":
        for member in self.members:
            member.fit(data, labels)
        return self

    def predict_proba(self, data: dict[str, np.ndarray]) -> np.ndarray:
        logit = np.mean([m.decision_function(data) for m in self.members], axis=0)
        return 1.0 / (1.0 + np.exp(-logit))

    def describe(self) -> str:
        return "mean of the logits of: " + "; ".join(f"({m.describe()})" for m in self.members)

    def to_onnx(self, name: str):
        widths: dict[str, int] = {}
        for member in self.members:
            widths.update(member._input_widths())

        def logit(g: "_GraphBuilder") -> str:
            total = g.op("Sum", [m.build_logit(g) for m in self.members], "logit_sum")
            return g.op("Mul", [total, g.const("mean", [1.0 / len(self.members)])], "logit_mean")

        return _model(name, self.views, widths, logit)


def _model(name: str, views: list[str], widths: dict[str, int], build_logit):
    g = _GraphBuilder()
    g.probabilities(build_logit(g))
    types = {"v1": TensorProto.FLOAT, "v2": TensorProto.INT64}
    inputs = [helper.make_tensor_value_info(view, types[view], ["N", widths[view]]) for view in views]  # the card's order
    graph = helper.make_graph(g.nodes, name, inputs, [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])], g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="spamstream-training")
    model.ir_version = 8
    return model


class _GraphBuilder:
    """Small helper that names nodes and constants so the graph reads like the maths above."""

    def __init__(self):
        self.nodes, self.initializers, self._count = [], [], 0

    def _name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, hint: str, array: np.ndarray, dtype=np.float32) -> str:
        name = self._name(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(array, dtype=dtype), name))
        return name

    def op(self, op_type: str, inputs: list[str], hint: str, **attrs) -> str:
        out = self._name(hint)
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f"{out}_node", **attrs))
        return out

    def add(self, a: str, b: str) -> str:
        return self.op("Add", [a, b], "add")

    def bigram_keys(self, ids: str, length: int, vocab: int, buckets: int) -> str:
        starts = self.const("zero", [0], np.int64)
        axis = self.const("axis1", [1], np.int64)
        first = self.op("Slice", [ids, starts, self.const("end", [length - 1], np.int64), axis], "first")
        second = self.op("Slice", [ids, self.const("one", [1], np.int64), self.const("end", [length], np.int64), axis], "second")
        pair = self.op("Add", [self.op("Mul", [first, self.const("vocab", [vocab], np.int64)], "scaled"), second], "pair")
        bucket = self.op("Mod", [pair, self.const("buckets", [buckets], np.int64)], "bucket")
        real = self.op("Not", [self.op("Equal", [second, self.const("pad", [0], np.int64)], "is_pad")], "real")
        return self.op("Where", [real, bucket, self.const("sentinel", [buckets], np.int64)], "bigram_key")

    def key_block(self, hint: str, keys: str, width: int, value: np.ndarray, contribution: np.ndarray) -> tuple[str, str]:
        """Sum over distinct keys of value^2 and of contribution, per row."""
        # Keys are below 2^24, so float32 holds them exactly for TopK's sort.
        as_float = self.op("Cast", [keys], f"{hint}_keys_f", to=TensorProto.FLOAT)
        sorted_f = self._name(f"{hint}_sorted_f")
        self.nodes.append(helper.make_node("TopK", [as_float, self.const("k", [width], np.int64)], [sorted_f, self._name("unused_indices")],
                                           name=f"{sorted_f}_node", axis=1, largest=0, sorted=1))
        sorted_keys = self.op("Cast", [sorted_f], f"{hint}_sorted", to=TensorProto.INT64)
        axis = self.const("axis1", [1], np.int64)
        # A key counts once: it is distinct when it differs from its left neighbour in sorted order
        # (the first column is compared with -1, which no key equals).
        shifted = self.op("Pad", [sorted_keys, self.const("pads", [0, 1, 0, 0], np.int64), self.const("minus_one", -1, np.int64)], "shifted")
        previous = self.op("Slice", [shifted, self.const("zero", [0], np.int64), self.const("end", [width], np.int64), axis], "previous")
        distinct = self.op("Cast", [self.op("Not", [self.op("Equal", [sorted_keys, previous], "same")], "differs")], f"{hint}_distinct", to=TensorProto.FLOAT)
        values = self.op("Gather", [self.const(f"{hint}_value", value), sorted_keys], f"{hint}_values", axis=0)
        contributions = self.op("Gather", [self.const(f"{hint}_contribution", contribution), sorted_keys], f"{hint}_contributions", axis=0)
        squares = self.op("ReduceSum", [self.op("Mul", [distinct, self.op("Mul", [values, values], "sq")], "dsq"), axis], f"{hint}_sq", keepdims=1)
        dots = self.op("ReduceSum", [self.op("Mul", [distinct, contributions], "dc"), axis], f"{hint}_dot", keepdims=1)
        return squares, dots

    def normalised_dot(self, squares: list[str], dots: list[str]) -> str:
        total_sq = squares[0] if len(squares) == 1 else self.op("Sum", squares, "total_sq")
        total_dot = dots[0] if len(dots) == 1 else self.op("Sum", dots, "total_dot")
        # An all-padding row has norm 0 and stays 0, as sklearn's normalize leaves zero rows alone.
        norm = self.op("Max", [self.op("Sqrt", [total_sq], "norm"), self.const("tiny", [1e-30])], "safe_norm")
        return self.op("Div", [total_dot, norm], "text_logit")

    def stats_logit(self, stats: str, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray) -> str:
        logged = self.op("Log", [self.op("Add", [stats, self.const("one_s", [1.0])], "stats_plus_one")], "stats_log1p")
        centred = self.op("Sub", [logged, self.const("stats_mean", mean)], "centred")
        standard = self.op("Clip", [self.op("Div", [centred, self.const("stats_scale", scale)], "standard"),
                                    self.const("low", -STATS_CLIP), self.const("high", STATS_CLIP)], "clipped")
        return self.op("MatMul", [standard, self.const("stats_coef", coef.reshape(-1, 1))], "stats_logit")

    def probabilities(self, logit: str) -> None:
        spam = self.op("Sigmoid", [logit], "spam")
        ham = self.op("Sub", [self.const("one_p", [1.0]), spam], "ham")
        self.nodes.append(helper.make_node("Concat", [ham, spam], ["probabilities"], name="probabilities_node", axis=1))
