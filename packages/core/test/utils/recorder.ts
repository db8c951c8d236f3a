import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
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
      const recorded: Recorded = { method: request.method, url: url.toString(), headers: request.headers, body }
      requests.push(recorded)
      const answer = respond(recorded)
      return HttpClientResponse.fromWeb(request, new Response(answer.body ?? "{}", { status: answer.status ?? 200 }))
    })
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}
