// The JSON result format in both directions, in one place: each result object written (--json,
// -o, --save-baseline) and read back (merge, --baseline). Readers are strict: a required key that
// is missing, or any key of the wrong type, throws UsageError "key 'K' is missing" / "key 'K' is
// not a number" (the callers add the file name); keys that older files lack read as absent.
// The timeline's both directions are in timeline_json.hpp; the insight figures of a run (phases,
// concurrency, client, resources) are written by report_insight.cpp and read back here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "httpbench/stats/results.hpp"
#include "httpbench/stats/run_description.hpp"

namespace httpbench {

// The version of the JSON result format. 2: `rps` counts succeeded requests (`total_rps` all that
// ended), statuses outside --ok-status are failures (`errors.status`), `dropped`, plain numbers.
// Files of version 1 still read (with those meanings).
inline constexpr int kSchemaVersion = 2;

// ---- writing ----

// {min, mean, stdev, p50, p75, p90, p95, p99, p99_9, p99_99, max}, milliseconds.
boost::json::object latency_json(const LatencySummary& latency);
// [[upper_bound_us, count], ...]: each bucket's upper bound, which reads back into the same bucket.
boost::json::array histogram_json(const Histogram& histogram);
// One entry of "runs": the result's own keys (the insight figures and "urls" are added beside).
boost::json::object run_json(const RunResult& run);
// The document's "options": every key a run records; a description read from a merge writes only
// the keys its files recorded (the nullable ones as null).
boost::json::object options_json(const RunDescription& description);
// The document's "shard": this process's part of the whole run.
boost::json::object shard_json(const ShardPart& part);

// ---- reading ----

// A result document parsed from `text`: an httpbench result of a schema version this build reads,
// with a "runs" array. Throws UsageError naming `name`.
boost::json::object parse_result_document(std::string_view text, std::string_view name);

// Reads and parses an httpbench JSON result (schema_version 1 or 2; parse_result_document). Throws
// UsageError naming the file when it cannot be read, is not JSON, or is not an httpbench result.
// Its runs read back with run_from_json.
boost::json::object load_result_document(const std::string& path);

LatencySummary latency_from_json(const boost::json::object& latency);
// The histogram under `key` of a run entry; empty when the entry has none (older files).
Histogram histogram_from_json(const boost::json::object& run, std::string_view key);
// One entry of "runs". The latency histogram is rebuilt from "histogram" by recording each
// bucket's count at its upper bound, which falls in the same bucket, so merges stay exact.
RunResult run_from_json(const boost::json::object& run);
// The description a document's "options" record, for the target `url`: what they do not record
// stays empty, never a default. The modes and `compare` are read as recorded.
RunDescription description_from_json(std::string url, const boost::json::object& options);
// The document's "shard", nullopt when the document is not a shard's result.
std::optional<ShardPart> shard_from_json(const boost::json::object& doc);

// Strict access to a document's own keys, for the readers of whole documents (merge, baselines).
[[noreturn]] void bad_result_key(std::string_view key, std::string_view why);
const boost::json::value& required_value(const boost::json::object& o, std::string_view key);
double required_number(const boost::json::object& o, std::string_view key);
std::string required_string(const boost::json::object& o, std::string_view key);
const boost::json::object& required_object(const boost::json::object& o, std::string_view key);
const boost::json::array& required_array(const boost::json::object& o, std::string_view key);
std::optional<bool> optional_bool(const boost::json::object& o, std::string_view key);

}  // namespace httpbench
