"""The results table a grid run publishes for flowpush to read back.

One table artifact per flow run, under the key flowpush reads, with one row
per point: its index in the whole grid, how it ended, why it failed, its
MLflow run, and a ``param:<name>`` and ``metric:<name>`` column per
parameter and metric. ``flowpush push --wait`` and ``flowpush trace`` turn
these rows into their results tables; ``flowpush rerun --failed`` reads them
to find the points to train again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

RESULTS_KEY = "flowpush-results"


@dataclass
class PointResult:
    index: int
    params: Mapping[str, Any]
    state: str
    error: str | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    mlflow_run_id: str | None = None

    @property
    def completed(self) -> bool:
        return self.state == "COMPLETED"

    def row(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "index": self.index,
            "state": self.state,
            "error": self.error,
            "mlflow_run_id": self.mlflow_run_id,
        }
        row.update({f"param:{key}": value for key, value in self.params.items()})
        row.update({f"metric:{key}": value for key, value in self.metrics.items()})
        return row


def publish_results(results: list[PointResult]) -> None:
    """Publishes the table on the current flow run."""
    from prefect.artifacts import create_table_artifact

    failed = sum(not result.completed for result in results)
    create_table_artifact(
        table=[result.row() for result in results],
        key=RESULTS_KEY,
        description=(
            f"{len(results) - failed} of {len(results)} grid points completed"
        ),
    )


class GridFailed(Exception):
    """Some points of the grid failed; the others completed."""

    def __init__(self, results: list[PointResult]) -> None:
        failed = [result for result in results if not result.completed]
        first = failed[0]
        super().__init__(
            f"{len(failed)} of {len(results)} grid points failed "
            f"(points {', '.join(str(r.index) for r in failed)}); "
            f"point {first.index}: {first.error}"
        )
        self.results = results
