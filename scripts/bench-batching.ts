/**
 * `pnpm bench:batching`: PusherBatching against plain triggers (and pusher@5.3.4 at 0 ms), over the bench
 * server (bench-server.ts, a child process) with its latency knob at 0, 50 and 200 ms; one channel, 8 and
 * 64 channels in a random mix; concurrency 50 and 200. Rows: events per second and HTTP requests per event.
 *
 * Every client runs in this process, one after the other, the order rotating from run to run (runs
 * interleaved); each figure is the median over `BENCH_RUNS` runs (default 5). Absolute rates move with the
 * machine's load: compare within a run; CPU µs per event (this process only, the server excluded) moves
 * less. `BENCH_EVENTS` (default 4,000) is the events per cell at 0 ms; with latency a cell is 8 round trips
 * of `concurrency` events (2 for the ordered rows, which are slower by design). `BENCH_LATENCIES`,
 * `BENCH_MIXES`, `BENCH_CONCURRENCIES` (comma-separated numbers) and `BENCH_CLIENTS` (names) pick a subset.
 *
 * Targets (issue 13): default mode at 0 ms ≥ 3.5× pusher@5.3.4's events/s and requests ≤ events/8; at 50
 * and 200 ms ≥ 0.95× plain triggers at the same concurrency. Ordered rows have no target.
 */
import { Pusher, PusherBatching } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { fork } from "node:child_process"
import * as Http from "node:http"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"
import OfficialPusher from "pusher"
import { median } from "./lib/measure.js"

const runs = Number(process.env["BENCH_RUNS"] ?? 5)
const events0 = Number(process.env["BENCH_EVENTS"] ?? 4000)
// A subset, for profiling one cell: e.g. `BENCH_LATENCIES=0 BENCH_MIXES=64 BENCH_CLIENTS=batching`.
const list = (name: string, all: ReadonlyArray<number>): ReadonlyArray<number> =>
  process.env[name] === undefined ? all : process.env[name].split(",").map(Number)
const latencies = list("BENCH_LATENCIES", [0, 50, 200])
const concurrencies = list("BENCH_CONCURRENCIES", [50, 200])
const mixes = list("BENCH_MIXES", [1, 8, 64])

const credentials = { appId: "1", key: "bench-key", secret: "bench-secret" }
const payload = (i: number) => ({ message: "hello from the benchmark", i })

/** Channel of event `i` for a mix of `channels`: a fixed pseudo-random sequence (the same for every client). */
const channelsFor = (channels: number, count: number): Array<string> => {
  let seed = 12345
  return Array.from({ length: count }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return `bench-${seed % channels}`
  })
}

type Run = (channels: ReadonlyArray<string>, concurrency: number) => Promise<void>

const official = (port: number): Run => {
  const agent = new Http.Agent({ keepAlive: true })
  const pusher = new OfficialPusher({ ...credentials, host: "127.0.0.1", port: String(port), useTLS: false, agent })
  return async (channels, concurrency) => {
    let next = 0
    const worker = async () => {
      while (next < channels.length) {
        const i = next++
        await pusher.trigger(channels[i]!, "bench-event", payload(i))
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, channels.length) }, worker))
  }
}

const effect = (layer: Layer.Layer<NodePusher.Services, unknown>): Run => {
  const runtime = ManagedRuntime.make(layer)
  return (channels, concurrency) =>
    runtime.runPromise(
      Effect.forEach(channels, (channel, i) => Pusher.trigger(channel, "bench-event", payload(i)), {
        concurrency,
        discard: true
      })
    )
}

const ours = (port: number) => NodePusher.layer({ ...credentials, host: "127.0.0.1", port, useTLS: false })

const allVariants: Record<string, (port: number) => Run> = {
  "pusher@5.3.4": official,
  "plain": (port) => effect(ours(port)),
  "batching": (port) => effect(PusherBatching.layer().pipe(Layer.provideMerge(ours(port)))),
  "batching perChannel": (port) =>
    effect(PusherBatching.layer({ ordering: "perChannel" }).pipe(Layer.provideMerge(ours(port))))
}

const chosen = process.env["BENCH_CLIENTS"]?.split(",")
const variants = Object.fromEntries(
  Object.entries(allVariants).filter(([name]) => chosen === undefined || chosen.includes(name))
)

const main = async () => {
  const server = fork(fileURLToPath(new URL("./bench-server.ts", import.meta.url)), ["0"], {
    execArgv: process.execArgv,
    stdio: "inherit"
  })
  const port = await new Promise<number>((resolve) =>
    server.on("message", (message: { type?: string; port?: number }) => {
      if (message.type === "listening") resolve(message.port ?? 0)
    })
  )
  const ask = async (path: string) => Number(await (await fetch(`http://127.0.0.1:${port}${path}`)).text())
  const clients = Object.fromEntries(Object.entries(variants).map(([name, make]) => [name, make(port)]))
  const names = Object.keys(clients)
  // Warm-up: every client, every concurrency, a full cell's events. After a warm-up of one cell, the first
  // timed rounds of the batcher spent 1.3–2.4× the CPU per event of later ones (JIT and heap still settling;
  // shared 2-CPU machine, load 15–17), and the first cells of the table (one channel, at 0 ms) had the lowest
  // ratios to pusher@5.3.4.
  for (const name of names) {
    for (const concurrency of concurrencies) await clients[name]!(channelsFor(8, events0), concurrency)
  }

  // key → samples of [events/s, requests/event, client CPU µs/event]
  const samples = new Map<string, Array<readonly [number, number, number]>>()
  const load: Array<number> = []
  for (let run = 0; run < runs; run++) {
    load.push(Os.loadavg()[0]!)
    for (const latency of latencies) {
      await ask(`/__latency?ms=${latency}`)
      for (const mix of mixes) {
        for (const concurrency of concurrencies) {
          for (let k = 0; k < names.length; k++) {
            const name = names[(k + run) % names.length]!
            if (latency > 0 && name === "pusher@5.3.4") continue
            const count = latency === 0
              ? events0
              : concurrency * (name === "batching perChannel" ? 2 : 8)
            const channels = channelsFor(mix, count)
            const before = await ask("/__requests")
            const cpu = process.cpuUsage()
            const start = performance.now()
            await clients[name]!(channels, concurrency)
            const seconds = (performance.now() - start) / 1000
            const used = process.cpuUsage(cpu)
            const requests = await ask("/__requests") - before
            const key = `${latency}|${mix}|${concurrency}|${name}`
            samples.set(key, [...(samples.get(key) ?? []), [
              count / seconds,
              requests / count,
              (used.user + used.system) / count
            ]])
          }
        }
      }
    }
    process.stderr.write(`run ${run + 1}/${runs} done\n`)
  }
  server.kill()

  const cell = (key: string) => {
    const values = samples.get(key) ?? []
    return {
      rate: median(values.map((v) => v[0])),
      perEvent: median(values.map((v) => v[1])),
      cpu: median(values.map((v) => v[2]))
    }
  }
  console.log(
    `\nBatching: median of ${runs} interleaved runs; ${Os.cpus().length} CPUs, 1-min load average ${
      load.map((l) => l.toFixed(1)).join(", ")
    } at the start of each run.\n`
  )
  console.log(
    "| latency | channels | concurrency | client | events/s | requests/event | CPU µs/event | vs pusher@5.3.4 | vs plain |"
  )
  console.log("|---|---|---|---|---|---|---|---|---|")
  for (const latency of latencies) {
    for (const mix of mixes) {
      for (const concurrency of concurrencies) {
        const official = cell(`${latency}|${mix}|${concurrency}|pusher@5.3.4`)
        const plain = cell(`${latency}|${mix}|${concurrency}|plain`)
        for (const name of names) {
          if (latency > 0 && name === "pusher@5.3.4") continue
          const { cpu, perEvent, rate } = cell(`${latency}|${mix}|${concurrency}|${name}`)
          console.log(
            `| ${latency} ms | ${mix} | ${concurrency} | ${name} | ${Math.round(rate)} | ${perEvent.toFixed(3)} | ${
              Math.round(cpu)
            } | ${latency === 0 && !Number.isNaN(official.rate) ? `${(rate / official.rate).toFixed(2)}×` : "–"} | ${
              Number.isNaN(plain.rate) ? "–" : `${(rate / plain.rate).toFixed(2)}×`
            } |`
          )
        }
      }
    }
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error)
  process.exit(1)
})
