// What a start-up bench app (app.mjs, app.cjs) reports: one JSON line when the process exits, so after the preload's
// exit flush: when its first line ran (ms since the process started), its CPU (ms) and its peak RSS (MiB).
exports.reportAtExit = (firstLineMs) => {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const report = {
      firstLineMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  });
};
