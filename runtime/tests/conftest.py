from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness

# Settings that would point Prefect at a real server or account; a developer's
# shell often exports them after starting the local stack.
SERVER_SETTINGS = ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_API_AUTH_STRING")


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A temporary Prefect server and database for the flows run by the tests."""
    with pytest.MonkeyPatch.context() as patch:
        for name in SERVER_SETTINGS:
            patch.delenv(name, raising=False)
        with prefect_test_harness(server_startup_timeout=60):
            yield
