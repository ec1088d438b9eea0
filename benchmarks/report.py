"""The benchmark's outputs: a rich table on the terminal, ``results/<UTC time>.json`` and the
chart the README shows, ``docs/images/performance.png`` (ratio and p99 per workload and store)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"
CHART = Path(__file__).resolve().parent.parent / "docs" / "images" / "performance.png"


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A titled table of rows on the terminal: the first column names, the others are numbers."""
    table = Table(title=title)
    table.add_column(columns[0])
    for column in columns[1:]:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def write_results(
    rows: list[dict[str, Any]],
    footprint: dict[str, Any],
    machine: dict[str, Any],
    settings: dict[str, Any],
) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {"machine": machine, "settings": settings, "rows": rows, "footprint": footprint}
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(document, indent=2))
    _print(document)
    chart(document, CHART)
    return path


def _print(document: dict[str, Any]) -> None:
    m, s = document["machine"], document["settings"]
    table = Table(
        title=f"{s['connections']} connections, {s['duration_s']} s each; {m['cores']} cores, "
        f"load average {m['load_average_before'][0]} before, {m['load_average_after'][0]} after",
    )
    for name in (
        "workload",
        "store",
        "units/s",
        "req/s",
        "x baseline",
        "p50 ms",
        "p99 ms",
        "errors",
    ):
        table.add_column(name, justify="left" if name in ("workload", "store") else "right")
    for r in document["rows"]:
        table.add_row(
            r["workload"], r["store"], f"{r['units_per_second']:,.0f}",
            f"{r['requests_per_second']:,.0f}", f"{r['ratio']:.2f}", f"{r['p50_ms']:.1f}",
            f"{r['p99_ms']:.1f}", str(r["errors"]), f"{r['cpu_us_per_request']:.0f}",
        )  # fmt: skip
    console = Console(width=140)
    console.print(table)
    console.print(
        "webhooks rows: units/s are deliveries/s, x is against a bare aiohttp client posting "
        "to the same receiver, p50/p99 are lateness (arrival minus due time); stored-state rows: "
        "x is against the same store empty"
    )
    f = document["footprint"]
    console.print(
        f"start to first 200: {f['start_to_first_200_s']:.2f} s memory store, "
        f"{f.get('start_to_first_200_sqlite_s', float('nan')):.2f} s SQLite, "
        f"{f.get('start_to_first_200_no_bytecode_s', float('nan')):.2f} s compiling its sources "
        f"(bare aiohttp: {f['baseline_start_to_first_200_s']:.2f} s)"
    )
    if "start_to_first_purchase_200_s" in f:  # results measured before it was
        console.print(
            f"start to first Tranzzo purchase 200: {f['start_to_first_purchase_200_s']:.2f} s "
            f"memory store, {f['start_to_first_purchase_200_sqlite_s']:.2f} s SQLite "
            f"(bare aiohttp, same POST: {f['baseline_start_to_first_purchase_200_s']:.2f} s)"
        )
    fixture = f["fixture_ms_per_test"]
    console.print(f"sandbox pytest fixture, per test after the first: {fixture} ms")
    for store, size in f["memory_per_payment_bytes"].items():
        console.print(f"RSS per stored payment, {store} store: {size:,} bytes")


def chart(document: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in document["rows"] if r["store"] != "-"]
    stores = sorted({r["store"] for r in rows})
    workloads = list(dict.fromkeys(r["workload"] for r in rows))
    figure, (ratio_axes, p99_axes) = plt.subplots(1, 2, figsize=(12, 4.5))
    width = 0.8 / max(1, len(stores))
    for index, store in enumerate(stores):
        by = {r["workload"]: r for r in rows if r["store"] == store}
        xs = [i + index * width for i in range(len(workloads))]
        ratio_axes.bar(xs, [by[w]["ratio"] if w in by else 0 for w in workloads], width,
                       label=store)  # fmt: skip
        p99_axes.bar(xs, [by[w]["p99_ms"] if w in by else 0 for w in workloads], width,
                     label=store)  # fmt: skip
    for axes, title in ((ratio_axes, "requests/s ÷ bare aiohttp"), (p99_axes, "p99 per unit, ms")):
        axes.set_xticks([i + width * (len(stores) - 1) / 2 for i in range(len(workloads))])
        axes.set_xticklabels(workloads, rotation=30, ha="right", fontsize=8)
        axes.set_title(title)
        axes.legend()
    p99_axes.set_yscale("log")  # milliseconds of a purchase beside seconds of a webhook backlog
    m = document["machine"]
    figure.suptitle(
        f"psp-sandbox, {m['at']}, {m['cores']} cores, load {m['load_average_before'][0]}"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
