// Preloaded into a server process by the crash test: SIGUSR2 makes an error that nothing catches, thrown from a
// timer as postgres.js's null socket write was, to show it is logged and the process exits non-zero.
process.on('SIGUSR2', () => {
  setImmediate(() => {
    throw new Error('deliberate uncaught error for the crash test');
  });
});
