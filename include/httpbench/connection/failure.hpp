// What a failed request step means: its category, the message a person reads, and whether a
// dropped keep-alive connection may be retried. Shared by every driver.
#pragma once

#include <chrono>
#include <string>

#include <boost/system/error_code.hpp>

#include "httpbench/stats/error.hpp"

namespace httpbench {

// Maps an error from a request step to its category: timeouts win over the phase, HTTP parse
// errors are `protocol`, a connection dropped while reading is `read`.
ErrorKind classify(const boost::system::error_code& ec, Phase phase);

// The error's message, with a hint where the cause is usually on the client's side.
std::string describe_error(const boost::system::error_code& ec);

// The failure message of a request that hit its own --timeout (whole-request) deadline.
std::string request_deadline_message(std::chrono::nanoseconds timeout);

// True for the ways a server drops an idle keep-alive connection (EOF, reset, broken pipe): on a
// reused connection, before any response byte, the request is retried once on a new connection.
bool is_dropped_connection(const boost::system::error_code& ec);

}  // namespace httpbench
