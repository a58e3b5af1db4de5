"""Commands flowpush runs inside a freshly built image.

``python -m flowpush_runtime schema ENTRYPOINT...`` imports each flow the way
the worker will and prints, as one JSON document, the flow names and
parameter schemas Prefect itself computes, plus the image's working
directory. Running it inside the image proves the flows import there before
anything is pushed or registered.

flowpush runs this file as a loose script (``python3 flowpush_introspect.py
schema ...``), not as the installed package: an image built from a part's own
Dockerfile need not contain the runtime, and a flow that imports the runtime
must fail the check when the image lacks it, as it would fail in the worker.
So this module imports nothing but the standard library and Prefect.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from typing import Any


def import_like_the_worker() -> None:
    """Python puts a loose script's folder first on sys.path; the worker
    imports from the working directory instead, so do the same."""
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        sys.path[0] = os.getcwd()


def describe_flows(entrypoints: list[str]) -> dict[str, Any]:
    from prefect.flows import load_flow_from_entrypoint
    from prefect.utilities.callables import parameter_schema

    flows = []
    for entrypoint in entrypoints:
        flow = load_flow_from_entrypoint(entrypoint, use_placeholder_flow=False)
        schema = parameter_schema(flow).model_dump(exclude_unset=True)
        flows.append(
            {
                "entrypoint": entrypoint,
                "name": flow.name,
                "description": flow.description,
                "parameter_schema": schema,
            }
        )
    return {"workdir": os.getcwd(), "flows": flows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flowpush-runtime")
    commands = parser.add_subparsers(dest="command", required=True)
    schema = commands.add_parser("schema", help="print the flows' parameter schemas")
    schema.add_argument("entrypoints", nargs="+", metavar="path/file.py:function")
    args = parser.parse_args(argv)
    import_like_the_worker()

    try:
        report = describe_flows(args.entrypoints)
    except Exception as error:  # noqa: BLE001 - any import failure is reported
        # The caller shows this to the user verbatim, so keep the traceback:
        # it is the only clue to why the flow does not import in the image.
        traceback.print_exc()
        print(f"flowpush-runtime: {error}", file=sys.stderr)
        return 1
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
