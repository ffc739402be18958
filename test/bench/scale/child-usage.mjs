// Loaded with `node --import` into a benchmarked command: at exit, its CPU time and peak memory on
// stderr, one line, for the parent to read (a child's rusage is not visible through spawnSync).
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nchild-usage cpu-ms=${(usage.userCPUTime + usage.systemCPUTime) / 1000} max-rss-kib=${usage.maxRSS}\n`);
});
