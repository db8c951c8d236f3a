/**
 * One round of `pnpm bench`'s trigger measurement, for one client, in its own process (so that heap and CPU
 * figures belong to that client alone): a warm-up, `sequential` triggers one after another, then `concurrent`
 * triggers at each concurrency. Effect-free, so that both lines' round scripts share it: scripts/bench-trigger.ts
 * (pusher@5.3.4 and the Effect 3 line) and packages/effect4/infra/bench/trigger.ts (the Effect 4 line, on
 * Node 22, where `effect` resolves to packages/effect4's). Each is started by bench.ts with the settings as
 * argument and sends back a `TriggerRound` over IPC.
 */
import { readFileSync } from "node:fs"
import * as Http from "node:http"
import { createRequire } from "node:module"
import OfficialPusher from "pusher"

/** What one round measured; times in milliseconds, CPU in microseconds. */
export interface TriggerRound {
  readonly variant: string
  /** `process.version` of the process that ran the round. */
  readonly node: string
  /** The `effect` version the round's process loaded, when it loaded one for the client measured. */
  readonly effect: string | undefined
  readonly sequential: Phase
  /** One phase per concurrency of `Settings.concurrencies`, in that order. */
  readonly concurrent: ReadonlyArray<Phase>
  /** `heapUsed` right after the concurrent phase, garbage included. */
  readonly heapAfterRun: number
  /** `heapUsed` after a full GC: what the client retains. */
  readonly heapRetained: number
}

/** @internal */
export interface Phase {
  readonly events: number
  readonly wallMs: number
  readonly cpuMicros: number
  /** HTTP requests the server received during the phase. */
  readonly requests: number
}

/** @internal */
export interface Settings {
  readonly variant: string
  readonly port: number
  readonly warmup: number
  readonly sequential: number
  readonly concurrent: number
  readonly concurrencies: ReadonlyArray<number>
}

/** Sends `count` triggers, `concurrency` at a time. */
export type Run = (count: number, concurrency: number) => Promise<void>

/** A client of the benchmark: its runner for a server's port, and the `effect` version it runs on. */
export interface Variant {
  readonly make: (port: number) => Run
  readonly effect: string | undefined
}

export const credentials = { appId: "1", key: "bench-key", secret: "bench-secret" }
export const channel = "bench-channel"
export const event = "bench-event"
export const payload = (i: number) => ({ message: "hello from the benchmark", i })

/** The options of effect-pusher (either line) for the benchmark's server. */
export const ourOptions = (port: number) => ({ ...credentials, host: "127.0.0.1", port, useTLS: false })

/** The version of the `effect` that Node resolves from a module (its `import.meta.url`). */
export const effectVersionFrom = (url: string): string => {
  const manifest = createRequire(url).resolve("effect/package.json")
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version
}

/** pusher@5.3.4, the baseline. */
export const official = (port: number): Run => {
  // A fair user of pusher@5.3.4 passes a keep-alive agent; its default is no timeout (effect-pusher's is 10 s).
  const agent = new Http.Agent({ keepAlive: true })
  const pusher = new OfficialPusher({ ...credentials, host: "127.0.0.1", port: String(port), useTLS: false, agent })
  return async (count, concurrency) => {
    let next = 0
    const worker = async () => {
      while (next < count) {
        const i = next++
        // As a typical user: the answer's body is not read (effect-pusher reads and decodes it).
        await pusher.trigger(channel, event, payload(i))
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  }
}

const serverRequests = async (port: number): Promise<number> =>
  Number(await (await fetch(`http://127.0.0.1:${port}/__requests`)).text())

const measure = async (run: Run, port: number, events: number, concurrency: number): Promise<Phase> => {
  const before = await serverRequests(port)
  const cpu = process.cpuUsage()
  const start = performance.now()
  await run(events, concurrency)
  const wallMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { events, wallMs, cpuMicros: used.user + used.system, requests: await serverRequests(port) - before }
}

const round = async (variants: Record<string, Variant>, settings: Settings): Promise<TriggerRound> => {
  const variant = variants[settings.variant]
  if (variant === undefined) throw new Error(`unknown variant ${settings.variant}`)
  const run = variant.make(settings.port)
  await run(settings.warmup, settings.concurrencies[0]!)
  await run(Math.min(200, settings.warmup), 1)
  const sequential = await measure(run, settings.port, settings.sequential, 1)
  const concurrent: Array<Phase> = []
  for (const concurrency of settings.concurrencies) {
    concurrent.push(await measure(run, settings.port, settings.concurrent, concurrency))
  }
  const heapAfterRun = process.memoryUsage().heapUsed
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const heapRetained = process.memoryUsage().heapUsed
  return {
    variant: settings.variant,
    node: process.version,
    effect: variant.effect,
    sequential,
    concurrent,
    heapAfterRun,
    heapRetained
  }
}

/** Runs the round bench.ts asked for (settings as the first argument) and sends it back over IPC. */
export const serveRound = (variants: Record<string, Variant>): void => {
  if (process.send === undefined || process.argv[2] === undefined) return
  const settings = JSON.parse(process.argv[2]) as Settings
  round(variants, settings).then(
    (result) => process.send!({ type: "round", round: result }, () => process.exit(0)),
    (error) => {
      console.error(error)
      process.exit(1)
    }
  )
}
