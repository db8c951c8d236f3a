// The Effect 4 smoke program as a command, for Node, Bun and Deno: prints one JSON line with every check.
import type { Params } from "../../../../scripts/runtimes/params.js"
import { run } from "./smoke.js"

// Replaced by esbuild's `define` with the driver's parameters.
declare const SMOKE_PARAMS: Params

run(SMOKE_PARAMS).then((checks) => console.log(JSON.stringify(checks)))
