"""Turns the bench's JSON lines ({"sms_id", "event_time" (epoch ms), "v1": [...], "v2": [...]})
into one parquet file per feature view, the offline source Feast materializes from.
Run: python feast_data.py <input.jsonl> <output dir>"""
import json
import sys
from pathlib import Path

import pandas as pd

rows = [json.loads(line) for line in Path(sys.argv[1]).read_text().splitlines() if line]
out = Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for view, prefix, cast in (("v1", "f", "float32"), ("v2", "t", "int64")):
    columns = [f"{prefix}{i}" for i in range(len(rows[0][view]))]
    frame = pd.DataFrame([r[view] for r in rows], columns=columns).astype(cast)
    frame.insert(0, "sms_id", [r["sms_id"] for r in rows])
    frame.insert(1, "event_timestamp", pd.to_datetime([r["event_time"] for r in rows], unit="ms", utc=True))
    frame.to_parquet(out / f"{view}.parquet", index=False)
print(f"{len(rows)} rows per view into {out}")
