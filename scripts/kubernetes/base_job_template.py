"""Prints the base job template flowpush recommends for kubernetes pools.

It is the Prefect Kubernetes worker's own default with one fix: the default
puts ``completions`` and ``parallelism`` into the pod spec, where Kubernetes
has no such fields (they belong to the Job spec). The API server drops them
with a warning, and a strict schema check refuses the manifest. Here they
move to the Job spec, with the same values, so every Job the pool renders
is valid as it stands.

    python scripts/kubernetes/base_job_template.py \
        > templates/kubernetes/base-job-template.json

The output is committed; a test regenerates it from the installed
prefect-kubernetes and fails when the two differ. ``--upstream`` prints the
worker's default unchanged, to compare.
"""

from __future__ import annotations

import json
import sys
from typing import Any

JOB_FIELDS = ("completions", "parallelism")


def base_job_template(upstream: bool = False) -> dict[str, Any]:
    from prefect_kubernetes.worker import KubernetesWorker

    template = KubernetesWorker.get_default_base_job_template()
    if upstream:
        return template
    job = template["job_configuration"]["job_manifest"]["spec"]
    pod = job["template"]["spec"]
    for name in JOB_FIELDS:
        if name in pod:
            job[name] = pod.pop(name)
    return template


if __name__ == "__main__":
    upstream = sys.argv[1:] == ["--upstream"]
    json.dump(base_job_template(upstream), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
