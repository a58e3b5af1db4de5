import { describe, expect, it } from "vitest";

import type {
  BulkResult,
  FlowRun,
  FlowRunBody,
  PrefectClient,
} from "../../src/clients/prefect.js";
import { silentLogger } from "../../src/log.js";
import { createRuns } from "../../src/run/create.js";

const TAGS = ["commit:abc", "grid:h"];

function bodies(count: number): FlowRunBody[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `p${index}`,
    parameters: {},
    tags: [...TAGS, `point:${index}`],
    idempotency_key: `key-${index}`,
    job_variables: {},
  }));
}

/** A server that holds runs in memory; `bulk` decides its bulk answers. */
function fakePrefect(options: {
  existing?: FlowRunBody[];
  bulk?: (chunk: FlowRunBody[], call: number) => BulkResult[] | undefined;
}) {
  const runs = new Map<string, FlowRun>();
  const sent: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let bulkCalls = 0;
  const store = (body: FlowRunBody) => {
    const run = {
      id: `id-${body.idempotency_key}`,
      name: body.name,
      tags: body.tags,
      idempotency_key: body.idempotency_key,
      parameters: {},
    } as unknown as FlowRun;
    runs.set(run.id, run);
    return run;
  };
  for (const body of options.existing ?? []) store(body);

  const client: Partial<PrefectClient> = {
    async filterAllFlowRuns(filter) {
      const ids = (filter as { flow_runs: { id?: { any_: string[] } } })
        .flow_runs.id?.any_;
      return [...runs.values()].filter((run) => !ids || ids.includes(run.id));
    },
    async createFlowRuns(_deployment, chunk) {
      bulkCalls += 1;
      const answer = options.bulk?.(chunk, bulkCalls);
      if (!answer) return undefined;
      chunk.forEach((body, at) => {
        if (answer[at]?.id) {
          sent.push(body.name);
          store(body);
        }
      });
      return answer.map((result, at) =>
        result.id
          ? { ...result, id: `id-${chunk[at]?.idempotency_key}` }
          : result,
      );
    },
    async createFlowRun(_deployment, body) {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      sent.push(body.name);
      return { run: store(body), created: true };
    },
  };
  return {
    client: client as PrefectClient,
    sent,
    mostInFlight: () => mostInFlight,
  };
}

const created = (chunk: FlowRunBody[]): BulkResult[] =>
  chunk.map(() => ({ id: "new", error: undefined }));

describe("createRuns", () => {
  it("sends only the runs whose keys the server has not seen", async () => {
    const all = bodies(5);
    const prefect = fakePrefect({ existing: all.slice(0, 3), bulk: created });

    const result = await createRuns(
      prefect.client,
      "d",
      all,
      TAGS,
      silentLogger,
    );

    expect(prefect.sent).toEqual(["p3", "p4"]);
    expect(result.map((r) => [r.run.name, r.created])).toEqual([
      ["p0", false],
      ["p1", false],
      ["p2", false],
      ["p3", true],
      ["p4", true],
    ]);
  });

  it("creates runs a few at a time on a server without the bulk endpoint", async () => {
    const prefect = fakePrefect({ bulk: () => undefined });

    const result = await createRuns(
      prefect.client,
      "d",
      bodies(40),
      TAGS,
      silentLogger,
    );

    expect(result).toHaveLength(40);
    expect(result.every((r) => r.created)).toBe(true);
    expect(prefect.mostInFlight()).toBeLessThanOrEqual(8);
    expect(prefect.mostInFlight()).toBeGreaterThan(1);
  });

  it("sends again the runs a bulk answer refused, and only those", async () => {
    const prefect = fakePrefect({
      bulk: (chunk, call) =>
        chunk.map((body) =>
          call === 1 && body.name === "p1"
            ? {
                id: undefined,
                error: "(sqlite3.OperationalError) database is locked",
              }
            : { id: "new", error: undefined },
        ),
    });

    const result = await createRuns(
      prefect.client,
      "d",
      bodies(3),
      TAGS,
      silentLogger,
    );

    expect(prefect.sent).toEqual(["p0", "p2", "p1"]);
    expect(result.map((r) => r.run.name)).toEqual(["p0", "p1", "p2"]);
  });
});
