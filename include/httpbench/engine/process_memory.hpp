// The process's resident memory from /proc, to measure what each mode costs.
#pragma once

#include <cstdint>

namespace httpbench {

// Resident set size now, KiB; 0 when /proc cannot tell.
std::uint64_t resident_kb();

// The peak resident set size since the process started or since the last
// reset_peak_resident(), KiB; 0 when unknown.
std::uint64_t peak_resident_kb();

// Starts a new peak measurement (Linux: "5" to /proc/self/clear_refs). Returns false when the
// kernel does not allow it; the peak then covers the whole process life.
bool reset_peak_resident();

}  // namespace httpbench
