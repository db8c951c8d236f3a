import * as EmulatorApi from "@effect-pusher/protocol/EmulatorApi"
import * as ReadonlyArray from "effect/Array"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type { ValidationError } from "../../PusherError.js"
import type * as PusherTest from "../../PusherTest.js"
import { decodeDuration } from "../duration.js"
import { fail } from "../validation.js"
import { type Emulator, logRequest, respond } from "./emulator.js"

type Answer = PusherTest.EmulatorAnswer

const response = (reply: EmulatorApi.Reply): Answer => ({ _tag: "Response", ...reply })

/** The answer a fault puts in place of processing the request. */
const faultAnswer = (fault: Exclude<PusherTest.Fault, { readonly _tag: "Delay" }>): Answer => {
  switch (fault._tag) {
    case "Status":
      return response(EmulatorApi.text(fault.status, fault.body ?? EmulatorApi.statusText(fault.status)))
    case "MalformedBody":
      return { _tag: "Response", status: 200, contentType: "application/json", body: fault.body ?? "{\"channels\":" }
    case "Transport":
      return { _tag: "TransportFault", description: fault.description ?? "connection reset by the emulator" }
  }
}

const answer = (
  emulator: Emulator,
  request: PusherTest.EmulatorRequest,
  fault: Option.Option<PusherTest.Fault>
): Effect.Effect<Answer> =>
  Effect.clockWith((clock) => {
    const now = clock.currentTimeMillisUnsafe()
    if (Option.isNone(fault) || fault.value._tag === "Delay") {
      return Effect.map(respond(emulator, request, now), response)
    }
    const faulted = faultAnswer(fault.value)
    return Effect.sync(() => {
      logRequest(emulator, request, faulted._tag === "Response" ? faulted.status : undefined, now)
      return faulted
    })
  })

/**
 * Answers one request: the next fault if one is queued, else the emulated API.
 *
 * @internal
 */
export const handle = (emulator: Emulator) => (request: PusherTest.EmulatorRequest): Effect.Effect<Answer> =>
  Effect.flatMap(
    Ref.modify(emulator.faults, (faults) => [ReadonlyArray.head(faults), faults.slice(1)] as const),
    (fault) =>
      Option.isSome(fault) && fault.value._tag === "Delay"
        ? Effect.andThen(Effect.sleep(fault.value.duration), answer(emulator, request, Option.none()))
        : answer(emulator, request, fault)
  )

const checkFault = (fault: PusherTest.Fault, times: number): ValidationError | undefined => {
  if (!Number.isSafeInteger(times) || times < 1 || times > 10_000) {
    return fail("times", "must be an integer from 1 to 10000")
  }
  if (fault._tag === "Status" && (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599)) {
    return fail("fault.status", "must be an error status from 400 to 599")
  }
  if (fault._tag === "Delay" && Option.isNone(decodeDuration(fault.duration))) {
    return fail("fault.duration", "must be a duration")
  }
  return undefined
}

/**
 * Queues a fault for the next `times` requests.
 *
 * @internal
 */
export const failNext = (
  emulator: Emulator,
  fault: PusherTest.Fault,
  times: number
): Effect.Effect<void, ValidationError> =>
  Effect.suspend(() => {
    const error = checkFault(fault, times)
    return error === undefined
      ? Ref.update(emulator.faults, (faults) => [...faults, ...ReadonlyArray.replicate(fault, times)])
      : Effect.fail(error)
  })
