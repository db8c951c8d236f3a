/**
 * One round of the trigger benchmark for one client, in its own process (so that heap and CPU figures
 * belong to that client alone): a warm-up, `sequential` triggers one after another, then `concurrent`
 * triggers with `concurrency` in flight. Started by bench.ts with the variant, port and counts as
 * arguments; sends back a `TriggerRound` over IPC.
 */
import { Pusher, PusherBatching } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Http from "node:http"
import OfficialPusher from "pusher"

/** What one round measured; times in milliseconds, CPU in microseconds. */
export interface TriggerRound {
  readonly variant: string
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
type Run = (count: number, concurrency: number) => Promise<void>

const credentials = { appId: "1", key: "bench-key", secret: "bench-secret" }
const channel = "bench-channel"
const event = "bench-event"
const payload = (i: number) => ({ message: "hello from the benchmark", i })

const official = (port: number): Run => {
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

const effect = (layer: Layer.Layer<NodePusher.Services, unknown>): Run => {
  const runtime = ManagedRuntime.make(layer)
  return (count, concurrency) =>
    runtime.runPromise(
      Effect.forEach(
        Array.from({ length: count }, (_, i) => i),
        (i) => Pusher.trigger(channel, event, payload(i)),
        { concurrency, discard: true }
      )
    )
}

const ourOptions = (port: number) => ({ ...credentials, host: "127.0.0.1", port, useTLS: false })

/**
 * The clients compared. A new row is one more entry here and in bench.ts's `variants` list (for example
 * "effect-pusher + batching", with the batching layer provided over `NodePusher.layer`).
 */
export const variants: Record<string, (port: number) => Run> = {
  "pusher@5.3.4": official,
  "effect-pusher": (port) => effect(NodePusher.layer(ourOptions(port))),
  // The stock client of @effect/platform-node in place of the lean one: what the lean client is worth.
  "effect-pusher over NodeHttpClient.layerUndici": (port) =>
    effect(Layer.merge(NodePusher.layerWithoutHttpClient(ourOptions(port)), NodeHttpClient.layerUndici)),
  "effect-pusher, batching on": (port) =>
    effect(PusherBatching.layer().pipe(Layer.provideMerge(NodePusher.layer(ourOptions(port)))))
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

const main = async (settings: Settings): Promise<TriggerRound> => {
  const make = variants[settings.variant]
  if (make === undefined) throw new Error(`unknown variant ${settings.variant}`)
  const run = make(settings.port)
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
  return { variant: settings.variant, sequential, concurrent, heapAfterRun, heapRetained }
}

if (process.send !== undefined && process.argv[2] !== undefined) {
  const settings = JSON.parse(process.argv[2]) as Settings
  main(settings).then(
    (round) => process.send!({ type: "round", round }, () => process.exit(0)),
    (error) => {
      console.error(error)
      process.exit(1)
    }
  )
}
