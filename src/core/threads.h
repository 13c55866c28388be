// Thread policy. One OpenMP pool serves both our loops and OpenBLAS (we link
// its OpenMP build), so BLAS never spins against our threads. Parallel regions
// are never nested: a GEMM called inside one runs single-threaded.
#pragma once

namespace r1 {

// Sets the thread count for our loops and for BLAS; 0 means all cores.
void set_threads(int n);
int num_threads();

}  // namespace r1
