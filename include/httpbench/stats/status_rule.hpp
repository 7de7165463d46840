// Which response statuses count as a successful request (--ok-status): the one rule that failed
// counts, error budgets, speedups, baselines, the progress line and the exit code all follow.
#pragma once

#include <bitset>
#include <string>
#include <string_view>

namespace httpbench {

class StatusRule {
 public:
  // Status codes 0..999 (the parser accepts no others).
  static constexpr unsigned kSlots = 1000;

  // The default: 2xx, and 3xx (a redirect that is followed is a hop, never the result).
  StatusRule();

  // "200,204", "200-299", "2xx,304", spaces allowed around items. Throws UsageError naming the
  // item and the expected form.
  static StatusRule parse(std::string_view list);

  bool accepts(unsigned status) const { return status < kSlots && ok_[status]; }
  bool is_default() const { return ok_ == StatusRule().ok_; }
  // The accepted statuses as ranges: "200-399", "200,204".
  std::string describe() const;

 private:
  std::bitset<kSlots> ok_;
};

}  // namespace httpbench
