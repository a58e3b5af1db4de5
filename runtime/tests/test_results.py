import asyncio
import json
from typing import Any
from uuid import UUID

import pytest
from prefect import flow, task
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flowpush_runtime import map_grid
from flowpush_runtime.results import RESULTS_KEY, GridFailed

pytestmark = pytest.mark.usefixtures("prefect_server")


@task
def fit(alpha: float, window: int = 24) -> dict[str, Any]:
    if alpha < 0:
        raise ValueError(f"alpha must not be negative, got {alpha}")
    return {"mae": alpha * window, "label": "not a metric"}


@flow
def fit_grid(grid: Any) -> tuple[UUID, list[Any]]:
    from prefect.runtime import flow_run

    return UUID(flow_run.id), map_grid(fit, grid)


def published_rows(flow_run_id: UUID) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        async with get_client() as client:
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    key=ArtifactFilterKey(any_=[RESULTS_KEY])
                )
            )
        mine = [a for a in artifacts if a.flow_run_id == flow_run_id]
        assert len(mine) == 1
        data = mine[0].data
        return json.loads(data) if isinstance(data, str) else data

    return asyncio.run(read())


def test_a_grid_run_publishes_one_row_per_point_with_params_and_metrics() -> None:
    run_id, results = fit_grid({"alpha": [0.5, 1.0], "window": [2]})

    assert [r["mae"] for r in results] == [1.0, 2.0]
    rows = published_rows(run_id)
    assert [
        (row["index"], row["state"], row["param:alpha"], row["metric:mae"])
        for row in rows
    ] == [(0, "COMPLETED", 0.5, 1.0), (1, "COMPLETED", 1.0, 2.0)]
    assert all(row["error"] is None for row in rows)
    assert not any(key == "metric:label" for row in rows for key in row)


def test_every_point_trains_when_some_fail_and_the_run_fails_naming_them() -> None:
    state = fit_grid({"alpha": [-1.0, 0.5, -2.0]}, return_state=True)

    assert state.is_failed()
    with pytest.raises(GridFailed, match=r"2 of 3 grid points failed \(points 0, 2\)"):
        state.result()
    rows = published_rows(state.state_details.flow_run_id)
    assert [(row["index"], row["state"]) for row in rows] == [
        (0, "FAILED"),
        (1, "COMPLETED"),
        (2, "FAILED"),
    ]
    assert rows[0]["error"] == "ValueError: alpha must not be negative, got -1.0"
    assert rows[1]["metric:mae"] == 12.0


def test_a_run_holding_part_of_a_grid_reports_the_points_whole_grid_indices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A rerun of points 3 and 7 of a larger grid holds just those two.
    monkeypatch.setenv("FLOWPUSH_POINT_INDEX", "3,7")
    run_id, _ = fit_grid([{"alpha": [0.1]}, {"alpha": [0.2]}])

    assert [row["index"] for row in published_rows(run_id)] == [3, 7]


def test_point_indices_that_do_not_fit_the_grid_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLOWPUSH_POINT_INDEX", "3,7")
    with pytest.raises(
        ValueError, match="names 2 points but the grid of this run has 1"
    ):
        fit_grid({"alpha": [0.1]})
