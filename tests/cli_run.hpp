// Runs the lmm command (LMM_CLI, else build/lmm) with its output captured in per-test files.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace lmm::testing {

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

inline std::string slurp_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline CliRun run_cli(const std::string& args) {
  static int counter = 0;
  const char* cli = std::getenv("LMM_CLI");
  const std::string exe = cli ? cli : "build/lmm";
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  // Unique per process too: ctest runs each test in its own process, and two checkouts' suites
  // may run at once on one machine, all in the same temporary directory.
  // A parameterized test's names hold '/' (Prefix/Suite, Test/Param): not in a file name.
  std::string test = std::string(info->test_suite_name()) + "_" + info->name();
  std::replace(test.begin(), test.end(), '/', '_');
  const std::string base = ::testing::TempDir() + "/cli_" + test + "_" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++);
  const std::string out = base + ".out", err = base + ".err";
  const int raw = std::system((exe + " " + args + " >" + out + " 2>" + err).c_str());
  CliRun run{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp_file(out), slurp_file(err)};
  std::remove(out.c_str());
  std::remove(err.c_str());
  return run;
}

// A file name as messages quote it: whole when short, else "..." and its last 80 characters.
inline std::string quoted_file(const std::string& path) {
  return "'" + (path.size() <= 81 ? path : "..." + path.substr(path.size() - 80)) + "'";
}

// A failure as the CLI reports it: the exit code, nothing on stdout, one line on stderr.
inline void expect_one_line_error(const CliRun& r, int status, const std::string& words) {
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
}

}  // namespace lmm::testing
