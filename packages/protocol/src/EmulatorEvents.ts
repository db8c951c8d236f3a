/**
 * What an emulated app reports for a state change: the webhook events of SPEC §6 (occupancy, presence,
 * subscription count, cache miss, client events) and the body they travel in.
 *
 * @since 0.1.0
 */
import type { Change } from "./EmulatorState.js"

/**
 * One event of a webhook body: `name`, `channel` and the fields of its kind.
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookEvent = Readonly<Record<string, string | number>>

/**
 * The app settings that decide which changes are reported.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  /** `subscription_count` webhooks are an app setting, off by default. */
  readonly subscriptionCountWebhooks: boolean
}

/**
 * The webhook event of one change, or `undefined` when the app does not report it.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookEvent = (change: Change, settings: Settings): WebhookEvent | undefined => {
  switch (change._tag) {
    case "ChannelOccupied":
      return { name: "channel_occupied", channel: change.channel }
    case "ChannelVacated":
      return { name: "channel_vacated", channel: change.channel }
    case "MemberAdded":
      return { name: "member_added", channel: change.channel, user_id: change.userId }
    case "MemberRemoved":
      return { name: "member_removed", channel: change.channel, user_id: change.userId }
    case "SubscriptionCount":
      return settings.subscriptionCountWebhooks
        ? { name: "subscription_count", channel: change.channel, subscription_count: change.count }
        : undefined
    case "CacheMiss":
      return { name: "cache_miss", channel: change.channel }
    case "ClientEvent": {
      const event = {
        name: "client_event",
        channel: change.channel,
        event: change.event,
        data: change.data,
        socket_id: change.socketId
      }
      return change.userId === undefined ? event : { ...event, user_id: change.userId }
    }
  }
}

/**
 * The webhook events of a transition's changes, in order; one webhook request carries them all.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookEvents = (changes: ReadonlyArray<Change>, settings: Settings): ReadonlyArray<WebhookEvent> => {
  const events: Array<WebhookEvent> = []
  for (const change of changes) {
    const event = webhookEvent(change, settings)
    if (event !== undefined) events.push(event)
  }
  return events
}

/**
 * The body of a webhook request: `{"time_ms": ..., "events": [...]}`.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookBody = (timeMillis: number, events: ReadonlyArray<WebhookEvent>): string =>
  JSON.stringify({ time_ms: timeMillis, events })

/**
 * The headers of a webhook request (lowercase names), given the app key and the signature of the body.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookHeaders = (key: string, signature: string): Readonly<Record<string, string>> => ({
  "content-type": "application/json",
  "x-pusher-key": key,
  "x-pusher-signature": signature
})
