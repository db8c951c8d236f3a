import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import { createHash, createHmac } from "node:crypto"

/** An answer with its Content-Length, as a server sends it (operations then read it whole, not as a stream). */
const answered = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-length": String(new TextEncoder().encode(body).length) } })

export interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  /** The content type of the body, when there is one. */
  readonly contentType?: string | undefined
}

export interface Answer {
  readonly status?: number
  readonly body?: string
}

/**
 * A fake HttpClient that records every request and answers with `respond` (default `200 {}`).
 */
export const makeRecorder = (respond: (request: Recorded) => Answer = () => ({})) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : undefined
      const recorded: Recorded = {
        method: request.method,
        url: url.toString(),
        headers: request.headers,
        body,
        contentType: request.body._tag === "Uint8Array" ? request.body.contentType : undefined
      }
      requests.push(recorded)
      const answer = respond(recorded)
      return HttpClientResponse.fromWeb(request, answered(answer.body ?? "{}", answer.status ?? 200))
    })
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/**
 * A client whose every request fails before an answer (as a refused connection does).
 */
export const makeFailingClient = (description = "connect ECONNREFUSED 127.0.0.1:1") => {
  let calls = 0
  const client = HttpClient.make((request) =>
    Effect.suspend(() => {
      calls++
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.TransportError({ request, cause: new Error(description), description })
        })
      )
    })
  )
  return { calls: () => calls, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/**
 * A client that never answers.
 */
export const makeSilentClient = () => {
  let calls = 0
  const client = HttpClient.make(() =>
    Effect.suspend(() => {
      calls++
      return Effect.never
    })
  )
  return { calls: () => calls, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export interface Expected {
  readonly baseUrl: string
  readonly appId: string
  readonly key: string
  readonly secret: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly params?: ReadonlyArray<readonly [string, string]>
  readonly body?: string
  readonly timestamp: number
}

/**
 * The signed URL of SPEC §2, computed independently with node:crypto.
 */
export const signedUrl = (e: Expected): string => {
  const params: Array<readonly [string, string]> = [
    ["auth_key", e.key],
    ["auth_timestamp", String(e.timestamp)],
    ["auth_version", "1.0"],
    ...(e.params ?? [])
  ]
  if (e.body !== undefined && e.body !== "") {
    params.push(["body_md5", createHash("md5").update(e.body, "utf8").digest("hex")])
  }
  const query = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join("&")
  const fullPath = `/apps/${e.appId}${e.path}`
  const signature = createHmac("sha256", e.secret).update(`${e.method}\n${fullPath}\n${query}`).digest("hex")
  return `${e.baseUrl}${fullPath}?${query}&auth_signature=${signature}`
}
