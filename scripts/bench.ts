/**
 * `pnpm bench`: effect-pusher, both lines (Effect 3 through `NodePusher.layer` of packages/platform-node, Effect 4
 * through that of packages/effect4/platform-node), against pusher@5.3.4, side by side on this machine, printed
 * as markdown tables of ratios.
 *
 * - trigger throughput, sequential and at concurrency 50 and 200 (plain, over `NodeHttpClient.layerUndici`, and
 *   with PusherBatching), against a local node:http server on 127.0.0.1 (a child process answering `{}`); each
 *   round of each client runs in its own child process, so CPU per request and heap belong to that client alone.
 *   pusher@5.3.4 and the Effect 3 line run on this Node (scripts/bench-trigger.ts); the Effect 4 line runs on
 *   Node 22, which `@effect/platform-node` 4.1 needs (packages/effect4/infra/bench/trigger.ts, where `effect`
 *   resolves to 4.1), and so does a second pusher@5.3.4 column, its baseline: each ratio is to pusher@5.3.4 on
 *   the same Node;
 * - `authorizeChannel` (private and presence) and webhook verify + decode, in CPU time, each line against
 *   pusher@5.3.4 in the same process (the Effect 3 line in this one, the Effect 4 line in a child process on
 *   Node 22): `BENCH_PURE_ROUNDS` (default 41) short rounds, each side once per round in alternating order, a
 *   minor GC before each measurement; the ratio is the median of the rounds' own ratios, with its interquartile
 *   range (scripts/bench-pure.ts).
 *
 * Trigger rounds alternate the order of the clients; every figure is the median of the rounds. Absolute rates
 * move with the machine's load: compare the ratios. `BENCH_ROUNDS` (default 3) and `BENCH_EVENTS`
 * (default 10,000) override the sizes; `pnpm bench pure` runs the in-process rows only. The Node 22 is the one
 * `node scripts/effect4.mjs node` names (`NODE22`, or .cache/node22).
 */
import { Pusher, Webhook } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { type ChildProcess, fork, spawnSync } from "node:child_process"
import { readFileSync, realpathSync } from "node:fs"
import { createRequire } from "node:module"
import * as Os from "node:os"
import { join, sep } from "node:path"
import { fileURLToPath } from "node:url"
import {
  caseNames,
  options,
  presence,
  pureCases,
  type PureResult,
  runPureCases,
  socketId,
  webhookBody,
  webhookHeaders
} from "./bench-pure.js"
import type { Phase, Settings, TriggerRound } from "./bench-round.js"
import { loop, median } from "./lib/measure.js"

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3)
const pureRounds = Number(process.env["BENCH_PURE_ROUNDS"] ?? 41)
const pureOnly = process.argv[2] === "pure"
const events = Number(process.env["BENCH_EVENTS"] ?? 10_000)
const concurrencies = [50, 200]
const sequentialEvents = Math.max(100, Math.round(events / 5))

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
const root = here("..")
const effect4Dir = join(root, "packages", "effect4")
const effect4Bench = join(effect4Dir, "infra", "bench")

/** Where a client's rounds run: this process's Node, or the Node 22 of the Effect 4 line. */
type Runtime = "this Node" | "Node 22"

interface TriggerVariant {
  /** The column's name. */
  readonly name: string
  /** The round script, and the key of its `variants`. */
  readonly script: string
  readonly variant: string
  readonly runtime: Runtime
}

const effect3Rounds = here("./bench-trigger.ts")
const effect4Rounds = join(effect4Bench, "trigger.ts")

/**
 * The trigger columns. Each `pusher@5.3.4` one is the baseline of the columns that run on its Node; a new column
 * is one more entry here and in the `variants` of its round script.
 */
const triggerVariants: ReadonlyArray<TriggerVariant> = [
  { name: "pusher@5.3.4", script: effect3Rounds, variant: "pusher@5.3.4", runtime: "this Node" },
  { name: "effect-pusher (Effect 3)", script: effect3Rounds, variant: "effect-pusher", runtime: "this Node" },
  {
    name: "effect-pusher (Effect 3) over NodeHttpClient.layerUndici",
    script: effect3Rounds,
    variant: "effect-pusher over NodeHttpClient.layerUndici",
    runtime: "this Node"
  },
  {
    name: "effect-pusher (Effect 3), batching on",
    script: effect3Rounds,
    variant: "effect-pusher, batching on",
    runtime: "this Node"
  },
  // The same client and round script as the first column, on the Node the Effect 4 line runs on: the Effect 4
  // columns' baseline, and what Node 22 alone is worth.
  { name: "pusher@5.3.4 (Node 22)", script: effect3Rounds, variant: "pusher@5.3.4", runtime: "Node 22" },
  ...[
    "effect-pusher (Effect 4)",
    "effect-pusher (Effect 4) over NodeHttpClient.layerUndici",
    "effect-pusher (Effect 4), batching on"
  ].map((name): TriggerVariant => ({ name, script: effect4Rounds, variant: name, runtime: "Node 22" }))
]

const once = <A>(child: ChildProcess, type: string): Promise<A> =>
  new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string }) => {
      if (message.type !== type) return
      child.off("message", onMessage)
      child.off("exit", onExit)
      resolve(message as A)
    }
    const onExit = (code: number | null) => reject(new Error(`${type}: the child process exited with ${code}`))
    child.on("message", onMessage)
    child.once("exit", onExit)
  })

const fail = (message: string): never => {
  console.error(`bench: ${message}`)
  process.exit(1)
}

// ---------------------------------------------------------------------------------------------------------
// The Effect 4 line's Node and packages
// ---------------------------------------------------------------------------------------------------------

/** The Node >= 22.19 of the Effect 4 line (scripts/effect4.mjs finds or installs it, or says why not). */
const findNode22 = (): string => {
  const run = spawnSync(process.execPath, [join(root, "scripts", "effect4.mjs"), "node"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"]
  })
  const lines = run.stdout.trim().split("\n")
  // What it said before the path (installing a Node 22 into .cache/node22, the first time).
  for (const line of lines.slice(0, -1)) console.error(line)
  if (run.status !== 0) return fail("no Node 22 for the Effect 4 line (see above)")
  return lines[lines.length - 1]!
}

/**
 * Refuses to run unless the Effect 4 rows would measure the Effect 4 line: `effect` 4.1 and packages/effect4's
 * sources, as resolved from packages/effect4/infra/bench (the child processes check it again, as they load).
 */
const checkEffect4 = (): string => {
  const require = createRequire(join(effect4Bench, "trigger.ts"))
  let effect: string
  try {
    effect = (JSON.parse(readFileSync(require.resolve("effect/package.json"), "utf8")) as { version: string })
      .version
  } catch {
    return fail("packages/effect4 has no `effect`: run `pnpm install` (it installs packages/effect4 too)")
  }
  if (!effect.startsWith("4.1.")) {
    fail(`packages/effect4 resolves effect ${effect}, not 4.1: is packages/effect4 installed?`)
  }
  for (const name of ["core", "platform-node"]) {
    const resolved = realpathSync(require.resolve(`@effect-pusher/${name}`))
    if (!resolved.startsWith(realpathSync(join(effect4Dir, name, "src")) + sep)) {
      fail(`@effect-pusher/${name} resolves to ${resolved} from packages/effect4, not its sources`)
    }
  }
  return effect
}

// ---------------------------------------------------------------------------------------------------------
// Trigger throughput
// ---------------------------------------------------------------------------------------------------------

const startServer = async () => {
  const server = fork(here("./bench-server.ts"), [], { execArgv: process.execArgv, stdio: "inherit" })
  const { port } = await once<{ port: number }>(server, "listening")
  return { server, port }
}

const runTriggerRound = async (
  server: Awaited<ReturnType<typeof startServer>>,
  variant: TriggerVariant,
  node22: string
): Promise<TriggerRound> => {
  const settings: Settings = {
    variant: variant.variant,
    port: server.port,
    warmup: 500,
    sequential: sequentialEvents,
    concurrent: events,
    concurrencies
  }
  const child = fork(variant.script, [JSON.stringify(settings)], {
    // tsx's loader and the source condition (this process's flags) work on both Nodes.
    execPath: variant.runtime === "Node 22" ? node22 : process.execPath,
    execArgv: [...process.execArgv, "--expose-gc"],
    stdio: "inherit"
  })
  const { round } = await once<{ round: TriggerRound }>(child, "round")
  await new Promise((resolve) => child.once("exit", resolve))
  return round
}

// ---------------------------------------------------------------------------------------------------------
// Authorization and webhooks (no I/O)
// ---------------------------------------------------------------------------------------------------------

interface PureRun {
  readonly line: string
  readonly node: string
  readonly effect: string
  readonly results: ReadonlyArray<PureResult>
}

/** The Effect 3 line's, in this process. */
const runPureEffect3 = async (): Promise<PureRun> => {
  const pure = ManagedRuntime.make(NodePusher.layerWithoutHttpClient(options))
  const cases = pureCases({
    authorizePrivate: (n) => pure.runPromise(loop(n, () => Pusher.authorizeChannel(socketId, "private-orders"))),
    authorizePresence: (n) =>
      pure.runPromise(loop(n, () => Pusher.authorizeChannel(socketId, "presence-lobby", presence))),
    verifyWebhook: (n) => pure.runPromise(loop(n, () => Webhook.verify({ headers: webhookHeaders, body: webhookBody })))
  })
  const results = await runPureCases(cases, pureRounds)
  await pure.dispose()
  const effect = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve("effect/package.json"), "utf8")) as {
    version: string
  }).version
  return { line: "Effect 3", node: process.version, effect, results }
}

/** The Effect 4 line's, in a child process on Node 22, with its own pusher@5.3.4 baseline. */
const runPureEffect4 = async (node22: string): Promise<PureRun> => {
  const child = fork(join(effect4Bench, "pure.ts"), [String(pureRounds)], {
    execPath: node22,
    execArgv: process.execArgv,
    stdio: "inherit"
  })
  const { pure } = await once<{ pure: Omit<PureRun, "line"> }>(child, "pure")
  await new Promise((resolve) => child.once("exit", resolve))
  return { line: "Effect 4", ...pure }
}

const quantile = (values: ReadonlyArray<number>, q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

const pureTable = (runs: ReadonlyArray<PureRun>): Array<string> => {
  const lines = [
    `| measure (median of ${pureRounds} interleaved rounds) | line (Node) | pusher@5.3.4 | effect-pusher | ` +
    "ratio (interquartile range) |",
    "|---|---|---:|---:|---|"
  ]
  caseNames.forEach((name, i) => {
    for (const run of runs) {
      const { official, ours } = run.results[i]!
      // Each round's own ratio: the two sides of a round ran back to back, in one process, under the same load.
      const ratios = ours.map((o, r) => o / official[r]!)
      lines.push(
        `| ${name} | ${run.line} (${run.node}) | ${int(median(official))} | ${int(median(ours))} | ` +
          `**${median(ratios).toFixed(2)}×** (${quantile(ratios, 0.25).toFixed(2)}–${
            quantile(ratios, 0.75).toFixed(2)
          }) |`
      )
    }
  })
  return lines
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------

const rate = (phase: Phase) => phase.events / (phase.wallMs / 1000)
const cpuPerEvent = (phase: Phase) => phase.cpuMicros / phase.events
const int = (n: number) => Math.round(n).toLocaleString("en-US")
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`
const ratio = (ours: number, theirs: number) => `**${(ours / theirs).toFixed(2)}×**`
const loadAverage = () => Os.loadavg().map((n) => n.toFixed(1)).join(" ")

/**
 * The ratio columns: each divides the columns of one group by its baseline, pusher@5.3.4 on the same Node (the
 * Node 22 pusher column by the first: what Node 22 alone is worth to the official library).
 */
const ratioColumns = (() => {
  const index = (name: string) => triggerVariants.findIndex((v) => v.name === name)
  const group = (from: number, to: number) => triggerVariants.map((_, i) => i).filter((i) => i >= from && i <= to)
  const node22Baseline = index("pusher@5.3.4 (Node 22)")
  return [
    { title: "Effect 3 ÷ pusher@5.3.4", baseline: 0, columns: group(1, node22Baseline - 1) },
    { title: "pusher@5.3.4 (Node 22) ÷ pusher@5.3.4", baseline: 0, columns: [node22Baseline] },
    {
      title: "Effect 4 ÷ pusher@5.3.4 (Node 22)",
      baseline: node22Baseline,
      columns: group(node22Baseline + 1, triggerVariants.length - 1)
    }
  ]
})()

const main = async () => {
  const started = performance.now()
  const effect4 = checkEffect4()
  const node22 = findNode22()
  const footer = (what: string) =>
    `\n${what}, ${((performance.now() - started) / 1000).toFixed(0)} s, load ${loadAverage()}. This Node ` +
    `${process.version}, the Effect 4 line's ${spawnSync(node22, ["--version"], { encoding: "utf8" }).stdout.trim()} ` +
    `(effect ${effect4}).`
  if (pureOnly) {
    console.error(`effect-pusher bench, in-process rows: ${pureRounds} rounds, both lines`)
    const pure = [await runPureEffect3(), await runPureEffect4(node22)]
    console.log(pureTable(pure).join("\n"))
    console.error(footer("In-process rows"))
    return
  }
  console.error(
    `effect-pusher bench: ${rounds} rounds, ${events} events at concurrency ${concurrencies.join(" and ")}, ` +
      `${triggerVariants.length} clients`
  )
  const server = await startServer()
  const trigger = triggerVariants.map((): Array<TriggerRound> => [])
  const indices = triggerVariants.map((_, i) => i)
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? indices : [...indices].reverse()
    for (const i of order) {
      const variant = triggerVariants[i]!
      const result = await runTriggerRound(server, variant, node22)
      trigger[i]!.push(result)
      console.error(
        `  round ${r + 1} ${variant.name} (${result.node}): ` +
          concurrencies.map((c, k) => `${int(rate(result.concurrent[k]!))} events/s at ${c}`).join(", ") +
          `, ${int(rate(result.sequential))} sequential`
      )
    }
  }
  server.server.disconnect()

  const pure = [await runPureEffect3(), await runPureEffect4(node22)]

  const med = (results: ReadonlyArray<TriggerRound>, f: (r: TriggerRound) => number) => median(results.map(f))
  const lines: Array<string> = []
  lines.push(
    `| measure (median of ${rounds} rounds) | ${triggerVariants.map((v) => v.name).join(" | ")} | ` +
      `${ratioColumns.map((c) => c.title).join(" | ")} |`
  )
  lines.push(`|---|${triggerVariants.map(() => "---:").join("|")}|${ratioColumns.map(() => "---").join("|")}|`)
  const empty = ratioColumns.map(() => " |").join("")
  const describe = (label: string, f: (r: TriggerRound) => string) => {
    lines.push(
      `| ${label} | ${trigger.map((results) => [...new Set(results.map(f))].join(", ")).join(" | ")} |${empty}`
    )
  }
  describe("Node", (r) => r.node)
  describe("effect", (r) => r.effect ?? "–")
  const row = (label: string, f: (r: TriggerRound) => number, format: (n: number) => string, higher: boolean) => {
    const values = trigger.map((results) => med(results, f))
    const ratios = ratioColumns.map(({ baseline, columns }) =>
      columns.map((i) =>
        higher ? ratio(values[i]!, values[baseline]!) : `${(values[i]! / values[baseline]!).toFixed(2)}×`
      )
        .join(", ")
    )
    lines.push(`| ${label} | ${values.map(format).join(" | ")} | ${ratios.join(" | ")} |`)
  }
  row(`trigger, sequential (events/s, ${int(sequentialEvents)} events)`, (r) => rate(r.sequential), int, true)
  concurrencies.forEach((c, i) => {
    row(`trigger, concurrency ${c} (events/s, ${int(events)} events)`, (r) => rate(r.concurrent[i]!), int, true)
  })
  concurrencies.forEach((c, i) => {
    row(`client CPU per event, concurrency ${c} (µs)`, (r) => cpuPerEvent(r.concurrent[i]!), int, false)
  })
  row(`client CPU per event, sequential (µs)`, (r) => cpuPerEvent(r.sequential), int, false)
  concurrencies.forEach((c, i) => {
    const phase = (r: TriggerRound) => r.concurrent[i]!
    row(
      `HTTP requests per event, concurrency ${c}`,
      (r) => phase(r).requests / phase(r).events,
      (n) => n.toFixed(2),
      false
    )
  })
  row("heap used after the run", (r) => r.heapAfterRun, mb, false)
  row("heap retained after GC", (r) => r.heapRetained, mb, false)
  lines.push("")
  lines.push(...pureTable(pure))
  console.log(lines.join("\n"))
  console.error(
    footer(`${rounds} rounds`) +
      " Ratios are effect-pusher ÷ pusher@5.3.4 on the same Node, and pusher@5.3.4 on Node 22 ÷ on this Node, " +
      "in column order (for CPU and heap, lower is better)."
  )
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
