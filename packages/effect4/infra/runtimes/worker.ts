// The Effect 4 smoke program as a Cloudflare Worker (workerd, no nodejs_compat): every request answers the checks.
import type { Params } from "../../../../scripts/runtimes/params.js"
import { run } from "./smoke.js"

// Replaced by esbuild's `define` with the driver's parameters.
declare const SMOKE_PARAMS: Params

export default {
  fetch: async (): Promise<Response> => Response.json(await run(SMOKE_PARAMS))
}
