#include "httpbench/cli/plan.hpp"

#include <algorithm>

#include "httpbench/cli/check_parser.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/scale/shard.hpp"

namespace httpbench {

namespace {

// The share of `total` that part `index` of `parts` takes: exact, the first `total % parts`
// parts take one more; an unlimited total stays unlimited.
std::uint64_t split(std::uint64_t total, std::uint64_t parts, std::uint64_t index) {
  if (total == Schedule::kUnlimited) return total;
  return share_of(total, Shard{index, parts});
}

WorkPart part_of(const Options& o) {
  WorkPart whole{o.requests, o.concurrency, o.warmup_requests, o.rate};
  if (!o.shard) return whole;
  const Shard& shard = *o.shard;
  WorkPart part;
  part.requests = split(whole.requests, shard.count, shard.index);
  part.concurrency = share_of(whole.concurrency, shard);
  part.warmup_requests = share_of(whole.warmup_requests, shard);
  part.rate = whole.rate / static_cast<double>(shard.count);
  return part;
}

// Requests in flight per event loop for an async run of `streams` streams per connection: each
// loop gets whole connections (`loops` of them share ceil(workers / streams) connections as
// evenly as they go), and each connection `streams` requests but the last, which takes the rest.
std::vector<std::uint64_t> loop_workers(std::uint64_t workers, std::uint64_t streams,
                                        std::uint64_t loops) {
  const std::uint64_t connections = (workers + streams - 1) / streams;
  std::vector<std::uint64_t> out;
  std::uint64_t left = workers;
  for (std::uint64_t i = 0; i < loops; ++i) {
    const std::uint64_t mine = std::min(left, split(connections, loops, i) * streams);
    out.push_back(mine);
    left -= mine;
  }
  return out;
}

// Mode `kind` doing `part` with `concurrency` requests in flight (the part's, or a sweep level).
ModeRun mode_run(RunKind kind, const Options& o, const WorkPart& part, std::uint64_t concurrency) {
  const Mode mode = kind.mode;
  ModeRun run;
  run.mode = mode;
  run.protocol = kind.protocol;
  run.streams = o.streams_per_connection(kind);
  RunPlan& plan = run.plan;
  plan.workers = mode == Mode::sync ? 1 : std::min(concurrency, part.requests);
  plan.warmup_requests = part.warmup_requests;
  plan.warmup_duration = o.warmup_duration;
  plan.main = Schedule(part.requests, o.duration, part.rate, o.timeout);
  plan.interval = o.interval;
  if (mode == Mode::async) {
    // One event loop per -t, each with its share of the connections, requests, warm-up and
    // rate; never more loops than connections. `workers` count requests in flight: over HTTP/2
    // a loop opens ceil(workers / streams) connections, and gets whole connections.
    const std::uint64_t connections = (plan.workers + run.streams - 1) / run.streams;
    const std::uint64_t n = std::min(o.io_threads, connections);
    const std::vector<std::uint64_t> workers = loop_workers(plan.workers, run.streams, n);
    for (std::uint64_t i = 0; i < n; ++i) {
      RunPlan loop = plan;
      loop.workers = workers[i];
      loop.warmup_requests = split(plan.warmup_requests, n, i);
      loop.main = Schedule(split(part.requests, n, i), o.duration,
                           part.rate / static_cast<double>(n), o.timeout);
      run.loops.push_back(std::move(loop));
    }
  }
  run.rate = part.rate;
  run.concurrency = mode == Mode::sync ? 1 : concurrency;
  for (const RequestLine& line : o.request_lines)
    run.url_labels.push_back(line.label());
  return run;
}

}  // namespace

RunShape run_shape(const Options& options) {
  RunShape shape;
  shape.url = options.target.url();
  shape.method = options.method;
  shape.modes = options.modes;
  shape.concurrency = options.concurrency;
  shape.rate = options.rate;
  shape.http_version = options.http10 ? "1.0" : "1.1";
  shape.keep_alive = options.keep_alive;
  shape.protocols.clear();
  for (std::size_t i = 0; i < options.modes.size(); ++i)
    shape.protocols.push_back(options.protocol_of(i));
  if (options.any_http2()) shape.streams = options.streams.value_or(defaults::kHttp2Streams);
  return shape;
}

BenchmarkPlan make_plan(const Options& options) {
  BenchmarkPlan plan;
  plan.checks = parse_checks(options.checks, options.run_kinds(), options.compare,
                             options.http2 ? Protocol::http2 : Protocol::http1);
  if (options.baseline_file) {
    plan.baseline = load_baseline(*options.baseline_file);
    if (!options.baseline_any) require_like_baseline(*plan.baseline, run_shape(options));
  }
  plan.part = part_of(options);
  if (!options.sweep.empty()) {
    // A sweep varies the concurrency only (--shard is refused with it: the part is the whole).
    const RunKind async{Mode::async, options.protocol_of(0)};
    for (std::uint64_t level : options.sweep)
      plan.sweep.levels.push_back(mode_run(async, options, plan.part, level));
    plan.sweep.stop_past_knee = options.sweep_auto;
  } else {
    for (const RunKind& kind : options.run_kinds())
      plan.modes.push_back(mode_run(kind, options, plan.part, plan.part.concurrency));
  }
  return plan;
}

}  // namespace httpbench
