"""Grid-search training for the prices model family."""

from prefect import flow, task

from flowpush_runtime import GridSpec, default_grid, map_grid


@task
def load_data() -> int:
    """Stands in for loading the price history: every point shares it."""
    return 1


@task
def train(a: int, b: int = 1, c: int = 2) -> None:
    print(a, b, c)


@flow(log_prints=True)
def train_grid(grid: GridSpec = default_grid(train)) -> list[None]:
    """Trains one model per point of the grid; by default, train's defaults."""
    data = load_data()
    return map_grid(train, grid, a=data)
