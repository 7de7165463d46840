#include "httpbench/recorder.hpp"

namespace httpbench {

void Recorder::record_success(unsigned status, std::uint64_t latency_ns, std::uint64_t bytes) {
  ++succeeded_;
  if (status < kStatusSlots) ++status_[status];
  bytes_ += bytes;
  latency_.record(latency_ns);
}

void Recorder::record_failure(ErrorKind kind, std::string_view message) {
  const auto k = static_cast<std::size_t>(kind);
  ++failed_;
  ++errors_[k];
  if (first_error_[k].empty()) first_error_[k] = message;
}

void Recorder::merge(const Recorder& other) {
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
  latency_.merge(other.latency_);
}

}  // namespace httpbench
