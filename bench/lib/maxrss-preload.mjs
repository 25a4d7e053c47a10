// Preloaded (`node --import`) into a measured CLI process when /usr/bin/time is missing: at exit
// it writes the process's own peak RSS in KiB to $BENCH_RSS_OUT. VmHWM is the high-water mark of
// this process's memory map only; ru_maxrss (resourceUsage().maxRSS, the fallback off Linux) also
// counts the parent's pages at fork, since it survives execve.
import { readFileSync, writeFileSync } from 'node:fs';

process.on('exit', () => {
  let kib = process.resourceUsage().maxRSS;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) kib = Number(m[1]);
  } catch {
    // no /proc: keep maxRSS
  }
  writeFileSync(process.env.BENCH_RSS_OUT, String(kib));
});
