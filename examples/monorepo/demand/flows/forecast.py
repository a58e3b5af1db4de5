"""Day-ahead forecasting of hourly electricity demand.

A ridge regression predicts each hour's demand from the hours a day earlier:
``window`` lagged values ending 24 hours before the target, the information
a day-ahead bid has. The grid searches the window length and the ridge
penalty; each point reports its mean absolute error on the last two weeks,
which it never saw in training.
"""

import numpy as np
from prefect import flow, task
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error

from flowpush_runtime import GridSpec, default_grid, grid_task_runner, map_grid

HORIZON = 24
TEST_HOURS = 14 * 24


@task
def load_demand(weeks: int = 12, seed: int = 7) -> np.ndarray:
    """Stands in for the metered load: a base with daily and weekly cycles,
    a slow trend and noise, in MW, one value per hour."""
    hours = np.arange(weeks * 7 * 24)
    rng = np.random.default_rng(seed)
    daily = 120 * np.sin(2 * np.pi * (hours % 24 - 7) / 24)
    weekday = np.where((hours // 24) % 7 < 5, 80.0, -60.0)
    trend = 0.05 * hours
    return 1000 + daily + weekday + trend + rng.normal(0, 25, hours.size)


def lagged(series: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``window`` values ending HORIZON hours before each target."""
    first = window + HORIZON - 1
    rows = [
        series[t - HORIZON - window + 1 : t - HORIZON + 1]
        for t in range(first, series.size)
    ]
    return np.array(rows), series[first:]


@task
def fit(series: np.ndarray, window: int = 24, alpha: float = 1.0) -> dict[str, float]:
    features, target = lagged(series, window)
    train, test = slice(None, -TEST_HOURS), slice(-TEST_HOURS, None)
    model = Ridge(alpha=alpha).fit(features[train], target[train])
    mae = mean_absolute_error(target[test], model.predict(features[test]))
    print(f"window={window} alpha={alpha} mae={mae:.3f}")
    return {"mae": float(mae)}


@flow(task_runner=grid_task_runner(), log_prints=True)
def fit_grid(grid: GridSpec = default_grid(fit)) -> list[dict[str, float]]:
    """Fits one model per point of the grid on the same demand history."""
    series = load_demand()
    return map_grid(fit, grid, series=series)
