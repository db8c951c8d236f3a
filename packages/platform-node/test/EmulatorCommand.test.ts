/**
 * The `effect-pusher-emulator` command as a user runs it: a child process on a free port, its printed
 * `PUSHER_URL` given to pusher@5.3.4, a real WebSocket subscribing, the webhook it causes posted (signed) to a
 * receiver on 127.0.0.1, then Ctrl-C (SIGINT to its PID): exit code 0, the socket closed. The packed bin is
 * started from the tarball by `pnpm test:pack`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import { spawn } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import PusherNode from "pusher"
import * as Receiver from "./utils/server.js"

const bin = fileURLToPath(new URL("../src/bin/emulator.ts", import.meta.url))

// Starting compiles the sources with tsx: slow on a loaded machine, hence the generous bounds.
const startBound = 60_000

interface Running {
  readonly pid: number
  readonly output: () => string
  readonly errors: () => string
  /** The exit code (or signal), waiting for it. */
  readonly exited: Effect.Effect<number | string>
}

const run = (args: ReadonlyArray<string>): Effect.Effect<Running, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      let output = ""
      let errors = ""
      const child = spawn(
        process.execPath,
        ["--conditions=@effect-pusher/source", "--import", "tsx", bin, ...args],
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PORT: "", PUSHER_WEBHOOK_URL: "" } }
      )
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
      child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")))
      const exited = Effect.async<number | string>((resume) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          return resume(Effect.succeed(child.exitCode ?? child.signalCode ?? -1))
        }
        child.once("exit", (code, signal) => resume(Effect.succeed(code ?? signal ?? -1)))
      })
      return { child, running: { pid: child.pid ?? -1, output: () => output, errors: () => errors, exited } }
    }),
    ({ child }) => Effect.sync(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))
  ).pipe(Effect.map(({ running }) => running))

/** Waits (bounded) until the output matches. */
const waitFor = (running: Running, pattern: RegExp) =>
  Effect.gen(function*() {
    let match = pattern.exec(running.output())
    while (match === null) {
      yield* Effect.sleep("20 millis")
      match = pattern.exec(running.output())
    }
    return match
  }).pipe(Effect.timeoutFail({
    duration: startBound,
    onTimeout: () => new Error(`no ${pattern} in:\n${running.output()}\n${running.errors()}`)
  }))

const RawSocket: new(url: string) => {
  on: (event: string, f: (a: unknown) => void) => void
  send: (data: string) => void
} = createRequire(createRequire(import.meta.url).resolve("@effect/platform-node"))("ws")

describe("effect-pusher-emulator", () => {
  it.scopedLive(
    "serves on the port it prints, posts webhooks, and stops on Ctrl-C with exit code 0",
    () =>
      Effect.gen(function*() {
        const hooks = yield* Queue.unbounded<Receiver.Seen>()
        const receiver = yield* Receiver.serve((seen, response) => {
          Queue.unsafeOffer(hooks, seen)
          response.writeHead(200).end()
        })
        const command = yield* run(["--port", "0", "--webhook-url", `${receiver.origin}/hooks`, "--key", "local-key"])
        const [, url] = yield* waitFor(command, /^ {2}PUSHER_URL=(\S+)$/m)
        const [, options] = yield* waitFor(command, /^ {2}new Pusher\("local-key", (.+)\)$/m)
        const pusherJs = JSON.parse(options ?? "")
        expect(url).toMatch(/^http:\/\/local-key:test-secret@127\.0\.0\.1:\d+\/apps\/123456$/)
        expect(pusherJs).toEqual({
          cluster: "mt1",
          wsHost: "127.0.0.1",
          wsPort: pusherJs.wsPort,
          wssPort: pusherJs.wsPort,
          forceTLS: false,
          enabledTransports: ["ws"]
        })
        expect(url).toContain(`:${pusherJs.wsPort}/`)
        // The debug console it names answers with its page.
        const [, consoleUrl] = yield* waitFor(command, /^Debug console: (\S+)$/m)
        const page = yield* Effect.promise(() => fetch(consoleUrl ?? "").then((answer) => answer.text()))
        expect(page).toContain("<!doctype html>")

        // A server SDK pointed at PUSHER_URL.
        const official = PusherNode.forURL(url ?? "")
        const trigger = yield* Effect.promise(() => official.trigger("news", "greet", { hi: 1 }))
        expect(trigger.status).toBe(200)
        yield* waitFor(command, /^event {3}news greet \{"hi":1\}$/m)

        // A browser-like socket at wsHost:wsPort: its subscription is a webhook, posted signed.
        const closed = yield* Deferred.make<number>()
        yield* Effect.sync(() => {
          const socket = new RawSocket(`ws://${pusherJs.wsHost}:${pusherJs.wsPort}/app/local-key?protocol=7`)
          socket.on("message", (raw) => {
            if (JSON.parse(String(raw)).event === "pusher:connection_established") {
              socket.send(JSON.stringify({ event: "pusher:subscribe", data: { channel: "news" } }))
            }
          })
          socket.on("close", (code) => Deferred.unsafeDone(closed, Exit.succeed(Number(code))))
        })
        const hook = yield* Queue.take(hooks).pipe(Effect.timeoutFail({
          duration: 15_000,
          onTimeout: () => new Error(`no webhook within 15 s:\n${command.output()}\n${command.errors()}`)
        }))
        const webhook = official.webhook({ headers: hook.headers, rawBody: hook.body })
        expect([hook.url, webhook.isValid(), webhook.getEvents()]).toEqual([
          "/hooks",
          true,
          [{ name: "channel_occupied", channel: "news" }]
        ])

        process.kill(command.pid, "SIGINT")
        const code = yield* command.exited.pipe(Effect.timeoutFail({
          duration: 15_000,
          onTimeout: () => new Error("still running 15 s after SIGINT")
        }))
        expect(code).toBe(0)
        expect(yield* Deferred.await(closed).pipe(Effect.timeout(5_000))).toBe(4100)
        expect(command.errors()).toBe("")
      }),
    { timeout: 120_000 }
  )

  it.scopedLive("refuses a bad option with one line on stderr and exit code 1", () =>
    Effect.gen(function*() {
      const command = yield* run(["--port", "http"])
      const code = yield* command.exited.pipe(Effect.timeout(startBound))
      expect(code).toBe(1)
      expect(command.errors()).toBe(
        "effect-pusher-emulator: --port must be an integer from 0 (any free port) to 65535, got \"http\" " +
          "(--help lists the options)\n"
      )
      expect(command.output()).toBe("")
    }), { timeout: 120_000 })
})
