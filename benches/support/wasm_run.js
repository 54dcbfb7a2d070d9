// Times the wasm32 build of the stream workloads under Node (called by
// benches/streams.rs). Usage:
//   node wasm_run.js <wasm_bench.js> <streams|pubsub> <runs> <entries> <ops> <pel> <deliveries>
// `streams` runs the throughput and consumer-group workloads, `pubsub` the pub/sub ones.
// `node wasm_run.js <wasm_bench.js> session <steps> <seeks> <ops> <runs>` is the session
// benchmark's half (benches/session.rs): `BUILD s <secs>`, `SEEK ms <each seek>`,
// `SESSION ops <each run>`, `BARE ops <each run>`.
// Prints one line per workload: `NAME ops <ops/s of each run>` or `NAME skip <reason>`.
// The group workloads print two lines, `NAME` (commands/s) and `NAME_ENTRIES`
// (entries/s): the work-queue loop on a stream of <entries>, XAUTOCLAIM on a PEL of <pel>.
// The pub/sub workloads print `PUBSUB_<name> ops <deliveries/s of each run>`, each
// run about <deliveries> frames (`publishes_per_run` of workload.rs).
const bench = require(process.argv[2]);
const part = process.argv[3];
const [runs, entries, ops, pel, deliveries] = process.argv.slice(4).map(Number);

function session() {
  const [steps, seeks, n, rounds] = process.argv.slice(4).map(Number);
  const secs = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
  let t0 = process.hrtime.bigint();
  bench.session_build(steps);
  console.log(`BUILD s ${secs(t0).toFixed(1)}`);
  const times = [];
  for (const k of bench.session_targets(seeks)) {
    t0 = process.hrtime.bigint();
    bench.session_seek(k);
    times.push((secs(t0) * 1e3).toFixed(2));
  }
  console.log(`SEEK ms ${times.join(" ")}`);
  bench.session_drop();
  const session = [];
  const bare = [];
  for (let r = 0; r < rounds; r++) {
    t0 = process.hrtime.bigint();
    const a = bench.bare_run(n);
    bare.push((n / secs(t0)).toFixed(0));
    t0 = process.hrtime.bigint();
    const b = bench.session_run(n);
    session.push((n / secs(t0)).toFixed(0));
    if (a !== b) throw new Error(`the session printed ${b} lines, the bare engine ${a}`);
  }
  console.log(`SESSION ops ${session.join(" ")}`);
  console.log(`BARE ops ${bare.join(" ")}`);
}

function streams() {
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

  // The consumer-group workloads: [name, what group_load builds, its size].
  const groups = [
    ["WORKQUEUE", "WORKQUEUE", entries],
    ["XAUTOCLAIM", "PEL", pel],
    ["XAUTOCLAIM_JUSTID", "PEL", pel],
  ];
  let loaded = null;
  for (const [w, kind, size] of groups) {
    const reason = bench.unavailable(w);
    if (reason !== undefined) {
      const line = `skip the engine answers ${JSON.stringify(reason)}`;
      console.log(`${w} ${line}\n${w}_ENTRIES ${line}`);
      continue;
    }
    const commands = [];
    const drained = [];
    try {
      if (loaded !== kind) {
        bench.group_load(kind, size);
        loaded = kind;
      }
      for (let r = 0; r < runs; r++) {
        if (w === "WORKQUEUE") bench.group_reset();
        const t0 = process.hrtime.bigint();
        const [n, e] = bench.group_run(w);
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        const expected = w === "WORKQUEUE" ? size : 2 * size;
        if (e !== expected) throw `${e} entries instead of ${expected}`;
        commands.push((n / secs).toFixed(0));
        drained.push((e / secs).toFixed(0));
      }
    } catch (e) {
      console.log(`${w} skip ${e}\n${w}_ENTRIES skip ${e}`);
      continue;
    }
    console.log(`${w} ops ${commands.join(" ")}\n${w}_ENTRIES ops ${drained.join(" ")}`);
  }
}

function pubsub() {
  // The pub/sub workloads: [name, PubSub::new's kind, its n].
  const pubsub = [
    ["PUBSUB_1", "CHANNEL", 1],
    ["PUBSUB_100", "CHANNEL", 100],
    ["PUBSUB_10000", "CHANNEL", 10000],
    ["PUBSUB_100000", "CHANNEL", 100000],
    ["PUBSUB_PATTERNS_ONE", "PATTERNS_ONE", 0],
    ["PUBSUB_PATTERNS_ALL", "PATTERNS_ALL", 0],
  ];
  for (const [w, kind, n] of pubsub) {
    const rates = [];
    try {
      const fanout = bench.pubsub_load(kind, n);
      const k = Math.max(1, Math.floor(deliveries / fanout));
      for (let r = 0; r < runs; r++) {
        const t0 = process.hrtime.bigint();
        const got = bench.pubsub_run(k);
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        if (got !== k * fanout) throw `${got} frames instead of ${k * fanout}`;
        rates.push((got / secs).toFixed(0));
      }
    } catch (e) {
      console.log(`${w} skip ${e}`);
      continue;
    }
    console.log(`${w} ops ${rates.join(" ")}`);
  }
}

if (part === "streams") streams();
else if (part === "session") session();
else if (part === "pubsub") pubsub();
else throw new Error(`no part ${part}`);
