/**
 * The emulated REST API end to end: one request and the state in, the next state, the reply and what
 * to record out. Nothing here sends or waits, so any transport (an in-memory client, an HTTP server)
 * serves the same answers.
 *
 * @since 0.1.0
 */
import * as EmulatorApi from "./EmulatorApi.js"
import * as EmulatorEvents from "./EmulatorEvents.js"
import * as EmulatorQueries from "./EmulatorQueries.js"
import * as EmulatorState from "./EmulatorState.js"
import type { Result } from "./Failure.js"
import * as Limits from "./Limits.js"

/**
 * The emulated app.
 *
 * @since 0.1.0
 * @category models
 */
export interface App extends EmulatorApi.Verifier {
  readonly appId: string
  readonly maxPayloadBytes: number
  /** Events per `batch_events` request (the app's plan; 10 on multi-tenant plans). */
  readonly maxEventsPerBatch?: number | undefined
  readonly cacheTtlSeconds: number
}

/**
 * A request in transport-neutral form.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly method: string
  /** Path and query exactly as sent; a full URL is accepted too. */
  readonly url: string
  readonly body: string
}

/**
 * An event the request published, and the endpoint it came through.
 *
 * @since 0.1.0
 * @category models
 */
export interface Published extends EmulatorEvents.Publication {
  readonly endpoint: "events" | "batch_events"
}

/**
 * The answer to one request: the next state, the reply, and what to record (published events, the
 * state changes to report, a termination).
 *
 * @since 0.1.0
 * @category models
 */
export interface Outcome {
  readonly state: EmulatorState.State
  readonly reply: EmulatorApi.Reply
  readonly published: ReadonlyArray<Published>
  readonly changes: ReadonlyArray<EmulatorState.Change>
  readonly terminated?: { readonly userId: string; readonly socketIds: ReadonlyArray<string> }
}

const replied = (state: EmulatorState.State, reply: EmulatorApi.Reply): Outcome => ({
  state,
  reply,
  published: [],
  changes: []
})

const answered = <A>(state: EmulatorState.State, result: Result<A>): Outcome =>
  replied(state, result.ok ? EmulatorApi.json(result.value) : EmulatorApi.refuse(result.error))

const publishAll = (
  state: EmulatorState.State,
  endpoint: Published["endpoint"],
  events: ReadonlyArray<EmulatorApi.EventRequest>,
  nowMillis: number
): readonly [EmulatorState.State, ReadonlyArray<Published>] => {
  let next = state
  const published: Array<Published> = []
  for (const event of events) {
    for (const channel of new Set(event.channels)) {
      const input = { channel, name: event.name, data: event.data, socketId: event.socketId }
      const transition = EmulatorEvents.publish(next, input, nowMillis)
      next = transition.state
      published.push({ ...transition.value, endpoint })
    }
  }
  return [next, published]
}

const trigger = (state: EmulatorState.State, app: App, body: string, nowMillis: number): Outcome => {
  const checked = EmulatorApi.checkTrigger(body, app.maxPayloadBytes)
  if (!checked.ok) return replied(state, checked.error)
  const event = checked.value
  const [next, published] = publishAll(state, "events", [event], nowMillis)
  const toUser = event.channels.some((channel) => channel.startsWith(Limits.serverToUserPrefix))
  if (event.info.size === 0 || toUser) return { ...replied(next, EmulatorApi.json({})), published }
  const channels: Record<string, Record<string, number>> = {}
  for (const { channel } of published) channels[channel] = EmulatorQueries.attributes(next, channel, event.info)
  return { ...replied(next, EmulatorApi.json({ channels })), published }
}

const batch = (state: EmulatorState.State, app: App, body: string, nowMillis: number): Outcome => {
  const checked = EmulatorApi.checkBatch(body, app.maxPayloadBytes, app.maxEventsPerBatch)
  if (!checked.ok) return replied(state, checked.error)
  const events = checked.value
  const [next, published] = publishAll(state, "batch_events", events, nowMillis)
  const reply = events.every((event) => event.info.size === 0)
    ? EmulatorApi.json({})
    : EmulatorApi.json({
      batch: events.map((event) => EmulatorQueries.attributes(next, event.channels[0] ?? "", event.info))
    })
  return { ...replied(next, reply), published }
}

const terminate = (state: EmulatorState.State, userId: string): Outcome => {
  const result = EmulatorState.terminate(state, userId)
  if (!result.ok) return replied(state, EmulatorApi.refuse(result.error))
  const { changes, state: next, value: socketIds } = result.value
  return { ...replied(next, EmulatorApi.json({})), changes, terminated: { userId, socketIds } }
}

const dispatch = (
  state: EmulatorState.State,
  app: App,
  route: EmulatorApi.Route,
  query: ReadonlyMap<string, string>,
  body: string,
  nowMillis: number
): Outcome => {
  switch (route._tag) {
    case "Trigger":
      return trigger(state, app, body, nowMillis)
    case "Batch":
      return batch(state, app, body, nowMillis)
    case "Channels": {
      const info = EmulatorQueries.parseInfo(query.get("info"))
      return answered(state, EmulatorQueries.channels(state, query.get("filter_by_prefix") ?? "", info))
    }
    case "Channel": {
      const info = EmulatorQueries.parseInfo(query.get("info"))
      return answered(state, EmulatorQueries.channel(state, route.name, info, nowMillis, app.cacheTtlSeconds))
    }
    case "Users":
      return answered(state, EmulatorQueries.users(state, route.name))
    case "Terminate":
      return terminate(state, route.userId)
  }
}

/**
 * Answers one request as hosted Channels would: 404 for another app or path, 400 for a query that is not
 * valid percent-encoding, 401 when the signature check fails, then the operation's own answer.
 *
 * @since 0.1.0
 * @category api
 */
export const respond = (state: EmulatorState.State, app: App, request: Request, nowMillis: number): Outcome => {
  const { path, query } = EmulatorApi.parseTarget(request.url)
  const unknownApp = EmulatorApi.checkApp(app.appId, path)
  if (unknownApp !== undefined) return replied(state, unknownApp)
  if (query === undefined) {
    return replied(state, EmulatorApi.text(400, "The query string is not valid percent-encoding"))
  }
  const denied = EmulatorApi.authenticate(app, request.method, path, query, request.body, nowMillis)
  if (denied !== undefined) return replied(state, denied)
  const route = EmulatorApi.route(request.method, path)
  return route.ok ? dispatch(state, app, route.value, query, request.body, nowMillis) : replied(state, route.error)
}
