import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type PusherError, TransportError } from "../PusherError.js"
import * as PusherRetry from "../PusherRetry.js"
import * as Client from "./client.js"
import { TypeId } from "./retryLoop.js"

// The retry of every request (see `PusherRetry` for what is retried and when). The loop itself comes with
// the policy, in the value `PusherRetry.layer` or `withPolicy` put in the context (see `retryLoop.ts`): this
// module, on every request's path, does not import it.

/**
 * @internal The checked retry policy of a fiber's context, with its loop, if any. Its type says only
 * `PusherRetry.layer` or `withPolicy` made it; a value forged past the types is ignored rather than break
 * every request, as a forged `PusherBatching.Service` is.
 */
export const policyOf = (context: Context.Context<never>): PusherRetry.Installed | undefined => {
  const installed = Option.getOrUndefined(Context.get(context, PusherRetry.PusherRetry))
  return installed?.[TypeId] === TypeId ? installed : undefined
}

/** Whether `installed` retries a call: there is one, and the call is a read or the policy opted in for writes. */
const retries = (
  installed: PusherRetry.Installed | undefined,
  write: boolean
): installed is PusherRetry.Installed => installed !== undefined && (!write || installed.policy.writes === true)

/** @internal The policy under which a write may be retried: only one that opted in for writes. */
export const writePolicyOf = (context: Context.Context<never>): PusherRetry.Installed | undefined => {
  const installed = policyOf(context)
  return retries(installed, true) ? installed : undefined
}

/**
 * Runs `attempt` under `installed` (once when there is none, or when it is a write and the policy did not opt
 * in for writes), retrying transient failures with the policy's waits, a `Retry-After` being the least wait.
 * `budget` bounds the whole run: a wait that would end past it ends the retries with the last error, and an
 * attempt still running at the end fails with `onTimeout(attempts)`. Each retry is an event on the current
 * span, which gets the number of attempts as an attribute.
 *
 * @internal
 */
export const retrying = <A>(
  installed: PusherRetry.Installed | undefined,
  write: boolean,
  budget: Duration.Duration,
  onTimeout: (attempts: number) => PusherError,
  attempt: Effect.Effect<A, PusherError>
): Effect.Effect<A, PusherError> => retries(installed, write) ? installed.run(budget, onTimeout, attempt) : attempt

/** @internal The failure of a call whose attempts, retries included, outlasted its deadline. */
export const timeoutError = (
  method: string,
  path: string,
  timeout: Duration.Duration,
  attempts: number
): TransportError =>
  new TransportError({
    reason: "Timeout",
    method,
    path,
    description: `no complete answer within the configured timeout of ${Duration.format(timeout)} (${attempts} ${
      attempts === 1 ? "attempt" : "attempts"
    }, retries included)`
  })

/**
 * A signed request (`Client.send`) under `policy`: a POST is a write. The config's timeout bounds all its
 * attempts together.
 *
 * @internal
 */
export const send = <A>(
  policy: PusherRetry.Installed | undefined,
  requestContext: Client.RequestContext,
  method: "GET" | "POST",
  path: string,
  params: ReadonlyArray<readonly [string, string]>,
  body: string | undefined,
  decode: Client.Decoder<A>
): Effect.Effect<A, PusherError> => {
  const write = method === "POST"
  if (!retries(policy, write)) {
    return Client.send(requestContext, method, path, params, body, decode)
  }
  // The loop's timer bounds every attempt, none of which can outlast it: no timer per attempt.
  const attempt = Client.send(requestContext, method, path, params, body, decode, false)
  const timeout = requestContext.config.timeout
  return policy.run(timeout, (attempts) => timeoutError(method, path, timeout, attempts), attempt)
}
