/**
 * N real WebSockets (the `ws` client) on one channel, then E events triggered through the REST API
 * (pusher@5.3.4, one after another) and received by every socket, in order — against the library's served
 * emulator and against soketi (when `pnpm test:e2e` has installed it in test/soketi), each server alone in
 * its own process, in the same run, runs interleaved. Reports ranges over runs: subscription time,
 * deliveries per second, and the server process's resident memory (VmRSS once idle after start, VmHWM the
 * peak) from /proc. A figure to report, not a race.
 *
 * `pnpm bench:emulator [sockets=1000] [events=1000] [runs=3]`; `BENCH_SERVERS=local` for the emulator only;
 * `BENCH_NODE_OPTIONS=--cpu-prof` profiles the emulator's process (the profile lands in its cwd);
 * `BENCH_COMPARE_ROOT=../other-checkout` adds that checkout's emulator to the same run.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import PusherNode from "pusher"
import { freeTcpPort } from "../test/e2e/harness/ports.js"
import * as Soketi from "../test/e2e/harness/soketi.js"

// `ws` is the WebSocket library @effect/platform-node serves with; used here as the client.
const requireFromPlatform = createRequire(createRequire(import.meta.url).resolve("@effect/platform-node"))
const WebSocket: new(url: string) => {
  on: (event: string, f: (data: unknown) => void) => void
  send: (data: string) => void
  terminate: () => void
} = requireFromPlatform("ws")

const sockets = Number(process.argv[2] ?? 1000)
const events = Number(process.argv[3] ?? 1000)
const runs = Number(process.argv[4] ?? 3)
const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const app = { id: "bench", key: "bench-key", secret: "bench-secret-0123456789" }

interface Server {
  readonly port: number
  readonly pid: number
  readonly stop: () => Promise<void>
}

const startEmulator = (root: string) => async (): Promise<Server> => {
  const port = await freeTcpPort()
  const extra = (process.env.BENCH_NODE_OPTIONS ?? "").split(" ").filter((option) => option !== "")
  const child = ChildProcess.spawn(
    process.execPath,
    [
      ...extra,
      "--conditions=@effect-pusher/source",
      "--import",
      "tsx",
      Path.join(root, "scripts/bench/emulator-server.ts"),
      String(port),
      app.key,
      app.secret
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] }
  )
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code})`)))
    child.stdout!.on("data", (chunk: Buffer) => {
      if (String(chunk).includes("listening")) resolve()
    })
  })
  return {
    port,
    pid: child.pid!,
    // SIGINT so that a --cpu-prof profile is written on the way out.
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit")
        child.once("exit", () => resolve())
        child.kill("SIGINT")
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref()
      })
  }
}

const startSoketi = async (): Promise<Server> => {
  const soketi = await Soketi.start({ app })
  return { port: soketi.port, pid: soketi.pid, stop: () => soketi.stop() }
}

/** VmRSS and VmHWM of a process, in MB. */
const memory = (pid: number): { readonly rss: number; readonly peak: number } => {
  const status = Fs.readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 }
}

/** Opens the sockets 50 at a time (a thousand at once overflows the listen backlog on this machine). */
const connectAll = async (port: number, received: Array<Array<number>>) => {
  const url = `ws://127.0.0.1:${port}/app/${app.key}?protocol=7&client=bench&version=1`
  const clients: Array<{ terminate: () => void }> = []
  const open = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url)
      received[i] = []
      ws.on("error", reject)
      ws.on("message", (raw) => {
        const frame = JSON.parse(String(raw))
        // Answered as pusher-js does: a run longer than the activity timeout would otherwise lose its sockets.
        if (frame.event === "pusher:ping") ws.send(JSON.stringify({ event: "pusher:pong", data: {} }))
        else if (frame.event === "pusher:connection_established") {
          ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel: "bench" } }))
        } else if (frame.event === "pusher_internal:subscription_succeeded") {
          clients.push(ws)
          resolve()
        } else if (frame.event === "tick") received[i]!.push(JSON.parse(frame.data).n)
      })
    })
  for (let start = 0; start < sockets; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, sockets - start) }, (_, k) => open(start + k)))
  }
  return clients
}

interface Result {
  readonly subscribed: number
  readonly delivered: number
  readonly inOrder: boolean
  readonly idle: number
  readonly rss: number
  readonly peak: number
}

const once = async (start: () => Promise<Server>): Promise<Result> => {
  const server = await start()
  try {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const idle = memory(server.pid).rss
    const official = new PusherNode({
      appId: app.id,
      key: app.key,
      secret: app.secret,
      host: "127.0.0.1",
      port: String(server.port),
      useTLS: false
    })
    const received: Array<Array<number>> = []
    const began = performance.now()
    const clients = await connectAll(server.port, received)
    const subscribed = performance.now() - began
    const sent = performance.now()
    for (let n = 0; n < events; n++) await official.trigger("bench", "tick", { n })
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 600_000
      const poll = () => {
        if (received.every((r) => r.length >= events)) resolve()
        else if (Date.now() > deadline) reject(new Error("not every event arrived within 10 minutes"))
        else setTimeout(poll, 5)
      }
      poll()
    })
    const delivered = performance.now() - sent
    const inOrder = received.every((r) => r.length === events && r.every((n, i) => n === i))
    const { peak, rss } = memory(server.pid)
    for (const client of clients) client.terminate()
    return { subscribed, delivered, inOrder, idle, rss, peak }
  } finally {
    await server.stop()
  }
}

const servers: Array<readonly [string, () => Promise<Server>]> = [["emulator", startEmulator(root)]]
// Another checkout's emulator side by side (before/after a change): it needs scripts/bench/emulator-server.ts.
const compare = process.env.BENCH_COMPARE_ROOT
if (compare !== undefined) servers.push([`emulator at ${compare}`, startEmulator(Path.resolve(compare))])
if (process.env.BENCH_SERVERS !== "local") {
  if (Soketi.isInstalled()) servers.push(["soketi 1.6.1", startSoketi])
  else console.log("soketi is not installed in test/soketi (pnpm test:e2e installs it): emulator only")
}
const results = new Map<string, Array<Result>>(servers.map(([name]) => [name, []]))
for (let run = 0; run < runs; run++) {
  for (const [name, start] of servers) {
    const result = await once(start)
    console.log(`run ${run + 1} ${name}: ${JSON.stringify(result)}`)
    results.get(name)!.push(result)
  }
}

const range = (values: ReadonlyArray<number>, digits = 0) =>
  `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`
console.log(
  `${sockets} sockets on one channel, ${events} REST triggers to all, ${runs} runs; load ${
    Fs.readFileSync("/proc/loadavg", "utf8").trim()
  }`
)
for (const [name, rows] of results) {
  console.log(
    `${name}: subscribe ${range(rows.map((r) => r.subscribed))} ms, ` +
      `deliver ${range(rows.map((r) => r.delivered))} ms = ` +
      `${range(rows.map((r) => (events * sockets) / (r.delivered / 1000)))} deliveries/s, ` +
      `in order: ${rows.every((r) => r.inOrder)}, server RSS idle ${range(rows.map((r) => r.idle))} MB, ` +
      `after ${range(rows.map((r) => r.rss))} MB, peak ${range(rows.map((r) => r.peak))} MB`
  )
}
