/**
 * The suite's webhook endpoint (webhookServer.ts: raw requests kept as they arrived, answered 200) with
 * bounded waits and a Stream of its requests.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { defaultTimeoutMs, type WaitTimeout, waitUntil } from "./wait.js"
import * as WebhookServer from "./webhookServer.js"

export type { ReceivedWebhook } from "./webhookServer.js"

export interface WebhookReceiver {
  readonly url: string
  readonly received: ReadonlyArray<WebhookServer.ReceivedWebhook>
  /** Waits until a received request satisfies `predicate`, and returns it. */
  readonly waitFor: (
    what: string,
    predicate: (request: WebhookServer.ReceivedWebhook) => boolean,
    ms?: number
  ) => Effect.Effect<WebhookServer.ReceivedWebhook, WaitTimeout>
  /** Every request, those received so far and then each new one as it arrives (never ends). */
  readonly stream: Stream.Stream<WebhookServer.ReceivedWebhook>
  readonly close: () => Promise<void>
}

export const start = async (path?: string): Promise<WebhookReceiver> => {
  const server = await WebhookServer.listen(path)
  return {
    url: server.url,
    received: server.received,
    waitFor: (what, predicate, ms = defaultTimeoutMs) => waitUntil(what, () => server.received.find(predicate), ms),
    stream: Stream.asyncPush<WebhookServer.ReceivedWebhook>((emit) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          for (const webhook of server.received) emit.single(webhook)
          return server.subscribe((webhook) => emit.single(webhook))
        }),
        (unsubscribe) => Effect.sync(unsubscribe)
      )
    ),
    close: server.close
  }
}
