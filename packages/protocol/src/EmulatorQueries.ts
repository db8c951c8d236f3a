/**
 * The answers of an emulated app to the channel queries of SPEC §4 (`GET /channels`,
 * `GET /channels/{name}`, `GET /channels/{name}/users`) and to the `info` of a trigger, read from its
 * state.
 *
 * @since 0.1.0
 */
import { cachedEvent, type State } from "./EmulatorState.js"
import { err, fail, ok, reject, type Result } from "./Failure.js"
import * as Names from "./Names.js"

/**
 * The attributes an `info` parameter asks for: its comma-separated names.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseInfo = (info: string | undefined): ReadonlySet<string> =>
  new Set((info ?? "").split(",").filter((name) => name !== ""))

/**
 * A channel's `subscription_count` and, on presence channels, `user_count`, as asked for.
 *
 * @since 0.1.0
 * @category queries
 */
export const attributes = (state: State, channel: string, info: ReadonlySet<string>): Record<string, number> => {
  const current = state.channels.get(channel)
  const answer: Record<string, number> = {}
  if (info.has("subscription_count")) answer.subscription_count = current?.sockets.size ?? 0
  if (info.has("user_count") && Names.isPresence(channel)) answer.user_count = current?.users.size ?? 0
  return answer
}

/**
 * `GET /channels`: the occupied channels whose name starts with the prefix, with their attributes.
 *
 * @since 0.1.0
 * @category queries
 */
export const channels = (
  state: State,
  filterByPrefix: string,
  info: ReadonlySet<string>
): Result<{ readonly channels: Record<string, Record<string, number>> }> => {
  if (info.has("user_count") && !Names.isPresence(filterByPrefix)) {
    return reject("info", "user_count may only be asked for with filter_by_prefix=presence-")
  }
  const answer: Record<string, Record<string, number>> = {}
  for (const [name, current] of state.channels) {
    if (current.sockets.size > 0 && name.startsWith(filterByPrefix)) answer[name] = attributes(state, name, info)
  }
  return ok({ channels: answer })
}

/**
 * `GET /channels/{name}`: whether it is occupied, its attributes and, for a cache channel, its cached
 * event with the seconds it has left.
 *
 * @since 0.1.0
 * @category queries
 */
export const channel = (
  state: State,
  name: string,
  info: ReadonlySet<string>,
  nowMillis: number,
  cacheTtlSeconds: number
): Result<Record<string, unknown>> => {
  const failure = Names.checkChannel("channel name", name) ??
    (info.has("user_count") && !Names.isPresence(name)
      ? fail("info", "user_count may only be asked for on presence- channels")
      : undefined)
  if (failure !== undefined) return err(failure)
  const answer: Record<string, unknown> = {
    occupied: (state.channels.get(name)?.sockets.size ?? 0) > 0,
    ...attributes(state, name, info)
  }
  const cached = info.has("cache") && Names.isCache(name)
    ? cachedEvent(state, name, nowMillis, cacheTtlSeconds)
    : undefined
  if (cached !== undefined) {
    const ttl = Math.max(0, Math.ceil(cacheTtlSeconds - (nowMillis - cached.atMillis) / 1000))
    answer.cache = { data: cached.data, ttl }
  }
  return ok(answer)
}

/**
 * `GET /channels/{name}/users`: the members of a presence channel, once per user.
 *
 * @since 0.1.0
 * @category queries
 */
export const users = (
  state: State,
  name: string
): Result<{ readonly users: ReadonlyArray<{ readonly id: string }> }> => {
  const failure = Names.checkChannel("channel name", name) ??
    (Names.isPresence(name) ? undefined : fail("channel name", "must be a presence- channel to list its users"))
  if (failure !== undefined) return err(failure)
  return ok({ users: Array.from(state.channels.get(name)?.users.keys() ?? [], (id) => ({ id })) })
}
