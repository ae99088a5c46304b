"""The training distribution of each statistics view a model reads, written into its card so the
stream can measure drift against it (population stability index, models/drift.ts): per statistic,
cut points at the deciles of the training split and how many training rows fall in each bin.

The binning rule is shared with TypeScript and must stay identical: edges are the distinct values
among the 10 %, 20 %, …, 90 % quantiles (numpy's "inverted_cdf", so each edge is a value of the
data, exact as float32), and a value x falls in bin i when edges[i-1] < x <= edges[i]; bin 0 holds
x <= edges[0], the last bin x > edges[-1] (numpy.searchsorted(edges, x, side="left"))."""
from __future__ import annotations

import numpy as np

from .export import FeatureExport

BINS = 10
RULE = (
    "edges: the distinct values among the 10%, 20%, ..., 90% quantiles of the training split (numpy inverted_cdf); "
    "a value x is in bin i when edges[i-1] < x <= edges[i] (bin 0: x <= edges[0]; the last bin: x > edges[-1]); "
    "counts: training rows per bin"
)


def field_bins(values: np.ndarray) -> tuple[list[float], list[int]]:
    """The edges and per-bin counts of one statistic's training values."""
    quantiles = np.quantile(values, [i / BINS for i in range(1, BINS)], method="inverted_cdf")
    edges = np.unique(quantiles)
    counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1)
    return [float(edge) for edge in edges], [int(count) for count in counts]


def training_distribution(export: FeatureExport, views: tuple[str, ...]) -> list[dict]:
    """One entry per view of named statistics among `views` (token-id views have none), from `export`'s rows."""
    distributions = []
    for view_id in views:
        spec = export.view_spec(view_id)
        if "fields" not in spec:
            continue
        matrix = export.views[view_id]
        fields = []
        for index, field in enumerate(spec["fields"]):
            edges, counts = field_bins(matrix[:, index])
            fields.append({"name": field["name"], "edges": edges, "counts": counts})
        distributions.append({
            "view": view_id, "version": spec["version"], "rows": int(matrix.shape[0]), "bins": BINS, "rule": RULE,
            "fields": fields,
        })
    return distributions
