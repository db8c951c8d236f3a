// The esbuild options of a Cloudflare Worker bundle: no Node built-ins (workerd without nodejs_compat), the
// workerd conditions, the sources of the workspace packages. `check:size` measures and `test:runtimes` runs
// bundles made with these same options, so the size figure describes the code the smoke test ran.
import type * as esbuild from "esbuild"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/** The repository's root: esbuild resolves and names its outputs from it, wherever the script runs. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

export const workerBundleOptions = {
  absWorkingDir: root,
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  conditions: ["@effect-pusher/source", "workerd", "worker", "browser"],
  target: "es2022",
  logLevel: "error"
} as const satisfies esbuild.BuildOptions
