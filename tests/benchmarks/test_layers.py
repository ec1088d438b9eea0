"""The CPU-by-layer benchmark charges each py-spy sample to the layer a reader would name (its
numbers come from ``python -m benchmarks.layers``, never from here)."""

from __future__ import annotations

import pytest

from benchmarks.layers import HTTP, LAYERS, layer_of, shares

SIM = "/app/psp_sandbox/simulator"
LOOP = "run_forever (/py/asyncio/base_events.py:607);_run_once (/py/asyncio/base_events.py:1922)"
WRITER = f"{LOOP};_write_groups ({SIM}/journal/writer.py:96)"
REQUEST = (
    f"{LOOP};_handle_request (/site/aiohttp/web_protocol.py:577)"
    f";record_exchanges ({SIM}/journal/middleware.py:29)"
    f";_pipeline ({SIM}/providers/base.py:299)"
)
NAMES = {name.split(" (")[0]: name for name, _ in LAYERS}


@pytest.mark.parametrize(
    ("stack", "layer"),
    [
        (f"{LOOP};write (/py/asyncio/selector_events.py:1057)", HTTP),
        (f"{REQUEST};create_payment ({SIM}/providers/tranzzo/payments.py:113)", NAMES["provider"]),
        (
            f"{REQUEST};create ({SIM}/services/payments.py:141);decide ({SIM}/engine/decide.py:74)"
            f";to_minor ({SIM}/engine/money.py:50)",
            NAMES["engine"],
        ),
        (
            f"{REQUEST};_record ({SIM}/journal/middleware.py:47)"
            f";excerpt ({SIM}/journal/masking.py:129);mask ({SIM}/outcomes/processor.py:20)",
            NAMES["journal"],
        ),
        (
            f"{REQUEST};_record ({SIM}/journal/middleware.py:69)"
            f";commit ({SIM}/store/memory.py:361);compress (/site/zstandard/__init__.py:1)",
            NAMES["store"],
        ),
        (
            f"{WRITER};_commit ({SIM}/journal/writer.py:110)"
            f";exchanges ({SIM}/journal/writer.py:49);__init__ (<string>:2)",
            NAMES["journal"],
        ),
        (
            f"{WRITER};_commit ({SIM}/journal/writer.py:114)"
            f";commit ({SIM}/store/memory.py:361);compress (/site/zstandard/__init__.py:1)",
            NAMES["store"],
        ),
        (
            f"{REQUEST};log_changes ({SIM}/services/activity.py:29)"
            ";emit (/py/logging/__init__.py:1113)",
            NAMES["activity log"],
        ),
        (
            f"{REQUEST};primary ({SIM}/providers/tranzzo/render.py:40)"
            f";timestamp ({SIM}/providers/tranzzo/mapping.py:108)",
            NAMES["answer"],
        ),
        (
            f"{REQUEST};read ({SIM}/providers/base.py:260);validate ({SIM}/providers/bodies.py:64)"
            ";model_validate (/site/pydantic/main.py:792)",
            NAMES["request body"],
        ),
    ],
)
def test_a_sample_is_charged_to_the_layer_that_spent_it(stack: str, layer: str) -> None:
    assert layer_of(stack) == layer


def test_samples_of_other_threads_are_left_out() -> None:
    worker = "_bootstrap (/py/threading.py:1002);_worker (/py/concurrent/futures/thread.py:81)"
    assert layer_of(worker) is None
    counts = shares([f"{worker} 40", f"{LOOP};write (/py/asyncio/selector_events.py:1) 3", ""])
    assert counts == {HTTP: 3}
