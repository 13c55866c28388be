// Thread policy. One OpenMP pool serves both our loops and OpenBLAS (we link
// its OpenMP build), so BLAS never spins against our threads. Parallel regions
// are never nested: a GEMM called inside one runs single-threaded.
#pragma once

namespace r1 {

// Call first in main(). Makes idle OpenMP threads sleep after a short spin
// instead of libgomp's default of spinning for milliseconds: with that
// default, a thread pool on a core that another process keeps busy spends
// its time spinning at barriers while the thread it waits for cannot run,
// and two threads run many times slower than one. libgomp reads its policy
// from the environment when it is loaded, before main(), so this sets
// GOMP_SPINCOUNT and re-executes the program (/proc/self/exe, same argv)
// once. It does nothing when the user set OMP_WAIT_POLICY or GOMP_SPINCOUNT,
// and in the re-executed program it removes the variable again so that child
// processes see the user's environment. If the re-execution fails, the
// program runs on with libgomp's default.
void init_thread_policy(char** argv);

// Sets the thread count for our loops and for BLAS; 0 means all cores.
void set_threads(int n);
// set_threads' count: what parallel regions and BLAS use.
int num_threads();

// The thread count for the next step of work whose results do not depend on
// the thread count (decoding: each row is computed the same way on any
// thread): set_threads' count, or 1 while other processes hold the cores.
// It checks, at most every 50 ms, whether our threads wait for cores and
// meanwhile mostly sleep at barriers (less than 3/4 of the time runnable;
// from /proc/self/task/*/schedstat), and if so answers 1 for a while (1 s,
// doubling up to 8 s while it lasts), then tries the full count again.
// Fine-grained fork-join work on an oversubscribed machine spends its time
// waiting for a preempted thread; one thread does not. The global count never
// changes: training, whose floating-point sums depend on how work is split
// between threads, keeps set_threads' count, so a run's bytes do not depend
// on the machine's load. Call it from the thread that called set_threads,
// between parallel regions.
int contended_threads();
// Runs our loops and BLAS on `n` threads until destroyed, then on the count
// before (for decoding under contention: inside even a one-thread parallel
// region, BLAS and nested loops would still start their own threads).
class ScopedThreads {
 public:
  explicit ScopedThreads(int n);
  ~ScopedThreads();
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int previous_;
};

// How many times contended_threads() has dropped to one thread so far
// (benchmarks report it: their thread count did not hold throughout).
int contention_fallbacks();

}  // namespace r1
