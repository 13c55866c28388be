#include "pipeline/fine_tune.h"

#include <fmt/format.h>

#include "core/check.h"
#include "model/model.h"
#include "tokenizer/tokenizer_io.h"
#include "train/sft_data.h"

namespace r1 {

FineTuneResult fine_tune(const std::string& init, const std::string& data, SftConfig config,
                         const std::string& out) {
  Model model = load_model(init);
  const Tokenizer tokenizer = load_tokenizer(init);
  if (config.max_length <= 0) config.max_length = model.config().max_position_embeddings;
  const SftData train = load_sft_data(data, tokenizer, config.max_length);
  R1_CHECK(!train.examples.empty(), "{}: no examples to fine-tune on", data);
  if (train.truncated > 0)
    fmt::print(stderr, "warning: {}: {} of {} examples are longer than {} tokens and were cut\n",
               data, train.truncated, train.examples.size(), config.max_length);
  FineTuneResult result;
  result.examples = int64_t(train.examples.size());
  result.truncated = train.truncated;
  result.sft = sft(model, train, {}, config, out, /*resume=*/true);
  save_tokenizer(tokenizer, out);
  return result;
}

}  // namespace r1
