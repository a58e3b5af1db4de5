// Bundles the GitHub Action and the Azure DevOps task: each is one ESM file
// with its dependencies inside, since neither platform runs npm install.
// The Action's bundle is committed (GitHub runs it straight from the
// repository); `npm test` rebuilds it and fails if the committed one differs.
import { writeFile } from "node:fs/promises";

import { build } from "esbuild";

// Bundled CommonJS packages (dockerode, the Azure task library) use
// require() and __dirname; an ES module has neither unless it makes them.
const banner = {
  js: [
    'import { createRequire as flowpushCreateRequire } from "node:module";',
    'import { fileURLToPath as flowpushFileURLToPath } from "node:url";',
    'import { dirname as flowpushDirname } from "node:path";',
    "const require = flowpushCreateRequire(import.meta.url);",
    "const __filename = flowpushFileURLToPath(import.meta.url);",
    "const __dirname = flowpushDirname(__filename);",
  ].join("\n"),
};

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner,
  legalComments: "none",
  logLevel: "warning",
  // Optional native speedups of ssh2 that dockerode never needs here.
  external: ["cpu-features", "./crypto/build/Release/sshcrypto.node"],
};

const [, , which = "all", outRoot = "."] = process.argv;

if (which === "all" || which === "action") {
  await build({
    ...common,
    entryPoints: ["src/platforms/github/action.ts"],
    outfile: `${outRoot}/dist/action/index.mjs`,
  });
}
// Azure's Node handler runs the task as CommonJS: import.meta.url, which
// the code uses to find its templates, becomes the file's own URL.
if (which === "all" || which === "azure") {
  await build({
    ...common,
    format: "cjs",
    banner: {
      js: 'const flowpushImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
    },
    define: { "import.meta.url": "flowpushImportMetaUrl" },
    entryPoints: ["src/platforms/azure/task.ts"],
    outfile: `${outRoot}/build/azure-task/index.js`,
  });
  // The repository's package.json says "module"; the task's folder says
  // otherwise, as the packaged extension's does.
  await writeFile(
    `${outRoot}/build/azure-task/package.json`,
    '{ "type": "commonjs" }\n',
  );
}
