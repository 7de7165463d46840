#include "httpbench/report/report_model.hpp"

#include <algorithm>

namespace httpbench {

bool Report::any_check_failed() const {
  for (const CheckOutcome& c : checks) {
    if (!c.passed) return true;
  }
  return false;
}

bool Report::any_failed_beyond_budget() const {
  for (const RunResult& r : runs) {
    const RunKind kind{r.mode, r.protocol};
    if (r.failed != 0 && std::find(error_budget_runs.begin(), error_budget_runs.end(), kind) ==
                             error_budget_runs.end()) {
      return true;
    }
  }
  return false;
}

bool Report::any_failed() const {
  for (const RunResult& r : runs) {
    if (r.failed != 0) return true;
  }
  return false;
}

}  // namespace httpbench
