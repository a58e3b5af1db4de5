import { createServer, type AddressInfo } from "node:net";

import { stackEnv } from "./stack.js";

/**
 * The MLflow tracking server of the local stack. FLOWPUSH_MLFLOW_URI in the
 * process environment wins, to point the tests at another server.
 */
export const MLFLOW_URL = (() => {
  const url = process.env.FLOWPUSH_MLFLOW_URI || stackEnv().FLOWPUSH_MLFLOW_URI;
  if (!url) {
    throw new Error(
      "the stack has no MLflow server: run scripts/stack/up.sh, or set FLOWPUSH_MLFLOW_URI",
    );
  }
  return url;
})();

/**
 * An address where nothing listens: a port the system just handed out and
 * took back. Node's fetch refuses some well-known ports outright ("bad
 * port"), which would test that refusal instead of an unreachable server.
 */
export async function nowhere(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${port}`;
}
