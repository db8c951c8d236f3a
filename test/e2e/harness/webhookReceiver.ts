/**
 * The suite's webhook endpoint: a node:http receiver that keeps every request exactly as it arrived (raw
 * body, headers) and answers 200, so verification happens in the tests with the library's own code.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as HttpServer from "./httpServer.js"
import { defaultTimeoutMs, type WaitTimeout, waitUntil } from "./wait.js"

export interface ReceivedWebhook {
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface WebhookReceiver {
  readonly url: string
  readonly received: ReadonlyArray<ReceivedWebhook>
  /** Waits until a received request satisfies `predicate`, and returns it. */
  readonly waitFor: (
    what: string,
    predicate: (request: ReceivedWebhook) => boolean,
    ms?: number
  ) => Effect.Effect<ReceivedWebhook, WaitTimeout>
  /** Every request, those received so far and then each new one as it arrives (never ends). */
  readonly stream: Stream.Stream<ReceivedWebhook>
  readonly close: () => Promise<void>
}

export const start = async (path = "/pusher/webhooks"): Promise<WebhookReceiver> => {
  const received: Array<ReceivedWebhook> = []
  const listeners = new Set<(request: ReceivedWebhook) => void>()
  const server = await HttpServer.listen(async (request) => {
    if (request.method !== "POST" || request.path !== path) return { status: 404, body: "{}" }
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string") headers[name] = value
      else if (Array.isArray(value)) headers[name] = value.join(", ")
    }
    const webhook = { headers, body: request.body }
    received.push(webhook)
    for (const listener of listeners) listener(webhook)
    return { status: 200, body: "{}" }
  })
  return {
    url: `${server.url}${path}`,
    received,
    waitFor: (what, predicate, ms = defaultTimeoutMs) => waitUntil(what, () => received.find(predicate), ms),
    stream: Stream.asyncPush<ReceivedWebhook>((emit) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          for (const webhook of received) emit.single(webhook)
          const listener = (webhook: ReceivedWebhook) => emit.single(webhook)
          listeners.add(listener)
          return listener
        }),
        (listener) => Effect.sync(() => listeners.delete(listener))
      )
    ),
    close: server.close
  }
}
