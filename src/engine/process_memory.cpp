#include "httpbench/engine/process_memory.hpp"

#include <cstdio>
#include <cstring>

namespace httpbench {

namespace {

// The value of a "Name:   123 kB" line of /proc/self/status, 0 when missing.
std::uint64_t status_kb(const char* name) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  std::uint64_t value = 0;
  const std::size_t len = std::strlen(name);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, name, len) == 0 && line[len] == ':') {
      unsigned long long kb = 0;
      if (std::sscanf(line + len + 1, "%llu", &kb) == 1) value = kb;
      break;
    }
  }
  std::fclose(f);
  return value;
}

}  // namespace

std::uint64_t resident_kb() {
  return status_kb("VmRSS");
}

std::uint64_t peak_resident_kb() {
  return status_kb("VmHWM");
}

bool reset_peak_resident() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

}  // namespace httpbench
