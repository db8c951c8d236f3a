/**
 * soketi, a Pusher-protocol server this project did not write, as a child process: installed on demand
 * into test/soketi, configured through a JSON file in a temp dir, bound to 127.0.0.1 only, and stopped by
 * its PID (on `stop`, on exit of this process, on SIGINT/SIGTERM, and by itself when its parent dies).
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { freeTcpPort, freeUdpPort } from "./ports.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
export const soketiDir = Path.resolve(here, "../../soketi")
const soketiBin = Path.join(soketiDir, "node_modules/@soketi/soketi/bin/server.js")
const uwsDir = Path.join(soketiDir, "node_modules/uWebSockets.js")
const watchParent = Path.join(here, "watchParent.cjs")

export const host = "127.0.0.1"

/**
 * The Node that runs soketi: `E2E_SOKETI_NODE` when set, else this process's. The uWebSockets.js soketi loads
 * ships native binaries for Node 16, 18 and 20 only (ABIs 93, 108, 115), so a suite running on Node 22 (the
 * Effect 4 line's) starts soketi with a Node 20 named there.
 */
const soketiNode = (): string => {
  const named = process.env.E2E_SOKETI_NODE
  return named !== undefined && named !== "" ? named : process.execPath
}

/** Is soketi (with the uWebSockets.js override) installed in test/soketi? */
export const isInstalled = (): boolean => Fs.existsSync(soketiBin) && Fs.existsSync(uwsDir)

/** Installs soketi from test/soketi/package-lock.json unless it is there already (about 35 s, 300 MB). */
export const ensureInstalled = (): void => {
  if (isInstalled()) return
  process.stderr.write("e2e: installing soketi into test/soketi (npm ci) ...\n")
  const result = ChildProcess.spawnSync("npm", ["ci", "--prefix", soketiDir, "--no-audit", "--no-fund"], {
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 240_000
  })
  if (result.status !== 0 || !isInstalled()) {
    throw new Error(`npm ci --prefix ${soketiDir} failed (status ${result.status}, ${result.error?.message ?? ""})`)
  }
}

/** One app of soketi's array app manager (soketi's own field names). */
export interface SoketiApp {
  readonly id: string
  readonly key: string
  readonly secret: string
  readonly enableClientMessages?: boolean
  readonly enableUserAuthentication?: boolean
  readonly maxEventChannelsAtOnce?: number
  readonly maxEventNameLength?: number
  readonly maxEventPayloadInKb?: number
  readonly maxEventBatchSize?: number
  readonly webhooks?: ReadonlyArray<{ readonly url: string; readonly event_types: ReadonlyArray<string> }>
}

export interface Soketi {
  readonly host: string
  readonly port: number
  readonly pid: number
  /** What soketi printed so far (the last 64 KiB), for failure messages. */
  readonly logs: () => string
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  readonly stop: (graceMs?: number) => Promise<void>
}

const running = new Set<ChildProcess.ChildProcess>()

const killAll = () => {
  for (const child of running) {
    try {
      child.kill("SIGKILL")
    } catch {
      // already gone
    }
  }
  running.clear()
}

let hooksInstalled = false
const installProcessHooks = () => {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on("exit", killAll)
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll()
      // Keep the signal's default effect (termination) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
}

const exited = (child: ChildProcess.ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()))

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Answers `GET /` with `OK` when soketi is up. */
const healthy = async (port: number): Promise<boolean> => {
  try {
    const response = await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(1_000) })
    return response.status === 200 && (await response.text()) === "OK"
  } catch {
    return false
  }
}

/** Starts soketi with one app and waits (at most `readyTimeoutMs`) until `GET /` answers `OK`. */
export const start = async (options: {
  readonly app: SoketiApp
  readonly readyTimeoutMs?: number
}): Promise<Soketi> => {
  if (!isInstalled()) {
    throw new Error(`soketi is not installed in ${soketiDir}: run \`npm ci --prefix test/soketi\``)
  }
  installProcessHooks()
  const [port, metricsPort, clusterPort] = await Promise.all([freeTcpPort(), freeTcpPort(), freeUdpPort()])
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-pusher-e2e-"))
  const configFile = Path.join(dir, "soketi.json")
  // Every listener on 127.0.0.1; `cluster.unicast` keeps node-discover from broadcasting on the network.
  const config = {
    debug: false,
    host,
    port,
    "metrics.host": host,
    "metrics.port": metricsPort,
    "cluster.address": host,
    "cluster.hostname": host,
    "cluster.unicast": host,
    "cluster.port": clusterPort,
    shutdownGracePeriod: 0,
    "appManager.array.apps": [options.app]
  }
  Fs.writeFileSync(configFile, JSON.stringify(config, null, 2))

  // soketi's SOKETI_* variables override the config file: keep none of them.
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("SOKETI_") && name !== "UWS_USE_FALLBACK") env[name] = value
  }
  // cwd is the temp dir so that soketi's dotenv finds no stray .env.
  const child = ChildProcess.spawn(
    soketiNode(),
    ["-r", watchParent, soketiBin, "start", `--config=${configFile}`],
    { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] }
  )
  if (child.pid === undefined) {
    Fs.rmSync(dir, { recursive: true, force: true })
    throw new Error("could not spawn soketi")
  }
  running.add(child)
  const pid = child.pid

  let output = ""
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-65_536)
  }
  child.stdout!.on("data", collect)
  child.stderr!.on("data", collect)

  let stopped: Promise<void> | undefined
  const stop = (graceMs = 3_000): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM")
        const done = await Promise.race([exited(child).then(() => true), sleep(graceMs).then(() => false)])
        if (!done) {
          child.kill("SIGKILL")
          await Promise.race([exited(child), sleep(2_000)])
        }
      }
      running.delete(child)
      Fs.rmSync(dir, { recursive: true, force: true })
    })()
    return stopped
  }

  const fellBack = () =>
    /Falling back to a NodeJS implementation|not compatible with your Node\.js build|Using µWS fallback/.test(output)
  const fallbackMessage =
    `the native uWebSockets.js binary did not load (soketi fell back to its pure-JS mode) on ${soketiNode()}: it has binaries for Node 16, 18 and 20; set E2E_SOKETI_NODE to such a Node`
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000)
  let failure: string | undefined
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      failure = `soketi exited (${child.exitCode ?? child.signalCode}) before answering GET /`
      break
    }
    if (fellBack()) {
      failure = fallbackMessage
      break
    }
    if (await healthy(port)) {
      // The warning is printed when uWebSockets.js is first required, long before soketi answers.
      if (fellBack()) failure = fallbackMessage
      break
    }
    if (Date.now() > deadline) {
      failure = "soketi did not answer GET / with OK in time"
      break
    }
    await sleep(50)
  }
  if (failure !== undefined) {
    await stop(500)
    throw new Error(`${failure}\n--- soketi output ---\n${output}`)
  }
  return { host, port, pid, logs: () => output, stop }
}
