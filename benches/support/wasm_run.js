// Times the wasm32 build of the stream workloads under Node (called by
// benches/streams.rs). Usage: node wasm_run.js <wasm_bench.js> <runs> <entries> <ops>
// Prints one line per workload: `NAME ops <ops/s of each run>` or `NAME skip <reason>`.
const bench = require(process.argv[2]);
const [runs, entries, ops] = process.argv.slice(3).map(Number);
const workloads = ["XADD", "XRANGE", "XREAD"];
const reasons = Object.fromEntries(workloads.map((w) => [w, bench.unavailable(w)]));
if (workloads.some((w) => reasons[w] === undefined)) bench.load(entries);
for (const w of workloads) {
  if (reasons[w] !== undefined) {
    console.log(`${w} skip the engine answers ${JSON.stringify(reasons[w])}`);
    continue;
  }
  const rates = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    bench.run(w, ops);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push((ops / secs).toFixed(0));
  }
  console.log(`${w} ops ${rates.join(" ")}`);
}
