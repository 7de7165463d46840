// One process's part of a run spread over several (--shard I/N), and the common wall-clock start
// (--start-at) that lets shards on different machines begin together.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace httpbench {

// Shard `index` of `count`, index 0-based like Kubernetes' JOB_COMPLETION_INDEX.
struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
};

// "I/N" with 0 <= I < N. Throws UsageError.
Shard parse_shard(std::string_view text);

// Looks a variable up; nullptr when unset. std::getenv in the program, a table in tests.
using EnvironmentLookup = std::function<const char*(const char*)>;

// The shard the environment asks for: HTTPBENCH_SHARD ("I/N"), else JOB_COMPLETION_INDEX (set by
// an Indexed Kubernetes Job) with HTTPBENCH_SHARDS. nullopt when neither is set, or when only the
// index is (a Job that is not sharding httpbench). Throws UsageError naming the variable.
std::optional<Shard> shard_from_environment(const EnvironmentLookup& getenv);

// This shard's part of `total` when split exactly: total / count each, and one more for each of
// the first total % count shards, so the parts add up to `total`.
std::uint64_t share_of(std::uint64_t total, const Shard& shard);

// A wall-clock instant given as RFC 3339 ("2026-11-22T03:00:00Z", "...T03:00:00.5+01:00") or as
// Unix seconds ("1795000000", "1795000000.25"). Returns Unix seconds. Throws UsageError.
double parse_start_time(std::string_view text);

}  // namespace httpbench
