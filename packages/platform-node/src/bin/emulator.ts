#!/usr/bin/env node
/**
 * `effect-pusher-emulator`: a local Channels server for developing without a Pusher account (`--help`).
 * Ctrl-C (SIGINT) or SIGTERM interrupts it: the server and its sockets close, and it exits with 0.
 *
 * @internal
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cli from "../internal/cli.js"

// Errors are printed by `Cli.main` (one line for a usage error); runMain only sets the exit code.
NodeRuntime.runMain(Cli.main(process.argv.slice(2), process.env), { disableErrorReporting: true })
