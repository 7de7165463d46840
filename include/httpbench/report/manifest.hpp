// The reproducibility manifest of a result in JSON: versions, the machine, the target's
// addresses and what it answered with, and the command line (credentials redacted).
#pragma once

#include <boost/json/object.hpp>

#include "httpbench/stats/manifest.hpp"

namespace httpbench {

boost::json::object manifest_json(const Manifest& manifest);

}  // namespace httpbench
