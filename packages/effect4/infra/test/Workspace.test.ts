// The two Effect lines live in two pnpm workspaces because their packages have the same names. These checks
// fail if that separation breaks: the workspaces merged (one `@effect-pusher/core` linked for both), or the
// Effect 4 sources resolving `effect` to the root's Effect 3 (Node walks up to the root's node_modules, so a
// missing dependency in packages/effect4 is silently found there).
import { readFileSync, realpathSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const root = join(effect4, "..", "..")

const versionAt = (dir: string): string =>
  (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version

/** Where pnpm linked `name` for the package in `from`, and that package's version. */
const linked = (from: string, name: string) => {
  const dir = realpathSync(join(from, "node_modules", name))
  return { dir, version: versionAt(dir) }
}

/** The `effect` a module in `dir` gets at runtime (Node's resolution, as the built packages use it). */
const effectFrom = (dir: string) => {
  const manifest = createRequire(join(dir, "index.js")).resolve("effect/package.json")
  return { manifest: realpathSync(manifest), version: versionAt(dirname(manifest)) }
}

describe("the Effect 4 workspace", () => {
  it("links the Effect 4 packages (1.x) in packages/effect4 and the Effect 3 ones (0.x) at the root", () => {
    const core4 = linked(effect4, "@effect-pusher/core")
    expect(core4.dir).toBe(realpathSync(join(effect4, "core")))
    expect(core4.version).toMatch(/^1\./)
    const fromPlatformNode4 = linked(join(effect4, "platform-node"), "@effect-pusher/core")
    expect(fromPlatformNode4.dir).toBe(core4.dir)
    const platformNode4 = linked(effect4, "@effect-pusher/platform-node")
    expect(platformNode4.dir).toBe(realpathSync(join(effect4, "platform-node")))
    expect(platformNode4.version).toMatch(/^1\./)

    const core3 = linked(root, "@effect-pusher/core")
    expect(core3.dir).toBe(realpathSync(join(root, "packages", "core")))
    expect(core3.version).toMatch(/^0\./)
    expect(linked(join(root, "packages", "platform-node"), "@effect-pusher/core").dir).toBe(core3.dir)
  })

  it("shares the one protocol package between both workspaces", () => {
    const protocol = realpathSync(join(root, "packages", "protocol"))
    expect(linked(join(effect4, "core"), "@effect-pusher/protocol").dir).toBe(protocol)
    expect(linked(join(effect4, "platform-node"), "@effect-pusher/protocol").dir).toBe(protocol)
    expect(linked(join(root, "packages", "core"), "@effect-pusher/protocol").dir).toBe(protocol)
  })

  it("resolves effect 4 from the Effect 4 sources and tests, effect 3 from the Effect 3 ones", () => {
    for (const dir of ["core/src", "core/test", "platform-node/src", "platform-node/test", "infra/runtimes"]) {
      expect({ dir, version: effectFrom(join(effect4, dir)).version }).toEqual({ dir, version: "4.1.0" })
    }
    for (const dir of ["packages/core/src", "packages/platform-node/src"]) {
      expect(effectFrom(join(root, dir)).version).toMatch(/^3\./)
    }
  })

  it("resolves effect 4 where vitest runs the Effect 4 sources", async () => {
    // The `effect` this file imports through vite, as the sources under test do: `effect/Result` and
    // `effect/References` exist in Effect 4 only (Effect 3 has `Either` and `FiberRef` instead).
    const Result = await import("effect/Result")
    const References = await import("effect/References")
    expect(Result.isSuccess(Result.succeed(1))).toBe(true)
    expect(typeof References).toBe("object")
  })
})
