"""The README's Paymentz quickstart, run as it stands (POSIX sh and curl) twice in a row against
the sandbox: each run debits, refunds and inquires about a transaction of its own."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from psp_sandbox.simulator.testing.plugin import Sandbox

README = Path(__file__).resolve().parents[3] / "README.md"
QUICKSTART = re.compile(r"## Quickstart: Paymentz\n.*?```sh\n(.*?)```", re.DOTALL)


def quickstart(sandbox: Sandbox) -> str:
    found = QUICKSTART.search(README.read_text())
    assert found is not None, "README has no Paymentz quickstart"
    return found.group(1).replace("http://127.0.0.1:8480", sandbox.url)


async def run(script: str) -> str:
    process = await asyncio.create_subprocess_exec(
        "sh", "-c", script, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_the_quickstart_runs_verbatim_twice_without_a_reset(sandbox: Sandbox) -> None:
    script = quickstart(sandbox)
    first, second = await run(script), await run(script)
    ids = []
    for output in (first, second):
        debited = re.search(r"debited: paymentId (\d+)", output)
        assert debited is not None, output
        ids.append(debited.group(1))
        assert '"code":"00005"' in output
        assert "<status>reversed</status>" in output and "<code>00026</code>" in output
    assert ids[0] != ids[1]
