import * as fc from "fast-check"

/** Field values as a sender might put them: right, wrong type, numeric ids, out of range, or absent. */
export const fieldValue = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53, -1, 1.5, 0, null, true),
  fc.jsonValue({ maxDepth: 1 })
)

const knownName = fc.constantFrom(
  "channel_occupied",
  "channel_vacated",
  "member_added",
  "member_removed",
  "client_event",
  "cache_miss",
  "subscription_count"
)

/** A named event, often of a known name, whose other fields may each be of any type or absent. */
export const malformedEvent = fc.record(
  {
    name: fc.oneof(knownName, fc.string({ maxLength: 8 })),
    channel: fieldValue,
    user_id: fieldValue,
    event: fieldValue,
    data: fieldValue,
    socket_id: fieldValue,
    subscription_count: fieldValue
  },
  { requiredKeys: ["name"] }
)

/** A valid envelope: an object, `time_ms` a number when given, `events` an array of named objects. */
export const envelope = fc.record(
  { time_ms: fc.nat(), events: fc.array(malformedEvent, { maxLength: 4 }), extra: fc.jsonValue({ maxDepth: 1 }) },
  { requiredKeys: ["events"] }
)

/** Events as Channels sends them, events of other names, and objects that are hardly events. */
const wireEvent = fc.oneof(
  fc.record({ name: fc.constantFrom("channel_occupied", "channel_vacated", "cache_miss"), channel: fc.string() }),
  fc.record({ name: fc.constantFrom("member_added", "member_removed"), channel: fc.string(), user_id: fc.string() }),
  fc.record({
    name: fc.constant("client_event"),
    channel: fc.string(),
    event: fc.string(),
    data: fc.jsonValue(),
    socket_id: fc.string(),
    user_id: fc.string()
  }, { requiredKeys: ["name", "channel", "event", "socket_id"] }),
  fc.record({ name: fc.constant("subscription_count"), channel: fc.string(), subscription_count: fc.integer() }),
  fc.record({ name: fc.string(), x: fc.jsonValue() }),
  fc.dictionary(fc.constantFrom("name", "channel", "user_id", "subscription_count"), fc.jsonValue()),
  malformedEvent,
  fieldValue
)

/** Anything a webhook body may parse to: valid envelopes, envelopes with a bad `time_ms` or events, any JSON. */
export const anyPayload = fc.oneof(
  envelope,
  fc.record({ time_ms: fc.integer(), events: fc.array(wireEvent, { maxLength: 4 }) }),
  fc.record({ time_ms: fieldValue, events: fc.array(wireEvent, { maxLength: 3 }) }),
  fc.jsonValue()
)
