#include "cli/model_source.h"

#include "core/check.h"
#include "core/file_io.h"

namespace r1::cli {

std::string resolve_model(const std::string& spec) {
  R1_CHECK(spec != "builtin",
           "model 'builtin': build it with `r1 pretrain --builtin` and pass its directory");
  R1_CHECK(path_exists(spec + "/config.json"), "model '{}': not a model directory (no config.json)",
           spec);
  return spec;
}

}  // namespace r1::cli
