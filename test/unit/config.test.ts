import { describe, expect, it } from "vitest";

import { DEFAULT_BASE_IMAGE, parseConfig } from "../../src/config/config.js";
import { captureFlowpushError } from "../helpers/errors.js";

const VALID = `
registry:
  address: 127.0.0.1:5000
defaults:
  work_pool: pool
parts:
  prices:
    path: ./models/prices/
    image: team/prices
    flows:
      train:
        entrypoint: flows/train.py:train_grid
        parameters: { horizon: 24 }
  spreads:
    path: spreads
    image: team/spreads
    dockerfile: ./docker/Dockerfile
    base_image: python:3.12-slim
    flows:
      fit:
        entrypoint: fit.py:fit
        deployment: nightly
        work_pool: other
`;

describe("parseConfig", () => {
  it("normalises paths and fills defaults", () => {
    const config = parseConfig(VALID, "flowpush.yaml");
    const prices = config.parts.get("prices");

    expect(prices).toMatchObject({
      path: "models/prices",
      build: { kind: "template", template: "python" },
      baseImage: DEFAULT_BASE_IMAGE,
    });
    expect(prices?.flows.get("train")).toMatchObject({
      deployment: "prices-train",
      workPool: "pool",
      gridParameter: "grid",
      parameters: { horizon: 24 },
    });
    expect(config.parts.get("spreads")?.flows.get("fit")).toMatchObject({
      deployment: "nightly",
      workPool: "other",
    });
    expect(config.parts.get("spreads")?.build).toEqual({
      kind: "dockerfile",
      dockerfile: "docker/Dockerfile",
    });
  });

  it.each([
    [
      "an unknown key",
      VALID.replace("work_pool: pool", "work_pol: pool"),
      /flowpush.yaml:5:3: defaults.work_pol: unknown key "work_pol"/,
    ],
    [
      "a wrong type",
      VALID.replace("parameters: { horizon: 24 }", "parameters: [1]"),
      /flowpush.yaml:13:21: parts.prices.flows.train.parameters: .*expected record/,
    ],
    [
      "a bad entrypoint",
      VALID.replace("fit.py:fit", "fit.py"),
      /parts.spreads.flows.fit.entrypoint: expected path\/file.py:function/,
    ],
    [
      "both dockerfile and template",
      VALID.replace("dockerfile:", "template: python\n    dockerfile:"),
      /give either dockerfile or template/,
    ],
    [
      "a part without flows",
      VALID.replace(/flows:\n {6}fit:[\s\S]*$/, "flows: {}\n"),
      /parts.spreads.flows: expected at least one flow/,
    ],
    [
      "a part name with a space",
      VALID.replace("  spreads:", "  'spread s':"),
      /parts.spread s: "spread s" is not a valid name/,
    ],
    [
      "an env that is not a mapping",
      VALID.replace(
        "work_pool: other",
        "work_pool: other\n        job_variables: { env: [A=1] }",
      ),
      /parts.spreads.flows.fit.job_variables.env: .*expected record/,
    ],
    ["no parts", "registry: {}", /parts: .*expected record/],
    [
      "a Dask block with neither a scheduler nor a cluster",
      VALID.replace("work_pool: other", "work_pool: other\n        dask: {}"),
      /parts.spreads.flows.fit.dask: give either address .* or kubernetes/,
    ],
    [
      "a Dask block with both",
      VALID.replace(
        "work_pool: other",
        "work_pool: other\n        dask: { address: tcp://s:8786, kubernetes: {} }",
      ),
      /parts.spreads.flows.fit.dask: give either address/,
    ],
    [
      "a Dask scheduler that is not an address",
      VALID.replace(
        "work_pool: other",
        "work_pool: other\n        dask: { address: scheduler:8786 }",
      ),
      /dask.address: expected a Dask scheduler address such as tcp:\/\/scheduler:8786/,
    ],
    [
      "fewer maximum than minimum workers",
      VALID.replace(
        "work_pool: other",
        "work_pool: other\n        dask: { kubernetes: { workers: { min: 5, max: 2 } } }",
      ),
      /dask.kubernetes.workers: expected min to be at most max/,
    ],
    [
      "a worker lifetime that is not a duration",
      VALID.replace(
        "work_pool: other",
        "work_pool: other\n        dask: { kubernetes: { lifetime: { duration: soon } } }",
      ),
      /lifetime.duration: expected a duration such as "4h"/,
    ],
    [
      "a memory size that is not a Kubernetes quantity",
      VALID.replace(
        "work_pool: other",
        "work_pool: other\n        kubernetes: { memory_limit: 4GB }",
      ),
      /kubernetes.memory_limit: expected a Kubernetes quantity such as "500m", "2" or "4Gi"/,
    ],
  ])("rejects %s, naming the file, line and key path", (_, text, message) => {
    const error = captureFlowpushError(() =>
      parseConfig(text, "flowpush.yaml"),
    );

    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toMatch(message);
  });

  it("gives Kubernetes settings under the worker's names, the flow's winning", () => {
    const config = parseConfig(
      VALID.replace(
        "  work_pool: pool",
        "  work_pool: pool\n  kubernetes: { namespace: ml, cpu_limit: '1' }",
      ).replace(
        "work_pool: other",
        "work_pool: other\n        kubernetes: { service_account: runner, cpu_limit: 500m }",
      ),
      "flowpush.yaml",
    );

    expect(config.parts.get("spreads")?.flows.get("fit")?.kubernetes).toEqual({
      namespace: "ml",
      cpu_limit: "500m",
      service_account_name: "runner",
    });
    expect(config.parts.get("prices")?.flows.get("train")?.kubernetes).toEqual({
      namespace: "ml",
      cpu_limit: "1",
    });
  });

  it("refuses a Kubernetes setting that job_variables sets too", () => {
    const error = captureFlowpushError(() =>
      parseConfig(
        VALID.replace(
          "work_pool: other",
          "work_pool: other\n        kubernetes: { namespace: ml }\n        job_variables: { namespace: other }",
        ),
        "flowpush.yaml",
      ),
    );

    expect(error.message).toBe(
      "flowpush.yaml: parts.spreads.flows.fit: kubernetes.namespace and job_variables.namespace set the same job variable",
    );
    expect(error.hint).toBe(
      "keep one of them, preferably kubernetes.namespace",
    );
  });

  it("rejects a part path outside the repository", () => {
    const error = captureFlowpushError(() =>
      parseConfig(
        VALID.replace("path: spreads", "path: ../elsewhere"),
        "flowpush.yaml",
      ),
    );

    expect(error.message).toMatch(
      /parts.spreads.path "..\/elsewhere" leaves the repository/,
    );
  });

  it("explains an unquoted * that YAML reads as an alias", () => {
    const error = captureFlowpushError(() =>
      parseConfig(
        `policy:\n  allow:\n    - authors: [*@x]\n${VALID}`,
        "flowpush.yaml",
      ),
    );

    expect(error.code).toBe("CONFIG_SYNTAX");
    expect(error.hint).toMatch(/quote values that start with \*/);
  });

  it("reports YAML syntax errors with their position", () => {
    const error = captureFlowpushError(() =>
      parseConfig("parts:\n  prices: [\n", "flowpush.yaml"),
    );

    expect(error.code).toBe("CONFIG_SYNTAX");
    expect(error.message).toMatch(/^flowpush.yaml:\d+:\d+: /);
  });
});
