#include "httpbench/stats/recorder.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace httpbench {

void Recorder::record_success(unsigned status, std::uint64_t latency_ns, std::uint64_t service_ns,
                              std::uint64_t bytes, Clock::time_point end) {
  timeline_.record_success(end, latency_ns, bytes);
  ++succeeded_;
  if (status < kStatusSlots) ++status_[status];
  bytes_ += bytes;
  latency_.record(latency_ns);
  if (open_loop_) service_time_.record(service_ns);
}

bool Recorder::record_final_response(std::size_t line, const FinalResponse& t,
                                     Clock::time_point intended, Clock::time_point start) {
  const Clock::time_point end = t.finished_at;
  const std::uint64_t bytes = t.bytes;
  record_url_response(line, t.status, elapsed_ns(intended, end), bytes);
  if (!ok_.accepts(t.status)) {
    // Counted by status and bytes like any response, but a failure: its latency (often a quick
    // error page) stays out of the successful requests' figures.
    if (t.status < kStatusSlots) ++status_[t.status];
    bytes_ += bytes;
    // The message is built for the first such failure only: it is all the report keeps.
    record_failure(
        ErrorKind::status,
        first_error(ErrorKind::status).empty()
            ? fmt::format("status {} (accepted: {}; see --ok-status)", t.status, ok_.describe())
            : std::string(),
        end);
    return false;
  }
  record_phases(t.ttfb_ns, t.body_ns);
  record_success(t.status, elapsed_ns(intended, end), elapsed_ns(start, end), bytes, end);
  return true;
}

void Recorder::record_start_lag(std::uint64_t lag_ns) {
  if (lag_ns > kLateStartNs) ++late_starts_;
  max_start_lag_ns_ = std::max(max_start_lag_ns_, lag_ns);
}

void Recorder::record_failure(ErrorKind kind, std::string_view message, Clock::time_point end) {
  const auto k = static_cast<std::size_t>(kind);
  ++failed_;
  ++errors_[k];
  if (timeline_.started()) timeline_.record_failure(end);
  if (first_error_[k].empty()) first_error_[k] = message;
}

void Recorder::merge(const Recorder& other) {
  open_loop_ = open_loop_ || other.open_loop_;
  started_ += other.started_;
  succeeded_ += other.succeeded_;
  failed_ += other.failed_;
  for (std::size_t k = 0; k < kErrorKindCount; ++k) {
    errors_[k] += other.errors_[k];
    if (first_error_[k].empty()) first_error_[k] = other.first_error_[k];
  }
  for (std::size_t s = 0; s < kStatusSlots; ++s)
    status_[s] += other.status_[s];
  bytes_ += other.bytes_;
  connections_ += other.connections_;
  after_deadline_ += other.after_deadline_;
  dropped_ += other.dropped_;
  reconnects_ += other.reconnects_;
  redirects_ += other.redirects_;
  cross_origin_redirects_ += other.cross_origin_redirects_;
  unfollowed_cross_origin_ += other.unfollowed_cross_origin_;
  tls_full_ += other.tls_full_;
  tls_resumed_ += other.tls_resumed_;
  late_starts_ += other.late_starts_;
  max_start_lag_ns_ = std::max(max_start_lag_ns_, other.max_start_lag_ns_);
  latency_.merge(other.latency_);
  service_time_.merge(other.service_time_);
  connect_time_.merge(other.connect_time_);
  tls_handshake_time_.merge(other.tls_handshake_time_);
  reused_ += other.reused_;
  if (urls_.size() < other.urls_.size()) urls_.resize(other.urls_.size());
  for (std::size_t i = 0; i < other.urls_.size(); ++i) {
    urls_[i].started += other.urls_[i].started;
    for (std::size_t c = 0; c < urls_[i].status_classes.size(); ++c)
      urls_[i].status_classes[c] += other.urls_[i].status_classes[c];
    urls_[i].responses.add(other.urls_[i].responses);
  }
  // Workers run side by side, so their peaks add up (an upper bound of the joint peak).
  peak_in_flight_ += other.peak_in_flight_;
  in_flight_area_ns_ += other.in_flight_area_ns_;
  ttfb_.merge(other.ttfb_);
  body_time_.merge(other.body_time_);
  loop_lag_.merge(other.loop_lag_);
  timeline_.merge(other.timeline_);
}

}  // namespace httpbench
