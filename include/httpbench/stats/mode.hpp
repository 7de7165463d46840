// The concurrency models httpbench compares, by name: what every result is labelled with.
#pragma once

#include <string_view>

namespace httpbench {

// How requests are issued.
enum class Mode {
  sync,     // one blocking client on the calling thread, one request after another
  threads,  // `concurrency` OS threads, each running the blocking client
  async,    // `concurrency` coroutines on one io_context on one thread
};

std::string_view mode_name(Mode mode);
// Throws UsageError for an unknown name.
Mode parse_mode(std::string_view name);

}  // namespace httpbench
