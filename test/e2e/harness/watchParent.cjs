/* global process, setInterval */
// Preloaded into soketi (`node -r`): soketi exits as soon as the process that started it is gone, so even a
// test run killed with SIGKILL leaves no server behind.
const parent = process.ppid
setInterval(() => {
  let alive = process.ppid === parent
  if (alive) {
    try {
      process.kill(parent, 0)
    } catch {
      alive = false
    }
  }
  if (!alive) process.exit(0)
}, 250).unref()
