/**
 * The suite's webhook endpoint, Effect-free (shared by both lines' harnesses): a node:http receiver that keeps
 * every request exactly as it arrived (raw body, headers) and answers 200, so verification happens in the
 * tests with the library's own code. Each line's webhookReceiver.ts adds its bounded waits and its Stream.
 */
import * as NodeServer from "./nodeServer.js"

export interface ReceivedWebhook {
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface WebhookServer {
  readonly url: string
  readonly received: ReadonlyArray<ReceivedWebhook>
  /** Calls `listener` with each request from now on; returns what stops that. */
  readonly subscribe: (listener: (request: ReceivedWebhook) => void) => () => void
  readonly close: () => Promise<void>
}

export const listen = async (path = "/pusher/webhooks"): Promise<WebhookServer> => {
  const received: Array<ReceivedWebhook> = []
  const listeners = new Set<(request: ReceivedWebhook) => void>()
  const server = await NodeServer.listen(async (request) => {
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
    subscribe: (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close: server.close
  }
}
