// The defaults of a run, each stated once: the options, the command line's help, the client and
// the reporters (which leave a default out of the equivalent command) all read them here.
#pragma once

#include <chrono>
#include <cstdint>

namespace httpbench::defaults {

// Requests per mode when no -d bounds the run (-n).
inline constexpr std::uint64_t kRequests = 200;
// Requests in flight for threads and async (-c).
inline constexpr std::uint64_t kConcurrency = 100;
// Event loops of the async mode (-t).
inline constexpr std::uint64_t kIoThreads = 1;
// Whole-request deadline (--timeout).
inline constexpr std::chrono::nanoseconds kTimeout = std::chrono::seconds(30);
// TCP connect deadline (--connect-timeout).
inline constexpr std::chrono::nanoseconds kConnectTimeout = std::chrono::seconds(10);
// Largest response header block accepted, bytes (--max-header-size).
inline constexpr std::uint32_t kMaxHeaderSize = 1024 * 1024;
// HTTP/2 streams in flight per connection (--streams with --http2), as h2load's -m is often set;
// HTTP/1.x has one.
inline constexpr std::uint32_t kHttp2Streams = 10;
// Width of the timeline's intervals (--interval).
inline constexpr std::chrono::nanoseconds kInterval = std::chrono::seconds(1);
// Lowest TLS version accepted (--tls-min).
inline constexpr const char* kTlsMinVersion = "1.2";
// Runs of each mode (--trials).
inline constexpr std::uint64_t kTrials = 1;
// The modes of --mode compare without --compare.
inline constexpr const char* kCompareModes = "sync,async";
// The highest level of --sweep auto without -c.
inline constexpr std::uint64_t kSweepAutoMax = 256;

}  // namespace httpbench::defaults
