import json

import numpy as np
import pytest

from spamtrain.export import read_export


def test_reads_views_labels_and_split_as_written(export_path):
    export = read_export(export_path)
    assert export.views["v1"].dtype == np.float32 and export.views["v1"].shape == (400, 5)
    assert export.views["v2"].dtype == np.int64 and export.views["v2"].shape == (400, 12)
    assert set(np.unique(export.labels)) == {0, 1}
    assert export.rows_by_split == {"train": 320, "validation": 80}
    assert export.view_spec("v2")["version"] == 3
    assert len(export.sha256) == 64


def test_subset_keeps_rows_aligned(export_path):
    export = read_export(export_path)
    validation = export.subset(export.splits == "validation")
    assert validation.sms_ids[:2] == ["syn0", "syn5"]
    assert np.array_equal(validation.views["v2"][1], export.views["v2"][5])


def test_unlabelled_rows_keep_their_texts(golden_path):
    golden = read_export(golden_path)
    assert (golden.labels == -1).all()
    assert golden.texts[3] == "made-up text 3"


def test_rejects_a_vector_of_the_wrong_length(export_path):
    lines = export_path.read_text().splitlines()
    row = json.loads(lines[1])
    row["v2"] = row["v2"][:-1]
    export_path.write_text("\n".join([lines[0], json.dumps(row)]) + "\n")
    with pytest.raises(ValueError, match="line 2|:2:"):
        read_export(export_path)


def test_rejects_a_file_without_header(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"sms_id": "a"}\n')
    with pytest.raises(ValueError, match="header"):
        read_export(path)
