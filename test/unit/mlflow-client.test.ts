import { describe, expect, it } from "vitest";

import {
  mlflowConnection,
  mlflowSecretsIn,
  tagFilter,
} from "../../src/clients/mlflow.js";
import { captureFlowpushError } from "../helpers/errors.js";

const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("mlflowConnection", () => {
  it.each([
    ["http://127.0.0.1:5050/", {}, undefined],
    [
      "https://bot:s3cret@mlflow.example",
      {},
      { kind: "basic", value: base64("bot:s3cret") },
    ],
    [
      "https://mlflow.example",
      { MLFLOW_TRACKING_TOKEN: "tok-123" },
      { kind: "bearer", value: "tok-123" },
    ],
    [
      "https://mlflow.example",
      {
        MLFLOW_TRACKING_TOKEN: "tok-123",
        MLFLOW_TRACKING_USERNAME: "bot",
        MLFLOW_TRACKING_PASSWORD: "pw-456",
      },
      { kind: "basic", value: base64("bot:pw-456") },
    ],
  ])("authenticates to %s with %j as %j", (uri, env, auth) => {
    expect(mlflowConnection(uri, env).auth).toEqual(auth);
  });

  it("keeps the credentials out of the address it prints", () => {
    const connection = mlflowConnection(
      "https://bot:s3cret@mlflow.example/tracking/",
      {},
    );

    expect(connection.trackingUri).toBe("https://mlflow.example/tracking");
  });

  it.each(["file:///tmp/mlruns", "databricks", "sqlite:///mlflow.db"])(
    "refuses %s, which is no tracking server, naming it",
    (uri) => {
      const error = captureFlowpushError(() => mlflowConnection(uri, {}));

      expect(error.code).toBe("MLFLOW_UNREACHABLE");
      expect(error.message).toContain(uri);
      expect(error.hint).toContain("MLFLOW_TRACKING_URI");
    },
  );

  it("does not repeat a password written into a URI it refuses", () => {
    const error = captureFlowpushError(() =>
      mlflowConnection("ftp://bot:s3cret@host", {}),
    );

    expect(error.message).not.toContain("s3cret");
  });
});

describe("mlflowSecretsIn", () => {
  it("lists every form a credential could be printed in", () => {
    const secrets = mlflowSecretsIn(
      {
        MLFLOW_TRACKING_TOKEN: "tok-123",
        MLFLOW_TRACKING_USERNAME: "bot",
        MLFLOW_TRACKING_PASSWORD: "pw-456",
      },
      "https://user:p%40ss@mlflow.example",
    );

    expect(secrets).toEqual(
      expect.arrayContaining([
        "tok-123",
        "pw-456",
        base64("bot:pw-456"),
        "p%40ss",
        "p@ss",
        base64("user:p@ss"),
      ]),
    );
  });
});

describe("tagFilter", () => {
  it("matches every tag exactly, quoting keys that hold dots", () => {
    expect(
      tagFilter({ "mlflow.source.git.commit": "abc", "flowpush.part": "p" }),
    ).toBe(
      "tags.`mlflow.source.git.commit` = 'abc' and tags.`flowpush.part` = 'p'",
    );
  });

  it("refuses a value MLflow's filter grammar cannot quote", () => {
    expect(() => tagFilter({ "flowpush.flow": "it's" })).toThrow(
      /cannot search MLflow/,
    );
  });
});
