// AdamW (Loshchilov & Hutter; decoupled weight decay, bias correction) over the
// model's flat parameter buffer, with moments in the identical layout, plus
// global-norm gradient clipping and learning-rate schedules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/params.h"

namespace r1 {

struct AdamWConfig {
  double beta1 = 0.9;
  double beta2 = 0.95;
  double eps = 1e-8;
  double weight_decay = 0.1;  // applied to matrices only (see decays())
};

class AdamW {
 public:
  AdamW(const ParamLayout& layout, AdamWConfig config);

  // One update with learning rate `lr`, the same arithmetic as
  // torch.optim.AdamW: p ← p·(1 − lr·wd); m, v ← EMAs of g, g²;
  // p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + eps).
  void step(float* params, const float* grads, double lr);
  // The same update from grads·grad_scale (the clipping coefficient), which
  // then clears grads for the next backward to add into: one pass over the
  // gradients instead of three (clip, update, clear).
  void step_and_clear(float* params, float* grads, double lr, float grad_scale);

  int64_t steps() const { return t_; }
  void set_steps(int64_t t) { t_ = t; }
  std::vector<float>& m() { return m_; }
  std::vector<float>& v() { return v_; }
  const std::vector<float>& m() const { return m_; }
  const std::vector<float>& v() const { return v_; }

 private:
  struct Span {
    size_t begin, end;
    bool decay;
  };
  // Clears grads unless they are const.
  template <typename Grad>
  void update(float* params, Grad* grads, double lr, float grad_scale);

  AdamWConfig config_;
  std::vector<Span> spans_;
  std::vector<float> m_, v_;
  int64_t t_ = 0;
};

// Global L2 norm, summed in a fixed order (independent of thread count).
double global_norm(const float* x, size_t n);
// The factor clipping applies to gradients of global norm `norm` (torch's
// clip_grad_norm_: max_norm / (norm + 1e-6) when below 1, else 1; 1 when
// max_norm ≤ 0, no clipping).
float clip_coefficient(double norm, double max_norm);
// Scales gradients by clip_coefficient so their global norm is at most
// max_norm. Returns the norm before clipping.
double clip_grad_norm(float* grads, size_t n, double max_norm);

// Learning rate at a step: linear warm-up from 0 over `warmup_steps`, then
// `kind` — constant, cosine or linear decay to min_lr_ratio·lr at total_steps.
struct LrSchedule {
  double lr = 1e-3;
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;
  std::string kind = "cosine";
  double min_lr_ratio = 0.1;
  double at(int64_t step) const;
};

}  // namespace r1
