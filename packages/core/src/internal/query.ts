import * as Events from "@effect-pusher/protocol/Events"
import * as Json from "@effect-pusher/protocol/Json"
import * as Names from "@effect-pusher/protocol/Names"
import * as Query from "@effect-pusher/protocol/Query"
import * as Either from "effect/Either"
import type { ValidationError } from "../PusherError.js"
import { readList } from "./event.js"
import { toEither, toError } from "./validation.js"

// The query operations' inputs (channels, channel, users, raw get/post): snapshot, checks, request.

/** @internal A checked request: its path (relative to `/apps/{appId}`) and query parameters. */
export interface Request {
  readonly path: string
  readonly params: ReadonlyArray<Query.Param>
}

const fail = (field: string, rule: string): Either.Either<never, ValidationError> =>
  Either.left(toError({ field, rule }))

/** @internal */
export interface InfoInput {
  readonly name: unknown
  readonly info: unknown
}

/** @internal */
export interface ChannelsInput {
  readonly prefix: unknown
  readonly info: unknown
}

/** @internal */
export const readChannels = (
  options: { readonly filterByPrefix?: unknown; readonly info?: unknown } | undefined
): ChannelsInput => ({ prefix: options?.filterByPrefix, info: readList(options?.info) })

const channelsInfo = ["user_count", "subscription_count"] as const

/** @internal `GET /channels`: `user_count` needs a `presence-` prefix. */
export const channels = (input: ChannelsInput): Either.Either<Request, ValidationError> => {
  const params: Array<Query.Param> = []
  let prefix = ""
  if (input.prefix !== undefined) {
    const failure = Names.checkChannelPrefix("options.filterByPrefix", input.prefix)
    if (failure !== undefined) return Either.left(toError(failure))
    if (typeof input.prefix === "string") {
      prefix = input.prefix
      params.push(["filter_by_prefix", prefix])
    }
  }
  return Either.flatMap(toEither(Query.checkInfo("options.info", input.info, channelsInfo)), (info) => {
    if (info === undefined) return Either.right({ path: "/channels", params })
    if (info.attributes.includes("user_count") && !Names.isPresence(prefix)) {
      return fail("options.info", "user_count can only be asked for with a filterByPrefix that starts with presence-")
    }
    params.push(["info", info.joined])
    return Either.right({ path: "/channels", params })
  })
}

/** @internal */
export const readChannel = (name: unknown, options: { readonly info?: unknown } | undefined): InfoInput => ({
  name,
  info: readList(options?.info)
})

const channelInfo = ["user_count", "subscription_count", "cache"] as const

/** @internal `GET /channels/{name}`: `user_count` is for presence channels only. */
export const channel = (input: InfoInput): Either.Either<Request, ValidationError> =>
  Either.flatMap(
    channelName("name", input.name),
    (name) =>
      Either.flatMap(toEither(Query.checkInfo("options.info", input.info, channelInfo)), (info) => {
        if (info === undefined) return Either.right({ path: `/channels/${name}`, params: [] })
        if (info.attributes.includes("user_count") && !Names.isPresence(name)) {
          return fail("options.info", "user_count can only be asked for on a presence- channel")
        }
        return Either.right({ path: `/channels/${name}`, params: [["info", info.joined]] })
      })
  )

/** A channel name that becomes a URL path segment. */
const channelName = (field: string, name: unknown): Either.Either<string, ValidationError> =>
  Either.flatMap(toEither(Events.checkChannel(field, name)), (checked) => {
    const failure = Names.checkPathSegment(field, checked)
    return failure === undefined ? Either.right(checked) : Either.left(toError(failure))
  })

/** @internal `GET /channels/{name}/users`, for a presence channel. */
export const users = (name: unknown): Either.Either<Request, ValidationError> =>
  Either.flatMap(toEither(Events.checkChannel("name", name)), (checked) =>
    Names.isPresence(checked)
      ? Either.right({ path: `/channels/${checked}/users`, params: [] })
      : fail("name", "must be a presence- channel"))

/** @internal `POST /users/{userId}/terminate_connections`. */
export const terminateUserConnections = (userId: unknown): Either.Either<Request, ValidationError> =>
  Either.map(
    toEither(Events.checkUserId("userId", userId)),
    (id) => ({ path: `/users/${id}/terminate_connections`, params: [] })
  )

/** @internal A raw request's input, each read once. */
export interface RawInput {
  readonly path: unknown
  readonly params: unknown
}

/** @internal A copy of a record of query parameters (arrays copied too); anything else as is. */
export const readParams = (params: unknown): unknown => {
  if (!Json.isRecord(params)) return params
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(params)) copy[key] = readList(params[key])
  return copy
}

/** @internal A raw request to any path. */
export const raw = (input: RawInput): Either.Either<Request, ValidationError> => {
  const failure = Query.checkPath("path", input.path)
  if (failure !== undefined || typeof input.path !== "string") {
    return Either.left(toError(failure ?? { field: "path", rule: "must be a string" }))
  }
  const path = input.path
  return Either.map(toEither(Query.checkParams("params", input.params)), (params) => ({ path, params }))
}

/** @internal A raw POST's body, as JSON. */
export const jsonBody = (body: unknown): Either.Either<string, ValidationError> => toEither(Json.toJson("body", body))
