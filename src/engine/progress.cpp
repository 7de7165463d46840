#include "httpbench/engine/progress.hpp"

#include <algorithm>

#include "httpbench/stats/recorder.hpp"

namespace httpbench {

namespace {

// What this thread last copied from its recorder into its slot, so that a copy adds only the
// difference (a slot may be shared, and a recorder's counts only grow).
struct CopyState {
  const void* progress = nullptr;
  std::uint64_t epoch = 0;
  const Recorder* recorder = nullptr;
  std::array<std::uint64_t, 6> status_classes{};
  std::array<std::uint64_t, kErrorKindCount> errors{};
  std::int64_t in_flight = 0;
  std::uint64_t late_starts = 0;
};

thread_local CopyState copy_state;

constexpr auto kCopyEvery = std::chrono::milliseconds(100);

}  // namespace

double ProgressSnapshot::percentile(double q) const {
  std::uint64_t total = 0;
  for (std::uint64_t c : latency)
    total += c;
  if (total == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total - 1)) + 1;
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < latency.size(); ++b) {
    seen += latency[b];
    if (seen >= rank) return std::min(CoarseLatency::value_of(b), static_cast<double>(max_ns));
  }
  return static_cast<double>(max_ns);
}

std::size_t Progress::slot_index() {
  static std::atomic<std::size_t> threads{0};
  thread_local const std::size_t index = threads.fetch_add(1, std::memory_order_relaxed) % kSlots;
  return index;
}

Clock::time_point& Progress::next_copy_at() {
  thread_local Clock::time_point at{};
  return at;
}

void Progress::update_max(Slot& s, std::uint64_t ns) {
  std::uint64_t seen = s.max_ns.load(std::memory_order_relaxed);
  while (ns > seen && !s.max_ns.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
  }
}

void Progress::copy_from(const Recorder& recorder, Clock::time_point now) {
  next_copy_at() = now + kCopyEvery;
  CopyState& last = copy_state;
  const std::uint64_t epoch = epoch_.load(std::memory_order_relaxed);
  if (last.progress != this || last.epoch != epoch || last.recorder != &recorder) {
    last = CopyState{this, epoch, &recorder};
  }
  Slot& s = slots_[slot_index()];
  std::array<std::uint64_t, 6> classes{};
  for (unsigned status = 0; status < Recorder::kStatusSlots; ++status) {
    const std::uint64_t n = recorder.status_count(status);
    if (n != 0) classes[status >= 100 && status < 600 ? status / 100 : 0] += n;
  }
  for (std::size_t c = 0; c < classes.size(); ++c) {
    s.status_classes[c].fetch_add(classes[c] - last.status_classes[c], std::memory_order_relaxed);
  }
  last.status_classes = classes;
  for (ErrorKind k : kAllErrorKinds) {
    const auto i = static_cast<std::size_t>(k);
    const std::uint64_t n = recorder.errors(k);
    s.errors[i].fetch_add(n - last.errors[i], std::memory_order_relaxed);
    last.errors[i] = n;
  }
  const auto in_flight = static_cast<std::int64_t>(recorder.started()) -
                         static_cast<std::int64_t>(recorder.succeeded() + recorder.failed());
  s.in_flight.fetch_add(in_flight - last.in_flight, std::memory_order_relaxed);
  last.in_flight = in_flight;
  s.late_starts.fetch_add(recorder.late_starts() - last.late_starts, std::memory_order_relaxed);
  last.late_starts = recorder.late_starts();
}

void Progress::reset() {
  for (Slot& s : slots_) {
    s.done.store(0, std::memory_order_relaxed);
    s.failed.store(0, std::memory_order_relaxed);
    s.max_ns.store(0, std::memory_order_relaxed);
    for (auto& c : s.latency)
      c.store(0, std::memory_order_relaxed);
    for (auto& c : s.status_classes)
      c.store(0, std::memory_order_relaxed);
    for (auto& c : s.errors)
      c.store(0, std::memory_order_relaxed);
    s.in_flight.store(0, std::memory_order_relaxed);
    s.late_starts.store(0, std::memory_order_relaxed);
  }
  epoch_.fetch_add(1, std::memory_order_relaxed);
}

ProgressSnapshot Progress::snapshot() const {
  ProgressSnapshot snap;
  for (const Slot& s : slots_) {
    snap.done += s.done.load(std::memory_order_relaxed);
    snap.failed += s.failed.load(std::memory_order_relaxed);
    snap.max_ns = std::max(snap.max_ns, s.max_ns.load(std::memory_order_relaxed));
    for (std::size_t b = 0; b < snap.latency.size(); ++b)
      snap.latency[b] += s.latency[b].load(std::memory_order_relaxed);
    for (std::size_t c = 0; c < snap.status_classes.size(); ++c)
      snap.status_classes[c] += s.status_classes[c].load(std::memory_order_relaxed);
    for (std::size_t e = 0; e < snap.errors.size(); ++e)
      snap.errors[e] += s.errors[e].load(std::memory_order_relaxed);
    snap.in_flight += s.in_flight.load(std::memory_order_relaxed);
    snap.late_starts += s.late_starts.load(std::memory_order_relaxed);
  }
  snap.in_flight = std::max<std::int64_t>(snap.in_flight, 0);
  return snap;
}

std::uint64_t Progress::done() const {
  std::uint64_t n = 0;
  for (const Slot& s : slots_)
    n += s.done.load(std::memory_order_relaxed);
  return n;
}

std::uint64_t Progress::failed() const {
  std::uint64_t n = 0;
  for (const Slot& s : slots_)
    n += s.failed.load(std::memory_order_relaxed);
  return n;
}

}  // namespace httpbench
