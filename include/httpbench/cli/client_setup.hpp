// What the clients of a run are given, built once from the command line: the request prepared
// for the wire, the addresses, TLS contexts, limits and the redirect policy.
#pragma once

#include <memory>
#include <vector>

#include "httpbench/cli/options.hpp"
#include "httpbench/connection/client_config.hpp"
#include "httpbench/connection/redirect.hpp"

namespace httpbench {

// The ClientConfig for `options` with the already resolved `endpoints`.
ClientConfig make_client_config(const Options& options, std::vector<ConnectEndpoint> endpoints);

// The redirect policy of --follow and --follow-cross-origin; null without --follow.
std::shared_ptr<const RedirectPolicy> make_redirect_policy(const Options& options);

}  // namespace httpbench
