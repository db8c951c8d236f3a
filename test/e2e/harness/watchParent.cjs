// Preloaded into soketi (`node -r`): soketi exits as soon as the process that started it is gone, so even a
// test run killed with SIGKILL leaves no server behind.
const { process: self, setInterval: every } = globalThis
const parent = self.ppid
every(() => {
  let alive = self.ppid === parent
  if (alive) {
    try {
      self.kill(parent, 0)
    } catch {
      alive = false
    }
  }
  if (!alive) self.exit(0)
}, 250).unref()
