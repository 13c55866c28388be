// The sandbox on its own: what the program sees, how it ends, and its limits.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "core/check.h"
#include "core/file_io.h"
#include "rewards/sandbox.h"

namespace r1 {
namespace {

SandboxResult run_shell(const Sandbox& sandbox, const std::string& script,
                        std::vector<SandboxFile> files = {}, std::string stdin_data = "") {
  SandboxRequest request;
  request.argv = {"/bin/sh", "-c", script};
  request.files = std::move(files);
  request.stdin_data = std::move(stdin_data);
  return sandbox.run(request);
}

SandboxConfig quick_config() {
  SandboxConfig config;
  config.limits.wall_seconds = 10;
  return config;
}

TEST(CodeSandbox, PassesFilesAndStdinAndCapturesBothStreams) {
  Sandbox sandbox(quick_config());
  const SandboxResult result = run_shell(sandbox, "cat data.txt; cat; echo oops >&2",
                                         {{"data.txt", "from a file\n"}}, "from stdin\n");
  EXPECT_EQ(result.outcome, SandboxOutcome::exited);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_data, "from a file\nfrom stdin\n");
  EXPECT_EQ(result.stderr_data, "oops\n");
}

TEST(CodeSandbox, ReportsExitStatusAndSignals) {
  Sandbox sandbox(quick_config());
  const SandboxResult exited = run_shell(sandbox, "exit 3");
  EXPECT_EQ(exited.outcome, SandboxOutcome::exited);
  EXPECT_EQ(exited.exit_code, 3);
  EXPECT_EQ(exited.describe(sandbox.config().limits), "exit status 3");
  const SandboxResult signaled = run_shell(sandbox, "kill -SEGV $$");
  EXPECT_EQ(signaled.outcome, SandboxOutcome::signaled);
  EXPECT_EQ(signaled.term_signal, SIGSEGV);
  EXPECT_EQ(signaled.describe(sandbox.config().limits), "killed by signal SIGSEGV");
}

TEST(CodeSandbox, SeesOnlySystemDirectoriesAndAPrivateTmp) {
  Sandbox sandbox(quick_config());
  const std::string script = std::string("test -e ") + R1_SOURCE_DIR +
                             " && echo source-visible; test -e /root && echo root-visible; "
                             "touch /usr/x 2>/dev/null && echo usr-writable; "
                             "touch /r1_x 2>/dev/null && echo root-writable; "
                             "touch /dev/r1_x 2>/dev/null && echo dev-writable; "
                             "touch /dev/shm/x && echo shm-writable; "
                             "touch /tmp/x && echo tmp-writable; pwd; id -u; hostname";
  const SandboxResult result = run_shell(sandbox, script);
  EXPECT_EQ(result.stdout_data, "shm-writable\ntmp-writable\n/tmp\n65534\nsandbox\n")
      << result.stderr_data;
}

// The writable file systems live in RAM: each is capped.
TEST(CodeSandbox, WritableFileSystemsAreSizeCapped) {
  SandboxConfig config = quick_config();
  config.limits.tmpfs_bytes = 1 << 20;
  Sandbox sandbox(config);
  for (const std::string dir : {"/tmp", "/dev/shm"}) {
    const SandboxResult result = run_shell(
        sandbox, "trap '' XFSZ; head -c 3000000 /dev/zero > " + dir + "/big || echo refused; " +
                     "test $(stat -c %s " + dir + "/big) -le 1048576 && echo capped");
    EXPECT_EQ(result.stdout_data, "refused\ncapped\n") << dir << ": " << result.stderr_data;
  }
}

TEST(CodeSandbox, HasNoNetworkButLoopback) {
  Sandbox sandbox(quick_config());
  // Interface names from the kernel's table, skipping its two header lines.
  const SandboxResult result = run_shell(sandbox, "tail -n +3 /proc/net/dev | cut -d: -f1");
  EXPECT_EQ(result.stdout_data, "    lo\n");
}

TEST(CodeSandbox, TimeoutKillsTheProgram) {
  SandboxConfig config;
  config.limits.wall_seconds = 0.5;
  Sandbox sandbox(config);
  const SandboxResult result = run_shell(sandbox, "sleep 60");
  EXPECT_EQ(result.outcome, SandboxOutcome::timeout);
  EXPECT_EQ(result.describe(config.limits), "timeout after 0.5 s");
  EXPECT_LT(result.wall_seconds, 5);
}

TEST(CodeSandbox, OutputBeyondTheCapKillsTheProgram) {
  SandboxConfig config = quick_config();
  config.limits.max_output_bytes = 1000;
  Sandbox sandbox(config);
  const SandboxResult result = run_shell(sandbox, "yes");
  EXPECT_EQ(result.outcome, SandboxOutcome::output_limit);
  EXPECT_LE(result.stdout_data.size(), 1000u);
  EXPECT_EQ(result.describe(config.limits), "killed: output limit 1000 bytes");
}

// With a private uid the program's processes are capped exactly: the
// program itself plus (max_processes - 1) children.
TEST(CodeSandbox, ProcessCountIsCappedExactlyWhenRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "the exact process cap needs a private uid (root)";
  SandboxConfig config = quick_config();
  config.limits.max_processes = 8;
  Sandbox sandbox(config);
  SandboxRequest request;
  request.argv = {"/usr/bin/python3", "-c",
                  "import os, time\n"
                  "children = 0\n"
                  "try:\n"
                  "    while children < 100:\n"
                  "        if os.fork() == 0:\n"
                  "            time.sleep(60)\n"
                  "        children += 1\n"
                  "except OSError:\n"
                  "    pass\n"
                  "print(children, flush=True)\n"
                  "os._exit(0)\n"};
  const SandboxResult result = sandbox.run(request);
  EXPECT_EQ(result.outcome, SandboxOutcome::exited) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "7\n");
}

TEST(CodeSandbox, AddressSpaceIsCapped) {
  SandboxConfig config = quick_config();
  config.limits.address_space_bytes = int64_t{256} << 20;
  Sandbox sandbox(config);
  SandboxRequest request;
  request.argv = {"/usr/bin/python3", "-c",
                  "try:\n    bytearray(512 << 20)\nexcept MemoryError:\n    print('capped')\n"};
  EXPECT_EQ(sandbox.run(request).stdout_data, "capped\n");
}

TEST(CodeSandbox, RefusesWithoutBubblewrapAndNamesTheOptOut) {
  SandboxConfig config;
  config.bwrap = "/nonexistent/bwrap";
  try {
    Sandbox sandbox(config);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("bubblewrap"), std::string::npos) << message;
    EXPECT_NE(message.find("\"unsandboxed\": true"), std::string::npos) << message;
  }
}

TEST(CodeSandbox, UnsandboxedModeRunsInATemporaryDirectoryItRemoves) {
  SandboxConfig config = quick_config();
  config.bwrap = "/nonexistent/bwrap";
  config.unsandboxed = true;
  Sandbox sandbox(config);
  const SandboxResult result = run_shell(sandbox, "cat data.txt; pwd", {{"data.txt", "hello\n"}});
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  const size_t newline = result.stdout_data.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(result.stdout_data.substr(0, newline), "hello");
  const std::string work_dir = result.stdout_data.substr(newline + 1);
  EXPECT_NE(work_dir.find("r1-code-"), std::string::npos) << work_dir;
  EXPECT_FALSE(path_exists(work_dir.substr(0, work_dir.size() - 1)));
}

TEST(CodeSandbox, RejectsAUidBaseBwrapCannotMap) {
  if (geteuid() != 0) GTEST_SKIP() << "private uids are used only as root";
  SandboxConfig config;
  config.uid_base = 2'147'480'000;  // 2^31 - 3648: any real pid_max reaches past 2^31
  EXPECT_THROW(Sandbox{config}, Error);
}

TEST(CodeSandbox, RejectsFileNamesWithSlashes) {
  Sandbox sandbox(quick_config());
  EXPECT_THROW(run_shell(sandbox, "true", {{"../escape", "x"}}), Error);
}

}  // namespace
}  // namespace r1
