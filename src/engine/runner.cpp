#include "httpbench/engine/runner.hpp"

#include <algorithm>
#include <barrier>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "httpbench/engine/async_client.hpp"
#include "httpbench/engine/process_memory.hpp"
#include "httpbench/engine/progress.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/engine/sync_client.hpp"
#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/recorder.hpp"

namespace httpbench {

using std::chrono::nanoseconds;

namespace {

bool stopped(const std::atomic<bool>& stop) {
  return stop.load(std::memory_order_relaxed);
}

// Sleeps until `when` in slices of at most 100 ms; returns false when `stop` was set.
bool sleep_until(Clock::time_point when, const std::atomic<bool>& stop) {
  while (Clock::now() < when) {
    if (stopped(stop)) return false;
    std::this_thread::sleep_until(std::min(when, Clock::now() + std::chrono::milliseconds(100)));
  }
  return !stopped(stop);
}

// The loop of one blocking client: take the next request number, wait for its intended time in
// open loop, send it. `progress` is null for the warm-up.
void blocking_phase(SyncClient& client, Recorder& recorder, std::atomic<std::uint64_t>& next,
                    const Schedule& schedule, const std::atomic<bool>& stop, Progress* progress) {
  while (!stopped(stop)) {
    const auto now = Clock::now();
    const std::uint64_t number = next.fetch_add(1, std::memory_order_relaxed);
    const auto when = schedule.intended(number, now);
    if (!when) break;
    if (schedule.too_late(*when, now)) {
      // Skips to the first request still on time; the skipped ones count as dropped.
      const std::uint64_t on_time = schedule.first_on_time(now);
      std::uint64_t seen = number + 1;
      while (seen < on_time &&
             !next.compare_exchange_weak(seen, on_time, std::memory_order_relaxed)) {
      }
      continue;
    }
    if (*when > now && !sleep_until(*when, stop)) break;
    const std::uint64_t failed_before = recorder.failed();
    if (!client.run_one(recorder, stop, *when, number)) break;
    if (schedule.end() && Clock::now() > *schedule.end()) recorder.record_after_deadline();
    if (progress) progress->add(recorder.failed() == failed_before, Clock::now(), *when, recorder);
  }
}

// A worker's Recorder for the measured phase (with per-line figures for --urls).
Recorder measuring_recorder(const ClientConfig& config, const RunPlan& plan) {
  Recorder r(plan.main.open_loop(), config.ok_status);
  r.track_urls(config.line_requests.size());
  return r;
}

// Places the measured phase, just ended, in wall-clock time (Unix seconds). steady_clock measured
// it; the system clock only dates it, so that results of separate processes can be merged.
void stamp_wall_clock(RunTiming& timing) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  timing.ended_at = std::chrono::duration<double>(now).count();
  timing.started_at = timing.ended_at - std::chrono::duration<double>(timing.elapsed).count();
}

// Open loop, at the end of the measured phase: the requests the schedule made due that no worker
// sent.
void record_dropped(Recorder& recorder, const Schedule& schedule, const std::atomic<bool>& stop) {
  const auto stopped_at = stopped(stop) ? std::optional(Clock::now()) : std::nullopt;
  recorder.record_dropped(schedule.dropped(recorder.started(), stopped_at));
}

// Sends a worker's warm-up requests on its client, recording nothing.
void warm_up(SyncClient& client, Schedule warmup, const std::atomic<bool>& stop) {
  Recorder discarded;
  std::atomic<std::uint64_t> next{0};
  warmup.begin(Clock::now());
  blocking_phase(client, discarded, next, warmup, stop, nullptr);
}

RunResult run_sync(const ClientConfig& config, RunPlan plan, Protocol protocol,
                   const std::atomic<bool>& stop, Progress* progress) {
  Recorder recorder = measuring_recorder(config, plan);
  SyncClient client(config, protocol);
  warm_up(client, plan.warmup_for(0), stop);
  std::atomic<std::uint64_t> next{0};
  const auto cpu_start = thread_cpu_time();
  const auto start = Clock::now();
  recorder.start_timeline(start, plan.interval);
  plan.main.begin(start);
  blocking_phase(client, recorder, next, plan.main, stop, progress);
  record_dropped(recorder, plan.main, stop);
  RunTiming timing{Clock::now() - start, thread_cpu_time() - cpu_start, stopped(stop)};
  stamp_wall_clock(timing);
  return summarize_run(Mode::sync, recorder, timing);
}

// The run_in_executor pattern: a pool of OS threads, each with its own blocking client and
// Recorder, taking request numbers from a shared counter. Recorders are merged after the join.
RunResult run_threads(const ClientConfig& config, RunPlan plan, Protocol protocol,
                      const std::atomic<bool>& stop, Progress* progress) {
  const std::uint64_t n_threads = plan.workers;
  std::vector<Recorder> recorders(n_threads, measuring_recorder(config, plan));
  std::vector<nanoseconds> cpu(n_threads, nanoseconds{0});
  std::atomic<std::uint64_t> next{0};
  Clock::time_point start;
  bool start_failed = false;
  std::string start_error;
  // Every thread finishes its warm-up before any measured request is sent.
  std::barrier phase_gate(static_cast<std::ptrdiff_t>(n_threads), [&]() noexcept {
    start = Clock::now();
    plan.main.begin(start);
    // One time base for every worker, so their timelines line up when merged.
    for (Recorder& r : recorders)
      r.start_timeline(start, plan.interval);
  });
  {
    std::vector<std::jthread> workers;
    workers.reserve(n_threads);
    for (std::uint64_t t = 0; t < n_threads && !start_failed; ++t) {
      try {
        workers.emplace_back([&, t] {
          SyncClient client(config, protocol);
          warm_up(client, plan.warmup_for(t), stop);
          phase_gate.arrive_and_wait();
          if (start_failed) return;
          const auto cpu_start = thread_cpu_time();
          blocking_phase(client, recorders[t], next, plan.main, stop, progress);
          cpu[t] = thread_cpu_time() - cpu_start;
        });
      } catch (const std::system_error& e) {
        start_failed = true;
        start_error = e.what();
        // Stand in at the gate for the threads that could not start.
        for (std::uint64_t missing = t; missing < n_threads; ++missing)
          phase_gate.arrive_and_drop();
      }
    }
  }
  if (start_failed) {
    throw UsageError(
        fmt::format("cannot start {} threads ({}): lower --concurrency", n_threads, start_error));
  }
  RunTiming timing{Clock::now() - start, nanoseconds{0}, stopped(stop)};
  stamp_wall_clock(timing);
  Recorder total(plan.main.open_loop());
  nanoseconds total_cpu{0};
  for (std::uint64_t t = 0; t < n_threads; ++t) {
    total.merge(recorders[t]);
    total_cpu += cpu[t];
  }
  record_dropped(total, plan.main, stop);
  timing.cpu = total_cpu;
  timing.client_threads = n_threads;
  return summarize_run(Mode::threads, total, timing);
}

// One io_context per thread (wrk's model), each with its share of the connections, requests
// and rate and its own Recorder; the recorders are merged after the join, so the threads share
// nothing while they run. One thread (the default) runs on the calling thread.
RunResult run_async(const ClientConfig& config, const ModeRun& run, const std::atomic<bool>& stop,
                    Progress* progress) {
  const std::uint64_t n = run.loops.size();
  std::vector<Recorder> recorders(n, measuring_recorder(config, run.plan));
  std::vector<RunTiming> timings(n);
  auto run_part = [&](std::uint64_t i) {
    run_async_connections(config, run.loops[i], run.protocol, run.streams, recorders[i], timings[i],
                          stop, progress);
  };
  if (n == 1) {
    run_part(0);
  } else {
    std::vector<std::jthread> threads;
    for (std::uint64_t i = 0; i < n; ++i)
      threads.emplace_back(run_part, i);
  }
  Recorder total(run.plan.main.open_loop());
  RunTiming timing;
  for (std::uint64_t i = 0; i < n; ++i) {
    total.merge(recorders[i]);
    // The parts start together and run side by side: the run lasts as long as the slowest.
    timing.elapsed = std::max(timing.elapsed, timings[i].elapsed);
    timing.cpu += timings[i].cpu;
    timing.interrupted = timing.interrupted || timings[i].interrupted;
  }
  stamp_wall_clock(timing);
  timing.client_threads = n;
  return summarize_run(Mode::async, total, timing);
}

}  // namespace

RunResult run_mode(const ModeRun& run, const ClientConfig& config, const std::atomic<bool>& stop,
                   Progress* progress) {
  if (progress) progress->reset();
  // The peak resident memory during this mode alone, from the memory it started with.
  reset_peak_resident();
  const std::uint64_t rss_start = resident_kb();
  RunResult result;
  switch (run.mode) {
    case Mode::sync:
      result = run_sync(config, run.plan, run.protocol, stop, progress);
      break;
    case Mode::threads:
      result = run_threads(config, run.plan, run.protocol, stop, progress);
      break;
    case Mode::async:
      result = run_async(config, run, stop, progress);
      break;
  }
  result.protocol = run.protocol;
  result.streams_per_connection = run.streams;
  result.open_loop = run.rate > 0;
  result.target_rate = run.rate;
  result.concurrency_requested = run.concurrency;
  for (std::size_t i = 0; i < result.urls.size() && i < run.url_labels.size(); ++i)
    result.urls[i].label = run.url_labels[i];
  result.rss_start_kb = rss_start;
  result.rss_peak_kb = std::max(peak_resident_kb(), rss_start);
  return result;
}

}  // namespace httpbench
