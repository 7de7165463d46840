// JSON text with plain numbers: Boost.JSON 1.81 writes every double in E-notation ("3E1",
// "4.852678127061903E2"), which is valid JSON but hostile to jq filters, spreadsheets and people.
#pragma once

#include <string>

#include <boost/json/fwd.hpp>

namespace httpbench {

// `value` as compact JSON text; doubles as plain decimals ("30", "485.2678127061903", "0.0015"),
// never with an exponent, and non-finite doubles as null.
std::string to_json_text(const boost::json::value& value);

}  // namespace httpbench
