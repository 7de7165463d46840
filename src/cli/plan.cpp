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

// Mode `mode` doing `part` with `concurrency` requests in flight (the part's, or a sweep level).
ModeRun mode_run(Mode mode, const Options& o, const WorkPart& part, std::uint64_t concurrency) {
  ModeRun run;
  run.mode = mode;
  RunPlan& plan = run.plan;
  plan.workers = mode == Mode::sync ? 1 : std::min(concurrency, part.requests);
  plan.warmup_requests = part.warmup_requests;
  plan.warmup_duration = o.warmup_duration;
  plan.main = Schedule(part.requests, o.duration, part.rate, o.timeout);
  plan.interval = o.interval;
  if (mode == Mode::async) {
    // One event loop per -t, each with its share of the connections, requests, warm-up and
    // rate; never more loops than connections.
    const std::uint64_t n = std::min(o.io_threads, plan.workers);
    for (std::uint64_t i = 0; i < n; ++i) {
      RunPlan loop = plan;
      loop.workers = split(plan.workers, n, i);
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
  return shape;
}

BenchmarkPlan make_plan(const Options& options) {
  BenchmarkPlan plan;
  plan.checks = parse_checks(options.checks, options.modes, options.compare);
  if (options.baseline_file) {
    plan.baseline = load_baseline(*options.baseline_file);
    if (!options.baseline_any) require_like_baseline(*plan.baseline, run_shape(options));
  }
  plan.part = part_of(options);
  if (!options.sweep.empty()) {
    // A sweep varies the concurrency only (--shard is refused with it: the part is the whole).
    for (std::uint64_t level : options.sweep)
      plan.sweep.levels.push_back(mode_run(Mode::async, options, plan.part, level));
    plan.sweep.stop_past_knee = options.sweep_auto;
  } else {
    for (Mode mode : options.modes)
      plan.modes.push_back(mode_run(mode, options, plan.part, plan.part.concurrency));
  }
  return plan;
}

}  // namespace httpbench
