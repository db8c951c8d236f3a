import * as Events from "@effect-pusher/protocol/Events"
import * as Json from "@effect-pusher/protocol/Json"
import * as Names from "@effect-pusher/protocol/Names"
import * as Query from "@effect-pusher/protocol/Query"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as HttpClient from "effect/http/HttpClient"
import type * as PusherConfig from "../PusherConfig.js"
import type { PusherError, ValidationError } from "../PusherError.js"
import * as Client from "./client.js"
import { readList } from "./event.js"
import * as Retry from "./retry.js"
import { toEither, toError } from "./validation.js"

// The query operations (channels, channel, users, terminate, raw get/post): snapshot, checks, request.

/** @internal A checked request: method, path (relative to `/apps/{appId}`), query parameters and body. */
export interface Request {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly params: ReadonlyArray<Query.Param>
  readonly body: string | undefined
}

/**
 * Runs a query operation: `read` snapshots the caller's input (the only guarded step), `check` turns the
 * snapshot into a request, which is sent.
 *
 * @internal
 */
export const operation = <S, A>(
  name: string,
  read: () => S,
  check: (snapshot: S) => Either.Either<Request, ValidationError>,
  decode: Client.Decoder<A>
): Effect.Effect<A, PusherError, PusherConfig.PusherConfig | HttpClient.HttpClient> =>
  Client.requestOperation(name, read, (snapshot, requestContext, context) =>
    Either.match(check(snapshot), {
      onLeft: Effect.fail,
      onRight: (request) =>
        Retry.send(
          Retry.policyOf(context),
          requestContext,
          request.method,
          request.path,
          request.params,
          request.body,
          decode
        )
    }))

const fail = (field: string, rule: string): Either.Either<never, ValidationError> =>
  Either.left(toError({ field, rule }))

const get = (path: string, params: ReadonlyArray<Query.Param>): Request => ({
  method: "GET",
  path,
  params,
  body: undefined
})

/** @internal `keys`: the options' own keys, `undefined` when the options are not an object. */
export interface InfoInput {
  readonly name: unknown
  readonly info: unknown
  readonly keys: ReadonlyArray<string> | undefined
}

/** @internal */
export interface ChannelsInput {
  readonly prefix: unknown
  readonly info: unknown
  readonly keys: ReadonlyArray<string> | undefined
}

/** An option of a bag, read once; a bag that is not an object reads as nothing (its keys check refuses it). */
const option = (bag: unknown, key: string): unknown =>
  typeof bag === "object" && bag !== null ? Reflect.get(bag, key) : undefined

/** @internal */
export const readChannels = (options: unknown): ChannelsInput => ({
  prefix: option(options, "filterByPrefix"),
  info: readList(option(options, "info")),
  keys: Json.keysOf(options)
})

const channelsInfo = ["user_count", "subscription_count"] as const

/** @internal `GET /channels`: `user_count` needs a `presence-` prefix. */
export const channels = (input: ChannelsInput): Either.Either<Request, ValidationError> => {
  const unknownKey = Json.checkKeys("options", input.keys, Query.channelsOptionKeys)
  if (unknownKey !== undefined) return Either.left(toError(unknownKey))
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
    if (info === undefined) return Either.right(get("/channels", params))
    if (info.attributes.includes("user_count") && !Names.isPresence(prefix)) {
      return fail("options.info", "user_count can only be asked for with a filterByPrefix that starts with presence-")
    }
    params.push(["info", info.joined])
    return Either.right(get("/channels", params))
  })
}

/** @internal */
export const readChannel = (name: unknown, options: unknown): InfoInput => ({
  name,
  info: readList(option(options, "info")),
  keys: Json.keysOf(options)
})

const channelInfo = ["user_count", "subscription_count", "cache"] as const

/** A channel name that becomes a URL path segment. */
const channelName = (field: string, name: unknown): Either.Either<string, ValidationError> =>
  Either.flatMap(toEither(Events.checkChannel(field, name)), (checked) => {
    const failure = Names.checkPathSegment(field, checked)
    return failure === undefined ? Either.right(checked) : Either.left(toError(failure))
  })

/** @internal `GET /channels/{name}`: `user_count` is for presence channels only. */
export const channel = (input: InfoInput): Either.Either<Request, ValidationError> =>
  Either.flatMap(
    Either.flatMap(
      channelName("name", input.name),
      (name) => {
        const unknownKey = Json.checkKeys("options", input.keys, Query.channelOptionKeys)
        return unknownKey === undefined ? Either.right(name) : Either.left(toError(unknownKey))
      }
    ),
    (name) =>
      Either.flatMap(toEither(Query.checkInfo("options.info", input.info, channelInfo)), (info) => {
        if (info === undefined) return Either.right(get(`/channels/${name}`, []))
        if (info.attributes.includes("user_count") && !Names.isPresence(name)) {
          return fail("options.info", "user_count can only be asked for on a presence- channel")
        }
        return Either.right(get(`/channels/${name}`, [["info", info.joined]]))
      })
  )

/** @internal `GET /channels/{name}/users`, for a presence channel. */
export const users = (name: unknown): Either.Either<Request, ValidationError> =>
  Either.flatMap(toEither(Events.checkChannel("name", name)), (checked) =>
    Names.isPresence(checked)
      ? Either.right(get(`/channels/${checked}/users`, []))
      : fail("name", "must be a presence- channel"))

/** @internal `POST /users/{userId}/terminate_connections`. */
export const terminateUserConnections = (userId: unknown): Either.Either<Request, ValidationError> =>
  Either.map(
    toEither(Events.checkUserId("userId", userId)),
    (id): Request => ({ method: "POST", path: `/users/${id}/terminate_connections`, params: [], body: "{}" })
  )

/** @internal A raw request's input, each read once. */
export interface RawInput {
  readonly path: unknown
  readonly params: unknown
  readonly body: unknown
}

/** @internal The parameters' record is copied (arrays too); anything else is kept as is, for its check. */
export const readRaw = (path: unknown, params: unknown, body: unknown): RawInput => {
  if (!Json.isRecord(params)) return { path, params, body }
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(params)) copy[key] = readList(params[key])
  return { path, params: copy, body }
}

const raw = (input: RawInput): Either.Either<readonly [string, Array<Query.Param>], ValidationError> => {
  const failure = Query.checkPath("path", input.path)
  if (failure !== undefined || typeof input.path !== "string") {
    return Either.left(toError(failure ?? { field: "path", rule: "must be a string" }))
  }
  const path = input.path
  return Either.map(toEither(Query.checkParams("params", input.params)), (params) => [path, params] as const)
}

/** @internal A raw GET. */
export const rawGet = (input: RawInput): Either.Either<Request, ValidationError> =>
  Either.map(raw(input), ([path, params]) => get(path, params))

/**
 * @internal A raw POST, its body sent as JSON; without a body (`undefined`), an empty POST with no
 * `body_md5`, as pusher-http-node sends one.
 */
export const rawPost = (input: RawInput): Either.Either<Request, ValidationError> =>
  Either.flatMap(
    raw(input),
    ([path, params]) =>
      input.body === undefined
        ? Either.right({ method: "POST", path, params, body: undefined })
        : Either.map(
          toEither(Json.toJson("body", input.body)),
          (body): Request => ({ method: "POST", path, params, body })
        )
  )
