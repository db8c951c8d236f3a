/**
 * The in-process rows of `pnpm bench` (`authorizeChannel` private and presence, webhook verify + decode) as
 * an Effect-free harness, so that both lines measure the same way against their own pusher@5.3.4 in the same
 * process: bench.ts runs the Effect 3 line's in its own process, packages/effect4/infra/bench/pure.ts the
 * Effect 4 line's in a child process on Node 22. Each case gives the official call and effect-pusher's.
 *
 * CPU time, `rounds` short rounds, each side once per round in alternating order, a minor GC before each
 * measurement; bench.ts reports the median of the rounds' own ratios with its interquartile range.
 */
import * as V8 from "node:v8"
import * as Vm from "node:vm"
import OfficialPusher from "pusher"
import { signedWebhookHeaders } from "../packages/core/test/utils/signedWebhook.js"

export const credentials = { appId: "1", key: "bench-key", secret: "bench-secret" }
/** The options of both libraries for the in-process rows (no request is sent). */
export const options = { ...credentials, host: "127.0.0.1" }

export const socketId = "1234.5678"
export const presence = { user_id: "ada", user_info: { name: "Ada Lovelace" } }
export const webhookBody = JSON.stringify({
  time_ms: 1_700_000_000_000,
  events: [
    { name: "channel_occupied", channel: "presence-lobby" },
    { name: "member_added", channel: "presence-lobby", user_id: "ada" }
  ]
})
export const webhookHeaders = signedWebhookHeaders(webhookBody, credentials)

export interface PureCase {
  readonly name: string
  readonly iterations: number
  readonly official: (n: number) => void
  readonly ours: (n: number) => Promise<void>
}

/** effect-pusher's side of each case: runs the operation n times in one Effect program. */
export interface Ours {
  readonly authorizePrivate: (n: number) => Promise<void>
  readonly authorizePresence: (n: number) => Promise<void>
  readonly verifyWebhook: (n: number) => Promise<void>
}

/** The cases' names, in the table's order. */
export const caseNames = [
  "authorizeChannel private (ops per CPU-second)",
  "authorizeChannel presence (ops per CPU-second)",
  "webhook verify + decode (ops per CPU-second)"
] as const

/** The cases, in the order of `caseNames`, with pusher@5.3.4's side and `ours`. */
export const pureCases = (ours: Ours): ReadonlyArray<PureCase> => {
  const official = new OfficialPusher(options)
  return [
    {
      name: caseNames[0],
      iterations: 5_000,
      official: (n) => {
        for (let i = 0; i < n; i++) official.authorizeChannel(socketId, "private-orders")
      },
      ours: ours.authorizePrivate
    },
    {
      name: caseNames[1],
      iterations: 4_000,
      official: (n) => {
        for (let i = 0; i < n; i++) official.authorizeChannel(socketId, "presence-lobby", presence)
      },
      ours: ours.authorizePresence
    },
    {
      name: caseNames[2],
      iterations: 3_000,
      official: (n) => {
        for (let i = 0; i < n; i++) {
          const webhook = official.webhook({ headers: webhookHeaders, rawBody: webhookBody })
          if (!webhook.isValid()) throw new Error("the benchmark's webhook does not verify")
          webhook.getEvents()
        }
      },
      ours: ours.verifyWebhook
    }
  ]
}

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

/** One case's measurements, one per round on each side. */
export interface PureResult {
  readonly official: Array<number>
  readonly ours: Array<number>
}

export const runPureCases = async (
  cases: ReadonlyArray<PureCase>,
  rounds: number
): Promise<ReadonlyArray<PureResult>> => {
  // Warm both sides up before the measured rounds.
  for (const c of cases) {
    c.official(5_000)
    await c.ours(5_000)
  }
  const results = cases.map((): PureResult => ({ official: [], ours: [] }))
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!
      if (r % 2 === 0) {
        results[i]!.official.push(await opsPerCpuSecond(c.iterations, c.official))
        results[i]!.ours.push(await opsPerCpuSecond(c.iterations, c.ours))
      } else {
        results[i]!.ours.push(await opsPerCpuSecond(c.iterations, c.ours))
        results[i]!.official.push(await opsPerCpuSecond(c.iterations, c.official))
      }
    }
  }
  return results
}
