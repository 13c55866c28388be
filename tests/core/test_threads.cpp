#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <chrono>
#include <thread>
#include <vector>

#include "core/threads.h"

namespace r1 {

// Busy processes on every core keep our thread waiting for one: the pool drops
// to one thread, and after the back-off it tries the full count again.
TEST(Threads, OneThreadWhileOtherProcessesHoldTheCores) {
  set_threads(2);
  ASSERT_EQ(num_threads(), 2);
  std::vector<pid_t> hogs;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < cores + 1; ++i) {
    const pid_t pid = fork();
    if (pid == 0)
      for (;;) {
      }
    hogs.push_back(pid);
  }
  // Stay runnable (as a computing thread would) while checking.
  const auto start = std::chrono::steady_clock::now();
  while (num_threads() == 2 && std::chrono::steady_clock::now() - start < std::chrono::seconds(5))
    yield_to_contention();
  for (const pid_t pid : hogs) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  EXPECT_EQ(num_threads(), 1);
  // The back-off is a second; past it the next check restores the full count.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  yield_to_contention();
  EXPECT_EQ(num_threads(), 2);
  set_threads(0);
}

TEST(Threads, NothingToYieldWithOneThread) {
  set_threads(1);
  yield_to_contention();
  EXPECT_EQ(num_threads(), 1);
  set_threads(0);
}

}  // namespace r1
