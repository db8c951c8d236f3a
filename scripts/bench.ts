/**
 * `pnpm bench`: effect-pusher (through `NodePusher.layer`) against pusher@5.3.4, side by side on this
 * machine, printed as a markdown table of ratios.
 *
 * - trigger throughput, sequential and at concurrency 50 and 200 (plain and with PusherBatching), against a local node:http server on 127.0.0.1
 *   (a child process answering `{}`); each round of each client runs in its own child process, so CPU
 *   per request and heap belong to that client alone;
 * - `authorizeChannel` (private and presence) and webhook verify + decode, in this process, in CPU time:
 *   `BENCH_PURE_ROUNDS` (default 41) short rounds, each side once per round in alternating order, a minor GC
 *   before each measurement; the ratio is the median of the rounds' own ratios, with its interquartile range.
 *
 * Trigger rounds alternate which library goes first; every figure is the median of the rounds. Absolute rates
 * move with the machine's load: compare the ratios. `BENCH_ROUNDS` (default 3) and `BENCH_EVENTS`
 * (default 10,000) override the sizes; `pnpm bench pure` runs the in-process rows only.
 */
import { Pusher, Webhook } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { type ChildProcess, fork } from "node:child_process"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"
import * as V8 from "node:v8"
import * as Vm from "node:vm"
import OfficialPusher from "pusher"
import { signedWebhookHeaders } from "../packages/core/test/utils/signedWebhook.js"
import type { Phase, Settings, TriggerRound } from "./bench-trigger.js"
import { loop, median } from "./lib/measure.js"

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 3)
const pureRounds = Number(process.env["BENCH_PURE_ROUNDS"] ?? 41)
const pureOnly = process.argv[2] === "pure"
const events = Number(process.env["BENCH_EVENTS"] ?? 10_000)
const concurrencies = [50, 200]
const sequentialEvents = Math.max(100, Math.round(events / 5))

/**
 * The trigger rows; names are keys of `variants` in bench-trigger.ts, and the first is the baseline that
 * the others are divided by. A "batching on" row is one more name here and one more entry there.
 */
const triggerVariants = [
  "pusher@5.3.4",
  "effect-pusher",
  "effect-pusher over NodeHttpClient.layerUndici",
  "effect-pusher, batching on"
]

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

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

// ---------------------------------------------------------------------------------------------------------
// Trigger throughput
// ---------------------------------------------------------------------------------------------------------

const startServer = async () => {
  const server = fork(here("./bench-server.ts"), [], { execArgv: process.execArgv, stdio: "inherit" })
  const { port } = await once<{ port: number }>(server, "listening")
  return { server, port }
}

type TriggerResult = TriggerRound

const runTriggerRound = async (
  server: Awaited<ReturnType<typeof startServer>>,
  variant: string
): Promise<TriggerResult> => {
  const settings: Settings = {
    variant,
    port: server.port,
    warmup: 500,
    sequential: sequentialEvents,
    concurrent: events,
    concurrencies
  }
  const child = fork(here("./bench-trigger.ts"), [JSON.stringify(settings)], {
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

const credentials = { appId: "1", key: "bench-key", secret: "bench-secret" }
const official = new OfficialPusher({ ...credentials, host: "127.0.0.1" })
const pure = ManagedRuntime.make(NodePusher.layerWithoutHttpClient({ ...credentials, host: "127.0.0.1" }))

const socketId = "1234.5678"
const presence = { user_id: "ada", user_info: { name: "Ada Lovelace" } }
const webhookBody = JSON.stringify({
  time_ms: 1_700_000_000_000,
  events: [
    { name: "channel_occupied", channel: "presence-lobby" },
    { name: "member_added", channel: "presence-lobby", user_id: "ada" }
  ]
})
const webhookHeaders = signedWebhookHeaders(webhookBody, credentials)

interface PureCase {
  readonly name: string
  readonly iterations: number
  readonly official: (n: number) => void
  readonly ours: (n: number) => Promise<void>
}

const pureCases: ReadonlyArray<PureCase> = [
  {
    name: "authorizeChannel private (ops per CPU-second)",
    iterations: 5_000,
    official: (n) => {
      for (let i = 0; i < n; i++) official.authorizeChannel(socketId, "private-orders")
    },
    ours: (n) => pure.runPromise(loop(n, () => Pusher.authorizeChannel(socketId, "private-orders")))
  },
  {
    name: "authorizeChannel presence (ops per CPU-second)",
    iterations: 4_000,
    official: (n) => {
      for (let i = 0; i < n; i++) official.authorizeChannel(socketId, "presence-lobby", presence)
    },
    ours: (n) => pure.runPromise(loop(n, () => Pusher.authorizeChannel(socketId, "presence-lobby", presence)))
  },
  {
    name: "webhook verify + decode (ops per CPU-second)",
    iterations: 3_000,
    official: (n) => {
      for (let i = 0; i < n; i++) {
        const webhook = official.webhook({ headers: webhookHeaders, rawBody: webhookBody })
        if (!webhook.isValid()) throw new Error("the benchmark's webhook does not verify")
        webhook.getEvents()
      }
    },
    ours: (n) => pure.runPromise(loop(n, () => Webhook.verify({ headers: webhookHeaders, body: webhookBody })))
  }
]

// A minor GC before each measurement: each side then pays for its own garbage, not for the other's. (A full
// GC would leave concurrent sweeping on other threads, which `process.cpuUsage` counts in the next round.)
V8.setFlagsFromString("--expose-gc")
const collectGarbage: (options: { readonly type: "minor" }) => void = Vm.runInNewContext("gc")

/**
 * Operations per CPU-second (user + system, all threads of this process): unlike wall time, not moved by other
 * processes waiting for the same 2 CPUs, which made the ratio swing 0.9-1.3× from run to run.
 */
const opsPerCpuSecond = async (n: number, run: (n: number) => void | Promise<void>): Promise<number> => {
  collectGarbage({ type: "minor" })
  const start = process.cpuUsage()
  await run(n)
  const used = process.cpuUsage(start)
  return n / ((used.user + used.system) / 1e6)
}

interface PureResult {
  readonly official: Array<number>
  readonly ours: Array<number>
}

const runPureCases = async (): Promise<ReadonlyArray<PureResult>> => {
  // Warm both sides up before the measured rounds.
  for (const c of pureCases) {
    c.official(5_000)
    await c.ours(5_000)
  }
  const results = pureCases.map((): PureResult => ({ official: [], ours: [] }))
  for (let r = 0; r < pureRounds; r++) {
    for (let i = 0; i < pureCases.length; i++) {
      const c = pureCases[i]!
      if (r % 2 === 0) {
        results[i]!.official.push(await opsPerCpuSecond(c.iterations, c.official))
        results[i]!.ours.push(await opsPerCpuSecond(c.iterations, c.ours))
      } else {
        results[i]!.ours.push(await opsPerCpuSecond(c.iterations, c.ours))
        results[i]!.official.push(await opsPerCpuSecond(c.iterations, c.official))
      }
    }
  }
  await pure.dispose()
  return results
}

const quantile = (values: ReadonlyArray<number>, q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

const pureTable = (results: ReadonlyArray<PureResult>): Array<string> => {
  const lines = [
    `| measure (median of ${pureRounds} interleaved rounds) | pusher@5.3.4 | effect-pusher | ratio (interquartile range) |`,
    "|---|---:|---:|---|"
  ]
  pureCases.forEach((c, i) => {
    const { official, ours } = results[i]!
    // Each round's own ratio: the two sides of a round ran back to back, under the same load.
    const ratios = ours.map((o, r) => o / official[r]!)
    lines.push(
      `| ${c.name} | ${int(median(official))} | ${int(median(ours))} | **${median(ratios).toFixed(2)}×** ` +
        `(${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)}) |`
    )
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

const main = async () => {
  const started = performance.now()
  if (pureOnly) {
    console.error(`effect-pusher bench, in-process rows: ${pureRounds} rounds`)
    console.log(pureTable(await runPureCases()).join("\n"))
    console.error(
      `\nNode ${process.version}, ${((performance.now() - started) / 1000).toFixed(0)} s, load ${loadAverage()}.`
    )
    return
  }
  console.error(`effect-pusher bench: ${rounds} rounds, ${events} events at concurrency ${concurrencies.join(" and ")}`)
  const server = await startServer()
  const trigger: Record<string, Array<TriggerResult>> = Object.fromEntries(triggerVariants.map((v) => [v, []]))
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? triggerVariants : [...triggerVariants].reverse()
    for (const variant of order) {
      const result = await runTriggerRound(server, variant)
      trigger[variant]!.push(result)
      console.error(
        `  round ${r + 1} ${variant}: ` +
          concurrencies.map((c, i) => `${int(rate(result.concurrent[i]!))} events/s at ${c}`).join(", ") +
          `, ${int(rate(result.sequential))} sequential`
      )
    }
  }
  server.server.disconnect()

  const pureResults = await runPureCases()

  const baseline = trigger[triggerVariants[0]!]!
  const med = (results: ReadonlyArray<TriggerResult>, f: (r: TriggerResult) => number) => median(results.map(f))
  const lines: Array<string> = []
  lines.push(
    `| measure (median of ${rounds} rounds) | ${triggerVariants.join(" | ")} | ratios to ${triggerVariants[0]} |`
  )
  lines.push(`|---|${triggerVariants.map(() => "---:").join("|")}|---|`)
  const row = (label: string, f: (r: TriggerResult) => number, format: (n: number) => string, higher: boolean) => {
    const values = triggerVariants.map((v) => med(trigger[v]!, f))
    const base = values[0]!
    const ratios = values.slice(1).map((v) => higher ? ratio(v, base) : `${(v / base).toFixed(2)}×`)
    lines.push(`| ${label} | ${values.map(format).join(" | ")} | ${ratios.join(", ")} |`)
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
    const phase = (r: TriggerResult) => r.concurrent[i]!
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
  lines.push(...pureTable(pureResults))
  console.log(lines.join("\n"))
  console.error(
    `\nNode ${process.version}, ${baseline.length} rounds, ${((performance.now() - started) / 1000).toFixed(0)} s, ` +
      `load ${loadAverage()}. ` +
      "Ratios are effect-pusher ÷ pusher@5.3.4 (for CPU and heap, lower is better)."
  )
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
