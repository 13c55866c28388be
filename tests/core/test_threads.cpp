#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <chrono>
#include <thread>
#include <vector>

#include "core/threads.h"

namespace r1 {

// Busy processes on every core keep fine-grained parallel work waiting at its
// barriers: decoding is told to use one thread, and after the back-off the
// full count again; the pool's own count never changes.
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
  // Fine-grained parallel work: tiny parallel regions, each a barrier.
  std::vector<float> values(4096);
  const auto start = std::chrono::steady_clock::now();
  int advised = 2;
  while (advised == 2 && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
#pragma omp parallel for
    for (size_t i = 0; i < values.size(); ++i) values[i] += 1.0f;
    advised = contended_threads();
  }
  for (const pid_t pid : hogs) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  EXPECT_EQ(advised, 1);
  EXPECT_EQ(num_threads(), 2);
  // The back-off is a second; past it the next check restores the full count.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(contended_threads(), 2);
  set_threads(0);
}

TEST(Threads, NothingToYieldWithOneThread) {
  set_threads(1);
  EXPECT_EQ(contended_threads(), 1);
  set_threads(0);
}

}  // namespace r1
