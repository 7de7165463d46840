// The manifest of a run, captured from this process, this machine and what the run learnt about
// its target.
#pragma once

#include <string>
#include <vector>

#include "httpbench/connection/route.hpp"
#include "httpbench/stats/manifest.hpp"

namespace httpbench {

class FirstContact;

// The facts of this process and machine, with `args` redacted. The target fields stay empty.
Manifest collect_manifest(const std::vector<std::string>& args);

// Adds what a run learnt about its target.
void add_target_facts(Manifest& manifest, const std::vector<ConnectEndpoint>& endpoints,
                      const FirstContact* first_contact);

// `args` with credentials replaced by "***": the values of --basic-auth and --proxy-user, the
// values of Authorization, Proxy-Authorization and Cookie headers wherever they appear, and URL
// userinfo (in a --proxy value also without a scheme).
std::vector<std::string> redact_command_line(const std::vector<std::string>& args);

}  // namespace httpbench
