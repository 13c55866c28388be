#include "train/optimizer.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <type_traits>

#include "core/check.h"

namespace r1 {

AdamW::AdamW(const ParamLayout& layout, AdamWConfig config)
    : config_(config), m_(layout.total, 0.0f), v_(layout.total, 0.0f) {
  for (const ParamTensor& t : layout.tensors)
    spans_.push_back({t.offset, t.offset + size_t(t.numel()), decays(t)});
}

void AdamW::step(float* params, const float* grads, double lr) {
  update(params, grads, lr, 1.0f);
}

void AdamW::step_and_clear(float* params, float* grads, double lr, float grad_scale) {
  update(params, grads, lr, grad_scale);
}

template <typename Grad>
void AdamW::update(float* params, Grad* grads, double lr, float grad_scale) {
  ++t_;
  const float b1 = float(config_.beta1), b2 = float(config_.beta2), eps = float(config_.eps);
  const float bias1 = float(1.0 - std::pow(config_.beta1, double(t_)));
  const float bias2_sqrt = float(std::sqrt(1.0 - std::pow(config_.beta2, double(t_))));
  const float step_size = float(lr) / bias1;
  for (const Span& s : spans_) {
    const float decay = s.decay ? float(1.0 - lr * config_.weight_decay) : 1.0f;
#pragma omp parallel for schedule(static)
    for (size_t i = s.begin; i < s.end; ++i) {
      // Scaled as clipping in place would (×1 is exact).
      const float g = grads[i] * grad_scale;
      if constexpr (!std::is_const_v<Grad>) grads[i] = 0.0f;
      m_[i] = b1 * m_[i] + (1 - b1) * g;
      v_[i] = b2 * v_[i] + (1 - b2) * g * g;
      const float denom = std::sqrt(v_[i]) / bias2_sqrt + eps;
      params[i] = params[i] * decay - step_size * m_[i] / denom;
    }
  }
}

double global_norm(const float* x, size_t n) {
  constexpr size_t kChunk = 1 << 14;
  const size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> partial(chunks, 0.0);
  // Each chunk's sum in eight lanes (one chain would wait on every
  // addition), then the lanes in order: the same for any thread count.
  typedef double Lanes __attribute__((vector_size(8 * sizeof(double))));
#pragma omp parallel for schedule(static)
  for (size_t c = 0; c < chunks; ++c) {
    const size_t end = std::min(n, (c + 1) * kChunk);
    Lanes lanes = {};
    size_t i = c * kChunk;
    for (; i + 8 <= end; i += 8) {
      Lanes v;
      for (int l = 0; l < 8; ++l) v[l] = double(x[i + size_t(l)]);
      lanes += v * v;
    }
    double s = 0;
    for (int l = 0; l < 8; ++l) s += lanes[l];
    for (; i < end; ++i) s += double(x[i]) * x[i];
    partial[c] = s;
  }
  double total = 0;
  for (double p : partial) total += p;
  return std::sqrt(total);
}

float clip_coefficient(double norm, double max_norm) {
  const double coef = max_norm / (norm + 1e-6);
  return max_norm > 0 && coef < 1.0 ? float(coef) : 1.0f;
}

double clip_grad_norm(float* grads, size_t n, double max_norm) {
  const double norm = global_norm(grads, n);
  const float c = clip_coefficient(norm, max_norm);
  if (c != 1.0f) {
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; ++i) grads[i] *= c;
  }
  return norm;
}

double LrSchedule::at(int64_t step) const {
  if (warmup_steps > 0 && step < warmup_steps) return lr * double(step + 1) / double(warmup_steps);
  if (kind == "constant") return lr;
  const double span = double(std::max<int64_t>(1, total_steps - warmup_steps));
  const double progress = std::clamp(double(step - warmup_steps) / span, 0.0, 1.0);
  const double floor = lr * min_lr_ratio;
  if (kind == "cosine")
    return floor + (lr - floor) * 0.5 * (1 + std::cos(std::numbers::pi * progress));
  if (kind == "linear") return lr - (lr - floor) * progress;
  fail("unknown learning-rate schedule '{}' (expected constant, cosine or linear)", kind);
}

}  // namespace r1
