/**
 * Runs an example program as its own process, pointed at the emulator served over HTTP on 127.0.0.1, and
 * talks to it over real HTTP. The process is stopped (by its PID) when the layer's scope closes.
 */
import type { PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import { Context, Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import PusherNode from "pusher"

const examplesDir = fileURLToPath(new URL("..", import.meta.url))

export interface Running {
  /** `http://127.0.0.1:{port}` of the example. */
  readonly url: string
  /** Everything the process printed so far. */
  readonly output: () => string
}

export class Example extends Context.Tag("examples/Example")<Example, Running>() {}

/** The PUSHER_URL of the served emulator. */
export const pusherUrl = (served: NodePusherTest.Served): string => {
  const { appId, key, secret } = served.pusherOptions
  return `http://${key}:${secret}@${served.hostname}:${served.port}/apps/${appId}`
}

const stop = (child: ReturnType<typeof spawn>) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    // A server that does not stop on SIGTERM within 5 s is killed.
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
    child.once("exit", () => {
      clearTimeout(timer)
      resume(Effect.void)
    })
    child.kill("SIGTERM")
  })

/** Starts `script` (relative to examples/) with PORT=0 and waits for its `http://127.0.0.1:PORT` line. */
export const start = (script: string) =>
  Effect.gen(function*() {
    const served = yield* NodePusherTest.NodePusherTest
    let output = ""
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        // The built packages (`pnpm build`), as a user installs them; tsx only compiles the example.
        spawn(process.execPath, ["--import", "tsx", script], {
          cwd: examplesDir,
          env: { ...process.env, PUSHER_URL: pusherUrl(served), PORT: "0" },
          stdio: ["ignore", "pipe", "pipe"]
        })
      ),
      stop
    )
    const url = yield* Effect.async<string, Error>((resume) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8")
        const found = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
        if (found) resume(Effect.succeed(found[0]))
      }
      child.stdout?.on("data", onData)
      child.stderr?.on("data", onData)
      child.once("exit", (code) => resume(Effect.fail(new Error(`${script} exited (${code}):\n${output}`))))
    }).pipe(Effect.timeoutFail({ duration: "150 seconds", onTimeout: () => new Error(`${script}: no address`) }))
    return { url, output: () => output }
  })

/** The emulator served on 127.0.0.1 and the example started against it. */
export const layer = (script: string): Layer.Layer<
  Example | PusherTest.PusherTest | NodePusherTest.NodePusherTest,
  unknown
> => Layer.scoped(Example, start(script)).pipe(Layer.provideMerge(NodePusherTest.layer()))

export interface Answer {
  readonly status: number
  readonly body: unknown
}

/** A POST to the example, as a browser or Pusher would send it. */
export const post = (path: string, body: string, headers: Record<string, string>) =>
  Effect.flatMap(Example, ({ url }) =>
    Effect.promise(async (): Promise<Answer> => {
      const response = await fetch(url + path, { method: "POST", headers, body })
      const text = await response.text()
      return { status: response.status, body: text === "" ? undefined : JSON.parse(text) }
    }))

export const get = (path: string) =>
  Effect.flatMap(Example, ({ url }) =>
    Effect.promise(async (): Promise<Answer> => {
      const response = await fetch(url + path)
      return { status: response.status, body: await response.json() }
    }))

/** What pusher-js posts to the auth endpoints. */
export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

export const formHeaders = (token?: string): Record<string, string> => ({
  "content-type": "application/x-www-form-urlencoded",
  ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
})

/** The official library, pointed at the same app: the oracle for authorization strings. */
export const official = Effect.map(
  NodePusherTest.NodePusherTest,
  (served) => new PusherNode({ ...served.pusherOptions })
)

/** The body with one character changed, the signature kept: what a forger sends. */
export const tamper = (body: string) =>
  body.replace(/"time_ms":(\d)/, (_, digit: string) => `"time_ms":${(Number(digit) + 1) % 10}`)
