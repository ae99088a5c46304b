"""Feast definitions of the bench's peer: the same two feature views as spamstream (v1: 37 text
statistics, v2: 96 token ids) keyed by sms_id, read from the parquet files FEAST_BENCH_DATA names.
The bench copies this file into a generated feature repository (only definitions may live there:
`feast apply` imports every .py file of the repository)."""
import os
from datetime import timedelta

from feast import Entity, FeatureView, Field, FileSource, ValueType
from feast.types import Float32, Int64

DATA = os.environ["FEAST_BENCH_DATA"]

sms = Entity(name="sms", join_keys=["sms_id"], value_type=ValueType.STRING)


def view(name: str, prefix: str, width: int, dtype) -> FeatureView:
    return FeatureView(
        name=name,
        entities=[sms],
        ttl=timedelta(days=3650),
        schema=[Field(name=f"{prefix}{i}", dtype=dtype) for i in range(width)],
        online=True,
        source=FileSource(path=os.path.join(DATA, f"{name}.parquet"), timestamp_field="event_timestamp"),
    )


v1 = view("v1", "f", 37, Float32)
v2 = view("v2", "t", 96, Int64)
