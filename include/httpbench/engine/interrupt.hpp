// Ctrl-C and SIGTERM handling for the command-line program.
#pragma once

#include <atomic>

namespace httpbench {

// Set by the first SIGINT or SIGTERM; a second one ends the process with the default action.
std::atomic<bool>& interrupt_flag();

// Installs the handlers that set interrupt_flag(), ignores SIGPIPE, and raises the open-file
// limit to its hard maximum so that thousands of connections can be open.
void prepare_process();

}  // namespace httpbench
