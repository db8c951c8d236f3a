import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as Client from "./client.js"

// Every answer schema of the REST API, and the decoders compiled from them; `Pusher.ts` publishes the schemas.
// Every call is marked pure, the inner ones too: a bundler drops an unused pure call only if its arguments
// are free of side effects, so a Worker that only triggers keeps `TriggerResult` and drops the others
// (`pnpm check:size`: +19.5 → +18.8 KB gzipped loaded).

const NonNegativeInt = /* @__PURE__ */ Schema.Int.check(/* @__PURE__ */ Schema.isGreaterThanOrEqualTo(0))

// The fields of `ChannelAttributes`, also fields of `ChannelResult`: named once each, since a spread of
// `ChannelAttributes.fields` reads properties, which a bundler cannot prove free of side effects. Their
// wire names (`subscription_count`, `user_count`) are given by `attributeKeys`.
const subscriptionCount = /* @__PURE__ */ Schema.optional(NonNegativeInt)
const userCount = /* @__PURE__ */ Schema.optional(NonNegativeInt)
const attributeKeys = { subscriptionCount: "subscription_count", userCount: "user_count" } as const

/** @internal */
export const ChannelAttributes = /* @__PURE__ */ Schema.Struct({ subscriptionCount, userCount }).pipe(
  /* @__PURE__ */ Schema.encodeKeys(attributeKeys)
)

/** @internal Per-channel attributes, as decoded. */
export type ChannelAttributes = typeof ChannelAttributes.Type

/** @internal */
export const TriggerResult = /* @__PURE__ */ Schema.Struct({
  channels: /* @__PURE__ */ Schema.optional(/* @__PURE__ */ Schema.Record(Schema.String, ChannelAttributes))
})

/** @internal */
export type TriggerResult = typeof TriggerResult.Type

/** @internal */
export const TriggerBatchResult = /* @__PURE__ */ Schema.Struct({
  batch: /* @__PURE__ */ Schema.optional(/* @__PURE__ */ Schema.Array(ChannelAttributes))
})

/** @internal */
export type TriggerBatchResult = typeof TriggerBatchResult.Type

/** @internal */
export const ChannelsResult = /* @__PURE__ */ Schema.Struct({
  channels: /* @__PURE__ */ Schema.Record(Schema.String, ChannelAttributes)
})

const Cache = /* @__PURE__ */ Schema.Struct({ data: Schema.String, ttl: Schema.Number })

/**
 * `cache` is absent unless asked for; an empty cache channel answers `"cache": null` (as the docs say),
 * which decodes as absent too, so the type stays `cache?: { data, ttl }`.
 *
 * @internal
 */
export const ChannelResult = /* @__PURE__ */ Schema.Struct({
  occupied: Schema.Boolean,
  subscriptionCount,
  userCount,
  cache: /* @__PURE__ */ Schema.optional(/* @__PURE__ */ Schema.NullOr(Cache)).pipe(
    /* @__PURE__ */ Schema.decodeTo(/* @__PURE__ */ Schema.optional(Cache), {
      decode: /* @__PURE__ */ SchemaGetter.transformOptional(
        /* @__PURE__ */ Option.filter((cache) => cache !== null && cache !== undefined)
      ),
      encode: /* @__PURE__ */ SchemaGetter.passthroughSubtype()
    })
  )
}).pipe(/* @__PURE__ */ Schema.encodeKeys(attributeKeys))

/** @internal */
export const User = /* @__PURE__ */ Schema.Struct({ id: Schema.String })

/** @internal */
export const UsersResult = /* @__PURE__ */ Schema.Struct({ users: /* @__PURE__ */ Schema.Array(User) })

/** @internal */
export const decodeTrigger = /* @__PURE__ */ Client.decoder(TriggerResult)
/** @internal */
export const decodeBatch = /* @__PURE__ */ Client.decoder(TriggerBatchResult)
/** @internal */
export const decodeChannels = /* @__PURE__ */ Client.decoder(ChannelsResult)
/** @internal */
export const decodeChannel = /* @__PURE__ */ Client.decoder(ChannelResult)
/** @internal */
export const decodeUsers = /* @__PURE__ */ Client.decoder(UsersResult)
/** @internal */
export const decodeAnything = /* @__PURE__ */ Client.decoder(Schema.Unknown)
/** @internal An answer whose body carries nothing the caller needs. */
export const ignoreBody: Client.Decoder<void> = () => nothing

const nothing = /* @__PURE__ */ Result.succeed(undefined)
