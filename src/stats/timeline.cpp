#include "httpbench/stats/timeline.hpp"

#include <algorithm>
#include <cmath>

namespace httpbench {

std::uint64_t Timeline::bucket_low_ns(std::size_t index) {
  if (index < 8) return index * 1000;
  const std::size_t k = (index - 8) / 8 + 3;
  const std::uint64_t sub = (index - 8) % 8;
  return ((8 + sub) << (k - 3)) * 1000;
}

std::uint64_t Timeline::bucket_high_ns(std::size_t index) {
  if (index < 8) return (index + 1) * 1000;
  const std::size_t k = (index - 8) / 8 + 3;
  return bucket_low_ns(index) + (std::uint64_t{1} << (k - 3)) * 1000;
}

std::uint64_t Timeline::Slot::latency_at_quantile(double q) const {
  if (completed == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  std::uint64_t total = 0;
  for (std::uint64_t n : latency)
    total += n;
  if (total == 0) return 0;
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total))));
  // The smallest and largest values are kept exactly.
  if (q == 0) return min_ns;
  if (rank >= total) return max_ns;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += latency[i];
    if (seen >= rank) {
      const std::uint64_t mid = (bucket_low_ns(i) + bucket_high_ns(i)) / 2;
      return std::clamp(mid, min_ns, std::max(min_ns, max_ns));
    }
  }
  return max_ns;
}

void Timeline::Slot::add(const Slot& other) {
  if (other.completed != 0) {
    min_ns = completed == 0 ? other.min_ns : std::min(min_ns, other.min_ns);
    max_ns = std::max(max_ns, other.max_ns);
  }
  completed += other.completed;
  errors += other.errors;
  bytes += other.bytes;
  span_ns += other.span_ns;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    const std::uint64_t sum = std::uint64_t{latency[i]} + other.latency[i];
    latency[i] = static_cast<std::uint32_t>(std::min<std::uint64_t>(sum, UINT32_MAX));
  }
}

void Timeline::start(Clock::time_point origin, std::chrono::nanoseconds interval) {
  origin_ = origin;
  interval_ns_ = std::max<std::int64_t>(1, interval.count());
  slots_.clear();
  // Recording then never allocates: the slot count never passes kMaxSlots.
  slots_.reserve(kMaxSlots);
}

Timeline::Slot* Timeline::grow_to(std::int64_t since) {
  while (static_cast<std::uint64_t>(since / interval_ns_) >= kMaxSlots)
    compact();
  const auto index = static_cast<std::size_t>(since / interval_ns_);
  if (index >= slots_.size()) slots_.resize(index + 1);
  return &slots_[index];
}

void Timeline::compact() {
  const std::size_t n = (slots_.size() + 1) / 2;
  for (std::size_t i = 0; i < n; ++i) {
    Slot merged = slots_[2 * i];
    if (2 * i + 1 < slots_.size()) merged.add(slots_[2 * i + 1]);
    slots_[i] = merged;
  }
  slots_.resize(n);
  interval_ns_ *= 2;
}

void Timeline::rebin(std::int64_t interval_ns) {
  if (interval_ns <= interval_ns_) return;
  if (interval_ns == 2 * interval_ns_) {
    compact();
    return;
  }
  std::vector<Slot> out;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const std::int64_t mid = static_cast<std::int64_t>(i) * interval_ns_ + interval_ns_ / 2;
    const auto index = static_cast<std::size_t>(mid / interval_ns);
    if (index >= out.size()) out.resize(index + 1);
    out[index].add(slots_[i]);
  }
  slots_ = std::move(out);
  interval_ns_ = interval_ns;
}

void Timeline::merge(const Timeline& other) {
  if (!other.started()) return;
  if (!started()) {
    *this = other;
    return;
  }
  const auto offset = std::chrono::duration_cast<std::chrono::nanoseconds>(other.origin_ - origin_);
  const Clock::time_point earliest = std::min(origin_, other.origin_);
  add(other, offset);
  origin_ = earliest;
}

void Timeline::add(const Timeline& other, std::chrono::nanoseconds offset) {
  if (!other.started()) return;
  if (!started()) interval_ns_ = other.interval_ns_;
  if (offset.count() < 0) {
    // Time 0 moves to the other's: this timeline goes in after it.
    Timeline shifted = other;
    shifted.add(*this, -offset);
    *this = std::move(shifted);
    return;
  }
  rebin(std::max(interval_ns_, other.interval_ns_));
  const std::int64_t end =
      offset.count() + static_cast<std::int64_t>(other.slots_.size()) * other.interval_ns_;
  while (end / interval_ns_ >= static_cast<std::int64_t>(kMaxSlots) + 1)
    compact();
  // The other's slots on this grid first (several may fall into one slot: their spans add), then
  // side by side with this one's (spans overlap: the longer counts).
  std::vector<Slot> placed;
  for (std::size_t i = 0; i < other.slots_.size(); ++i) {
    const std::int64_t mid =
        offset.count() + static_cast<std::int64_t>(i) * other.interval_ns_ + other.interval_ns_ / 2;
    const auto index = static_cast<std::size_t>(mid / interval_ns_);
    if (index >= placed.size()) placed.resize(index + 1);
    placed[index].add(other.slots_[i]);
  }
  if (placed.size() > slots_.size()) slots_.resize(placed.size());
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const std::uint64_t span = std::max(slots_[i].span_ns, placed[i].span_ns);
    slots_[i].add(placed[i]);
    slots_[i].span_ns = span;
  }
  while (slots_.size() > kMaxSlots)
    compact();
}

void Timeline::append(const Timeline& other) {
  if (!other.started()) return;
  if (!started()) {
    *this = other;
    return;
  }
  add(other, std::chrono::nanoseconds(static_cast<std::int64_t>(slots_.size()) * interval_ns_));
}

void Timeline::finish(std::chrono::nanoseconds duration) {
  if (!started()) return;
  const std::int64_t d = std::max<std::int64_t>(0, duration.count());
  while ((d - 1) / interval_ns_ >= static_cast<std::int64_t>(kMaxSlots))
    compact();
  const auto needed = static_cast<std::size_t>((d + interval_ns_ - 1) / interval_ns_);
  if (needed > slots_.size()) slots_.resize(needed);
  const auto interval = static_cast<std::uint64_t>(interval_ns_);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const std::int64_t left = d - static_cast<std::int64_t>(i) * interval_ns_;
    // Slots past the duration (a worker's clock ran a little later) count as whole intervals.
    slots_[i].span_ns = left <= 0 ? interval : std::min(interval, static_cast<std::uint64_t>(left));
  }
}

Timeline Timeline::from_slots(std::chrono::nanoseconds interval, std::vector<Slot> slots) {
  Timeline t;
  t.interval_ns_ = std::max<std::int64_t>(1, interval.count());
  t.slots_ = std::move(slots);
  while (t.slots_.size() > kMaxSlots)
    t.compact();
  return t;
}

}  // namespace httpbench
