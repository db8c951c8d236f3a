// What the Effect 4 line's bench processes check before measuring: that they run the Effect 4 packages of this
// workspace. From packages/effect4 Node resolves `effect` to 4.1 and `@effect-pusher/*` to packages/effect4's
// sources (with the `@effect-pusher/source` condition); a workspace that is not installed would silently get the
// root's Effect 3 line instead, and the "Effect 4" rows would measure Effect 3.
import { realpathSync } from "node:fs"
import { dirname, join, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { effectVersionFrom } from "../../../../scripts/bench-round.js"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

/**
 * The `effect` version this process runs on, after checking that it is 4.1 and that `@effect-pusher/core` and
 * `@effect-pusher/platform-node` are packages/effect4's sources; otherwise the reason, for the process to exit.
 */
export const checkEffect4 = (): { readonly effect: string } | { readonly problem: string } => {
  const effect = effectVersionFrom(import.meta.url)
  if (!effect.startsWith("4.1.")) {
    return { problem: `effect ${effect} resolves from packages/effect4, not 4.1: is packages/effect4 installed?` }
  }
  for (const name of ["core", "platform-node"]) {
    const resolved = realpathSync(fileURLToPath(import.meta.resolve(`@effect-pusher/${name}`)))
    const expected = realpathSync(join(effect4, name, "src")) + sep
    if (!resolved.startsWith(expected)) {
      return {
        problem: `@effect-pusher/${name} resolves to ${resolved}, not packages/effect4/${name}/src ` +
          "(run with --conditions=@effect-pusher/source, with packages/effect4 installed)"
      }
    }
  }
  return { effect }
}
