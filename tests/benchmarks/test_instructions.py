"""The instruction-count benchmark reads callgrind's totals and sends exactly the requests it
counts (its numbers come from ``python -m benchmarks.instructions``, never from here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from benchmarks.instructions import send, total

#: The head and tail of a callgrind output file whose counting was switched on and off.
CALLGRIND = """# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  python -m psp_sandbox.simulator.cli serve
part: 1

positions: line
events: Ir
summary: 0

fl=(1) ???
fn=(1) _PyEval_EvalFrameDefault
0 {inner}

totals: {totals}
"""


def test_the_total_is_the_totals_line_not_the_summary_at_the_head(tmp_path: Path) -> None:
    counts = tmp_path / "callgrind.out.4242"
    counts.write_text(CALLGRIND.format(inner=1_234, totals=3_135_000_000))
    assert total(counts) == 3_135_000_000


def test_a_file_that_counts_nothing_is_an_error(tmp_path: Path) -> None:
    counts = tmp_path / "callgrind.out.4242"
    counts.write_text("# callgrind format\nevents: Ir\n")
    with pytest.raises(ValueError, match="counts no instructions"):
        total(counts)


async def test_every_numbered_request_is_sent_once() -> None:
    seen: list[bytes] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(await request.read())
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/pay", handle)
    async with TestServer(app) as server:
        url = str(server.make_url("/pay"))
        await send(lambda n: (url, b"%d" % n), range(-3, 40))
    assert sorted(int(body) for body in seen) == list(range(-3, 40))


async def test_an_answer_but_2xx_stops_the_count() -> None:
    async def handle(request: web.Request) -> web.Response:
        return web.json_response({}, status=400 if await request.read() == b"7" else 200)

    app = web.Application()
    app.router.add_post("/pay", handle)
    async with TestServer(app) as server:
        url = str(server.make_url("/pay"))
        with pytest.raises(RuntimeError, match="answered 400"):
            await send(lambda n: (url, b"%d" % n), range(20))
