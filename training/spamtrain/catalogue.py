"""The model versions: what each consumes and which configurations compete for it.

Candidates are compared by spam F1 on out-of-fold probabilities of the training split; the
validation split plays no part in any choice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .text_stats_model import TextStatsModel
from .token_linear import BlendModel, TokenLinearConfig, TokenLinearModel


@dataclass(frozen=True)
class Candidate:
    label: str
    make: Callable[[], object]


@dataclass(frozen=True)
class ModelSpec:
    version: str
    name: str
    description: str
    views: tuple[str, ...]
    candidates: tuple[Candidate, ...]


def catalogue(vocabulary_size: int, sequence_length: int, seed: int, fast: bool = False) -> list[ModelSpec]:
    """`fast` shrinks the search (used by the tests on small synthetic exports)."""
    trees = 30 if fast else 300

    def tokens(**kwargs) -> Callable[[], object]:
        return lambda: TokenLinearModel(TokenLinearConfig(vocabulary_size, sequence_length, **kwargs))

    v2_grid = [1.0] if fast else [3.0, 10.0, 30.0]
    bigrams = 1 << 16

    def tfidf_both(stats_weight: float, C: float) -> TokenLinearConfig:
        return TokenLinearConfig(vocabulary_size, sequence_length, bigram_buckets=bigrams, bigram_weight=0.5,
                                 use_stats=True, stats_weight=stats_weight, C=C)

    # Naive-Bayes weighting: a different view of the same counts, whose errors only partly overlap tf-idf's.
    nb_both = TokenLinearConfig(vocabulary_size, sequence_length, bigram_buckets=bigrams, bigram_weight=1.0,
                                use_stats=True, stats_weight=0.3, C=1.0, weighting="nb")
    v3_single = [(0.1, 10.0)] if fast else [(0.1, 10.0), (0.1, 30.0), (0.3, 30.0)]
    v3 = [Candidate(f"tfidf stats_weight={w} C={c}", lambda w=w, c=c: TokenLinearModel(tfidf_both(w, c))) for w, c in v3_single]
    v3.append(Candidate("blend of tfidf (stats_weight=0.1 C=30) and naive-Bayes (stats_weight=0.3 C=1)",
                        lambda: BlendModel([TokenLinearModel(tfidf_both(0.1, 30.0)), TokenLinearModel(nb_both)])))
    return [
        ModelSpec(
            "v1", "spam-text-stats", "spam probability from the v1 text statistics alone", ("v1",),
            (Candidate(f"gbt trees={trees}", lambda: TextStatsModel(n_estimators=trees, seed=seed)),),
        ),
        ModelSpec(
            "v2", "spam-token-tfidf", "spam probability from the v2 token ids: unigram tf-idf and logistic regression", ("v2",),
            tuple(Candidate(f"C={c}", tokens(C=c)) for c in v2_grid),
        ),
        ModelSpec(
            "v3", "spam-tokens-and-stats",
            "spam probability from both views: unigram and hashed-bigram presence of v2 plus the v1 statistics, linear models",
            ("v1", "v2"),
            tuple(v3),
        ),
    ]


def labelled_spec(version: str, vocabulary_size: int, sequence_length: int, fast: bool = False) -> ModelSpec:
    """A version trained from labels: v3's recipe (the blend its selection chose) on the data set plus
    the labelled messages; `fast` (tests) trains one of the blend's members alone."""
    bigrams = 1 << 16
    tfidf = TokenLinearConfig(vocabulary_size, sequence_length, bigram_buckets=bigrams, bigram_weight=0.5,
                              use_stats=True, stats_weight=0.1, C=30.0)
    nb = TokenLinearConfig(vocabulary_size, sequence_length, bigram_buckets=bigrams, bigram_weight=1.0,
                           use_stats=True, stats_weight=0.3, C=1.0, weighting="nb")
    candidate = (
        Candidate("tfidf stats_weight=0.1 C=30.0", lambda: TokenLinearModel(tfidf)) if fast else
        Candidate("blend of tfidf (stats_weight=0.1 C=30) and naive-Bayes (stats_weight=0.3 C=1)",
                  lambda: BlendModel([TokenLinearModel(tfidf), TokenLinearModel(nb)]))
    )
    return ModelSpec(
        version, "spam-tokens-and-stats-labelled",
        "spam probability from both views, v3's recipe trained on the data set plus the labels users gave (sms.labels) "
        "with the features the stream computed for those messages (sms.features)",
        ("v1", "v2"),
        (candidate,),
    )
