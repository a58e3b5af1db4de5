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
