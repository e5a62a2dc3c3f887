// Echo child for bench/sandbox.mjs: the bare Node IPC round trip, the floor
// under any host channel between two processes.
process.on('message', (m) => process.send(m));
