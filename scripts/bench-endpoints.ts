/**
 * The endpoints under a hostile 100 MB upload (issue 13, point 1): for each kind of request, the time from
 * the start of the upload to the answer, the bytes the server read from the connection, and the growth of
 * the process's RSS, as min / median / max of interleaved rounds. The server is `NodePusherEndpoints` on
 * `node:http` with the default limits (webhook 1 MiB, auth 64 KiB); the client, in the same process, writes
 * 64 KiB chunks as fast as the connection takes them and stops at the answer, so its own memory stays flat.
 * Targets: an answer in under 100 ms, RSS growth below the limit plus a small constant.
 *
 * Run: npx --yes pnpm@10 bench:endpoints
 */
import { PusherConfig, PusherEndpoints } from "@effect-pusher/core"
import { NodePusherEndpoints } from "@effect-pusher/platform-node"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { serve } from "../packages/platform-node/test/utils/upload.js"

const ROUNDS = 5

const { dispose, handler } = NodePusherEndpoints.toHandler(
  Effect.flatten(HttpRouter.toHttpApp(PusherEndpoints.router({
    authorizeChannel: () => Effect.succeed(PusherEndpoints.allow),
    webhook: () => Effect.void
  }))).pipe(Effect.provide(Logger.remove(Logger.defaultLogger))),
  PusherConfig.layer({ appId: 1, key: "key", secret: "secret" })
)

const signed = { "content-type": "application/json", "x-pusher-key": "key", "x-pusher-signature": "0".repeat(64) }
const cases: ReadonlyArray<{
  readonly name: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly chunked: boolean
}> = [
  { name: "webhook, known key, chunked → 413", path: "/pusher/webhook", headers: signed, chunked: true },
  { name: "webhook, known key, Content-Length → 413", path: "/pusher/webhook", headers: signed, chunked: false },
  {
    name: "webhook, unknown key, chunked → 401",
    path: "/pusher/webhook",
    headers: { ...signed, "x-pusher-key": "nope" },
    chunked: true
  },
  {
    name: "auth form, chunked → 413",
    path: "/pusher/auth",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    chunked: true
  }
]

const target = await serve(handler)

interface Sample {
  readonly ms: number
  readonly readKiB: number
  readonly rssMiB: number
  readonly status: number
}

/** One upload, with the growth of the process's RSS while it lasts (sampled every 5 ms). */
const sample = async (path: string, headers: Record<string, string>, chunked: boolean): Promise<Sample> => {
  const rss0 = process.memoryUsage().rss
  let rssMax = rss0
  const sampler = setInterval(() => rssMax = Math.max(rssMax, process.memoryUsage().rss), 5)
  try {
    const { ms, serverRead, status } = await target.upload(path, headers, chunked)
    rssMax = Math.max(rssMax, process.memoryUsage().rss)
    return { ms, readKiB: serverRead / 1024, rssMiB: (rssMax - rss0) / 1024 / 1024, status }
  } finally {
    clearInterval(sampler)
  }
}

const stats = (values: ReadonlyArray<number>, digits: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (i: number) => (sorted[i] ?? NaN).toFixed(digits)
  return `${at(0)} / ${at(Math.floor(sorted.length / 2))} / ${at(sorted.length - 1)}`
}

// Warm up: the layer is built on the first request.
await sample("/pusher/auth", { "content-type": "application/x-www-form-urlencoded" }, true)

const samples = cases.map((): Array<Sample> => [])
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, c] of cases.entries()) samples[i]!.push(await sample(c.path, c.headers, c.chunked))
}

console.log(`100 MB uploads, ${ROUNDS} interleaved rounds (min / median / max)`)
console.log("case | status | ms to answer | KiB read by the server | RSS growth MiB")
for (const [i, c] of cases.entries()) {
  const s = samples[i]!
  console.log(
    `${c.name} | ${[...new Set(s.map((x) => x.status))].join(",")} | ${stats(s.map((x) => x.ms), 1)} | ${
      stats(s.map((x) => x.readKiB), 0)
    } | ${stats(s.map((x) => x.rssMiB), 1)}`
  )
}

await target.close()
await dispose()
