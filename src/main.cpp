// The httpbench executable: everything else lives in httpbench_core.
#include <iostream>
#include <string>
#include <vector>

#include "httpbench/cli/app.hpp"
#include "httpbench/engine/interrupt.hpp"

int main(int argc, char** argv) {
  httpbench::prepare_process();
  std::vector<std::string> args(argv + 1, argv + argc);
  const int code = httpbench::run_main(args, std::cout, std::cerr, httpbench::interrupt_flag());
  std::cout.flush();
  return code;
}
