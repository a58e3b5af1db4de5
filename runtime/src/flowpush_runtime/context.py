"""What flowpush tells a flow run about itself, through its environment.

flowpush sets these variables on the deployment (commit, part, flow, Dask)
and on each flow run (grid hash, image, point indices, MLflow). The list and
their meaning are the contract in runtime/README.md; nothing else in the
runtime reads the environment.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunInfo:
    """The flowpush side of a flow run; every field is optional, so that a
    flow also runs outside flowpush (a test, ``python flows/train.py``)."""

    commit: str | None = None
    part: str | None = None
    flow: str | None = None
    grid_hash: str | None = None
    image: str | None = None
    point_indices: list[int] | None = None
    """The indices in the whole grid of the points this run trains: set in
    ``runs`` mode and for reruns, where a run holds only part of a grid."""
    grid_size: int | None = None
    """The number of points of the whole grid, when this run holds part."""
    mlflow_uri: str | None = None
    mlflow_experiment: str | None = None
    mlflow_parent_run: str | None = None
    """The grid's MLflow parent run, when flowpush made it (``runs`` mode)."""
    dask_address: str | None = None
    dask_kubernetes: dict[str, Any] = field(default_factory=dict)
    flow_run_id: str | None = None
    """Set by Prefect's worker on the flow run's container or pod."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RunInfo:
        env = os.environ if env is None else env
        text = env.get("FLOWPUSH_DASK_KUBERNETES")
        return cls(
            commit=env.get("FLOWPUSH_COMMIT") or None,
            part=env.get("FLOWPUSH_PART") or None,
            flow=env.get("FLOWPUSH_FLOW") or None,
            grid_hash=env.get("FLOWPUSH_GRID_HASH") or None,
            image=env.get("FLOWPUSH_IMAGE") or None,
            point_indices=_indices(env.get("FLOWPUSH_POINT_INDEX")),
            grid_size=_integer(env, "FLOWPUSH_GRID_SIZE"),
            mlflow_uri=env.get("MLFLOW_TRACKING_URI") or None,
            mlflow_experiment=env.get("FLOWPUSH_MLFLOW_EXPERIMENT") or None,
            mlflow_parent_run=env.get("FLOWPUSH_MLFLOW_PARENT_RUN") or None,
            dask_address=env.get("FLOWPUSH_DASK_ADDRESS") or None,
            dask_kubernetes=json.loads(text) if text else {},
            flow_run_id=env.get("PREFECT__FLOW_RUN_ID") or None,
        )

    def global_indices(self, count: int) -> list[int]:
        """The whole-grid index of each of this run's ``count`` points."""
        if self.point_indices is None:
            return list(range(count))
        if len(self.point_indices) != count:
            raise ValueError(
                f"FLOWPUSH_POINT_INDEX names {len(self.point_indices)} points "
                f"but the grid of this run has {count}; flowpush sets both "
                "together, so the run's grid parameter was changed by hand"
            )
        return list(self.point_indices)

    def tags(self) -> dict[str, str]:
        """The tags that lead from an MLflow run back to its commit."""
        tags = {
            "mlflow.source.git.commit": self.commit,
            "flowpush.part": self.part,
            "flowpush.flow": self.flow,
            "flowpush.grid_hash": self.grid_hash,
            "flowpush.image": self.image,
        }
        return {key: value for key, value in tags.items() if value}


def _indices(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(
            f"FLOWPUSH_POINT_INDEX is {text!r}; expected point indices "
            "separated by commas, such as 0,3,7"
        ) from None


def _integer(env: Mapping[str, str], name: str) -> int | None:
    text = env.get(name)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name} is {text!r}; expected a whole number") from None
