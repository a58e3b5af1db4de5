#!/usr/bin/env bash
# Assembles the Azure DevOps extension in build/azure-extension: the
# manifest, task.json, the bundled task and the templates and runtime it
# builds images with. Publish it with Microsoft's tfx CLI:
#   npx tfx-cli extension create --root build/azure-extension
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# A bundle of its own: build/azure-task may be running in a test meanwhile.
bundle=$(mktemp -d)
trap 'rm -rf "$bundle"' EXIT
node scripts/bundle.mjs azure "$bundle"
out=build/azure-extension
rm -rf "$out"
mkdir -p "$out/task/runtime"
cp azure/vss-extension.json "$out/"
cp azure/task/task.json "$bundle/build/azure-task/index.js" \
  "$bundle/build/azure-task/package.json" "$out/task/"
cp -r templates "$out/task/"
cp -r runtime/pyproject.toml runtime/src "$out/task/runtime/"
find "$out" -name __pycache__ -prune -exec rm -rf {} +
echo "$out"
