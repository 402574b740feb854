// Preloaded (`node --import`) into a process a benchmark measures: prints its peak RSS on stderr when it exits.
process.on("exit", () => {
  process.stderr.write(`max-rss-mb ${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
});
