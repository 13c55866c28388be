// Hostile completions: each must get reward 0 with a reason that says what
// happened, leave no process and no file behind, and leave the test process
// (and the honest programs scored beside it) unaffected.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/file_io.h"
#include "rewards/code_reward.h"

namespace r1 {
namespace {

// A problem whose honest solution is `return a + b`.
const nlohmann::json kAddProblem = {
    {"entry_point", "add"}, {"test", "def check(candidate):\n    assert candidate(2, 3) == 5\n"}};

struct Hostile {
  std::string what;
  std::string completion;
  nlohmann::json reference;
  std::string expected_reason;  // a substring of the reason
};

// Live processes whose parent is this test process. The test is a child
// subreaper, so anything a sandbox leaves behind — even a daemon that escaped
// its namespace — is re-parented to us and counted here; other test processes
// running sandboxes at the same time are not.
int child_processes() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  const std::string self = std::to_string(getpid());
  int count = 0;
  DIR* proc = opendir("/proc");
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream status(std::string("/proc/") + entry->d_name + "/status");
    std::string key, state, parent;
    while (status >> key) {
      if (key == "State:") status >> state;
      if (key == "PPid:") {
        status >> parent;
        break;
      }
    }
    if (parent == self && state != "Z") ++count;
  }
  closedir(proc);
  return count;
}

// Waits (bounded) for processes being killed to be gone.
int child_processes_after_settling() {
  int count = child_processes();
  for (int i = 0; i < 30 && count > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    count = child_processes();
  }
  return count;
}

class HostileCode : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    tag_ = std::to_string(getpid());
    secret_path_ = "/tmp/r1_secret_" + tag_ + ".txt";
    secret_ = "TOPSECRET-" + tag_;
    std::ofstream(secret_path_) << secret_;
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(listen(listener_, 4), 0);
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  void TearDown() override {
    close(listener_);
    unlink(secret_path_.c_str());
  }

  std::string tag_, secret_path_, secret_;
  int listener_ = -1;
  int port_ = 0;
};

TEST_F(HostileCode, EveryHostileProgramGetsZeroAndLeavesNothingBehind) {
  // Long enough that an honest program, the memory hog and the deep recursion
  // finish well inside it when the machine is loaded (ctest -j2 beside a
  // sanitizer build); the hostile programs that run forever take it each.
  const int timeout = 5;
  const std::string timed_out = "timeout after " + std::to_string(timeout) + " s";
  const std::string escape_tmp = "/tmp/r1_escape_" + tag_;
  const std::string escape_repo = std::string(R1_SOURCE_DIR) + "/r1_escape_" + tag_;
  const std::string wrong_add = "def add(a, b):\n    return 0\n";
  const std::vector<Hostile> hostile = {
      {"infinite loop", "while True:\n    pass\n", kAddProblem, timed_out},
      {"fork bomb",
       "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
       kAddProblem, timed_out},
      {"memory hog", "blocks = []\nwhile True:\n    blocks.append(bytearray(1 << 24))\n",
       kAddProblem, "killed: memory limit 256 MiB (MemoryError)"},
      {"huge output", "while True:\n    print('x' * 10000)\n", kAddProblem,
       "killed: output limit 65536 bytes"},
      {"writing outside the sandbox",
       "for path in ['" + escape_tmp + "', '" + escape_repo +
           "', '/usr/r1_escape', '/r1_escape']:\n"
           "    try:\n        open(path, 'w').write('escaped')\n    except OSError:\n        "
           "pass\n" +
           wrong_add,
       kAddProblem, "AssertionError"},
      {"reading a host file",
       "import os\ntext = 'nothing'\nfor path in ['" + secret_path_ + "', '/proc/" + tag_ +
           "/root" + secret_path_ +
           "']:\n    try:\n        text = open(path).read()\n    except OSError:\n        pass\n"
           "print(text)\n",
       {{"tests", {{{"input", ""}, {"output", secret_}}}}},
       "got \"nothing\""},
      {"network connect",
       "import socket\ntry:\n    socket.create_connection(('127.0.0.1', " + std::to_string(port_) +
           "), timeout=1)\n    print('connected')\nexcept OSError:\n    print('unreachable')\n",
       {{"tests", {{{"input", ""}, {"output", "connected"}}}}},
       "got \"unreachable\""},
      {"signalling the parent",
       "import os, signal\nfor pid in [os.getppid(), -1, 1, " + tag_ +
           "]:\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        "
           "pass\n" +
           wrong_add,
       kAddProblem, "AssertionError"},
      {"sleeping past the limit", "import time\ntime.sleep(60)\n", kAddProblem, timed_out},
      {"deep recursion", "def down(n):\n    return down(n + 1) + 1\ndown(0)\n", kAddProblem,
       "RecursionError"},
      {"background process outliving the test",
       "import os, subprocess\nsubprocess.Popen(['/bin/sleep', '60'], start_new_session=True)\n"
       "if os.fork() == 0:\n    os.setsid()\n    os.execv('/bin/sleep', ['sleep', '60'])\n" +
           wrong_add,
       kAddProblem, "AssertionError"},
      {"closing stdout", "import os, time\nos.close(1)\nos.close(2)\ntime.sleep(60)\n", kAddProblem,
       timed_out},
      {"exiting early with status 0", "import os\nos._exit(0)\n", kAddProblem,
       "exited before the tests finished"},
      {"sys.exit(0) before the tests", "import sys\nsys.exit(0)\n", kAddProblem,
       "exited before the tests finished"},
      {"forging the completion marker",
       "import os\ntry:\n    os.write(2, open('r1_marker').read().encode())\nexcept OSError:\n"
       "    pass\nos._exit(0)\n",
       kAddProblem, "exited before the tests finished"},
  };
  const std::string honest = "def add(a, b):\n    return a + b\n";

  // Honest programs interleaved with the hostile ones, scored by the same pool.
  std::vector<std::string> completions;
  std::vector<const nlohmann::json*> references;
  for (const Hostile& h : hostile) {
    completions.push_back(h.completion);
    references.push_back(&h.reference);
    completions.push_back(honest);
    references.push_back(&kAddProblem);
  }
  std::vector<RewardInput> inputs;
  for (size_t i = 0; i < completions.size(); ++i)
    inputs.push_back({"", completions[i], *references[i]});

  CodeReward reward(code_reward_config_from_json({{"timeout_seconds", timeout},
                                                  {"cpu_seconds", 30},
                                                  {"memory_mb", 256},
                                                  {"max_processes", 16},
                                                  {"max_output_bytes", 65536},
                                                  {"workers", 2}}));
  const std::vector<RewardResult> results = reward.score_batch(inputs);
  ASSERT_EQ(results.size(), inputs.size());
  for (size_t i = 0; i < hostile.size(); ++i) {
    const RewardResult& bad = results[2 * i];
    EXPECT_EQ(bad.value, 0.0) << hostile[i].what << ": " << bad.reason;
    EXPECT_NE(bad.reason.find(hostile[i].expected_reason), std::string::npos)
        << hostile[i].what << ": reason '" << bad.reason << "' lacks '"
        << hostile[i].expected_reason << "'";
    const RewardResult& good = results[2 * i + 1];
    EXPECT_EQ(good.value, 1.0) << "honest program beside '" << hostile[i].what
                               << "': " << good.reason;
  }

  EXPECT_EQ(child_processes_after_settling(), 0);
  for (const std::string& path :
       {escape_tmp, escape_repo, std::string("/usr/r1_escape"), std::string("/r1_escape")}) {
    EXPECT_FALSE(path_exists(path)) << path;
  }
  // Nobody connected to our listener.
  EXPECT_LT(accept(listener_, nullptr, nullptr), 0);
}

// Apart from the others: overflowing the C stack takes about a second of CPU.
TEST_F(HostileCode, RecursionOverflowingTheCStackIsKilledBySegv) {
  const std::string completion =
      "import sys\nsys.setrecursionlimit(10 ** 7)\nnested = []\nfor _ in range(10 ** 5):\n"
      "    nested = [nested]\nrepr(nested)\n";
  CodeReward reward(code_reward_config_from_json({{"timeout_seconds", 30}, {"cpu_seconds", 30}}));
  const RewardResult result = reward.score({"", completion, kAddProblem});
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason, "killed by signal SIGSEGV");
}

TEST_F(HostileCode, BusyLoopHitsTheCpuLimit) {
  const std::string completion = "while True:\n    pass\n";
  CodeReward reward(code_reward_config_from_json({{"timeout_seconds", 30}, {"cpu_seconds", 1}}));
  const RewardResult result = reward.score({"", completion, kAddProblem});
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason, "killed: CPU time limit 1 s");
}

}  // namespace
}  // namespace r1
