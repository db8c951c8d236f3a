/**
 * Follows a Channels app from its webhooks: which channels are occupied, who is on each presence channel,
 * and how many events of each kind arrived. The events come as a `Stream`, from the webhook endpoint
 * (`server.ts`) or from any source of raw webhook requests through `Webhook.receive` (a queue, a log).
 */
import type { Webhook } from "@effect-pusher/core"
import { Effect, GroupBy, HashMap, HashSet, Option, Ref, Stream } from "effect"

/** The kinds of event, each handled by its own consumer, in order within the kind. */
export type Kind = "occupancy" | "presence" | "client" | "other"

export const kindOf = (event: Webhook.WebhookEvent): Kind => {
  switch (event._tag) {
    case "ChannelOccupied":
    case "ChannelVacated":
      return "occupancy"
    // Both presence kinds in one group, so that a member's arrival and departure stay in order.
    case "MemberAdded":
    case "MemberRemoved":
      return "presence"
    case "ClientEvent":
    case "UndecryptableClientEvent":
      return "client"
    default:
      return "other"
  }
}

export interface State {
  readonly occupied: HashSet.HashSet<string>
  readonly members: HashMap.HashMap<string, HashSet.HashSet<string>>
  readonly counts: HashMap.HashMap<Kind, number>
}

/** The state as JSON: `{ occupied: [...], members: { channel: [...] }, counts: { kind: n } }`. */
export const toJson = (state: State) => ({
  occupied: Array.from(state.occupied).sort(),
  members: Object.fromEntries(
    Array.from(state.members, ([channel, users]) => [channel, Array.from(users).sort()])
  ),
  counts: Object.fromEntries(state.counts)
})

/** Nothing seen yet. */
export const empty: State = { occupied: HashSet.empty(), members: HashMap.empty(), counts: HashMap.empty() }

const withUsers = (
  members: State["members"],
  channel: string,
  update: (users: HashSet.HashSet<string>) => HashSet.HashSet<string>
) => {
  const users = update(Option.getOrElse(HashMap.get(members, channel), () => HashSet.empty<string>()))
  return HashSet.size(users) === 0 ? HashMap.remove(members, channel) : HashMap.set(members, channel, users)
}

const apply = (state: State, event: Webhook.WebhookEvent): State => {
  switch (event._tag) {
    case "ChannelOccupied":
      return { ...state, occupied: HashSet.add(state.occupied, event.channel) }
    case "ChannelVacated":
      return { ...state, occupied: HashSet.remove(state.occupied, event.channel) }
    case "MemberAdded":
      return { ...state, members: withUsers(state.members, event.channel, HashSet.add(event.userId)) }
    case "MemberRemoved":
      return { ...state, members: withUsers(state.members, event.channel, HashSet.remove(event.userId)) }
    default:
      return state
  }
}

const handle = (state: Ref.Ref<State>, kind: Kind, event: Webhook.WebhookEvent) =>
  Ref.update(state, (current) => {
    const next = apply(current, event)
    return {
      ...next,
      counts: HashMap.set(
        next.counts,
        kind,
        Option.getOrElse(HashMap.get(next.counts, kind), () => 0) + 1
      )
    }
  }).pipe(
    Effect.zipRight(
      event._tag === "ClientEvent"
        ? Effect.log(`client event ${event.event} on ${event.channel}`, event.data)
        : kind === "other"
        ? Effect.logWarning(`webhook event ${event._tag}`)
        : Effect.void
    )
  )

/**
 * Consumes `events` into `state` until the stream ends (a webhook endpoint's never does): each kind of event
 * by its own consumer, so a slow one (say, client events written to a database) holds back only its kind.
 */
export const track = <E, R>(
  events: Stream.Stream<Webhook.WebhookEvent, E, R>,
  state: Ref.Ref<State>
): Effect.Effect<void, E, R> =>
  events.pipe(
    Stream.groupByKey(kindOf),
    GroupBy.evaluate((kind, group) => Stream.mapEffect(group, (event) => handle(state, kind, event))),
    Stream.runDrain
  )
