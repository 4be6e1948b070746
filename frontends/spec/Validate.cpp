// Semantic checks of the model part of a spec (family, dtype, vocabulary, transformer, shape);
// the sizes they imply are checked in ValidateSizes.cpp, parameter rules in ValidateRules.cpp.
#include "frontends/spec/Validate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "frontends/spec/Checker.h"
#include "frontends/spec/LlamaLayout.h"

namespace loom::spec::detail {

namespace {

// proto3 strings must be UTF-8, which protobuf's text parser does not check; a bundle written
// from this spec would fail to serialize.
bool validUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

// BLT's byte vocabulary (models.md §1.2): 4 special ids, then byte b as id b + 4.
constexpr int64_t kBltSpecialIds = 4;
constexpr int64_t kBltVocabularySize = kBltSpecialIds + 256;

void checkTop(Checker &c, const std::string &file) {
  ModelSpec &spec = c.spec();
  if (spec.family() != ModelSpec::LLAMA) {
    if (!c.stated("family"))
      c.missing("family", "set family: LLAMA");
    else
      c.error("family", "Loom builds only LLAMA so far, not " +
                            (ModelSpec::Family_IsValid(spec.family())
                                 ? ModelSpec::Family_Name(spec.family())
                                 : std::to_string(spec.family())));
  }

  if (!c.stated("name")) {
    spec.set_name(std::filesystem::path(file).stem().string());
  } else if (spec.name().empty()) {
    c.error("name", "must not be empty");
  } else if (!validUtf8(spec.name())) {
    c.error("name", quotedText(spec.name()) + " is not valid UTF-8");
  } else if (std::any_of(spec.name().begin(), spec.name().end(),
                         [](char ch) { return static_cast<unsigned char>(ch) < 0x20; })) {
    c.error("name", quotedText(spec.name()) + " contains a control character");
  }

  if (!c.stated("dtype")) {
    spec.set_dtype("f32");
  } else if (spec.dtype() != "f32" && spec.dtype() != "bf16" && spec.dtype() != "f64") {
    c.error("dtype", quotedText(spec.dtype()) + " is not one of \"f32\", \"bf16\", \"f64\"");
  }
}

void checkVocabulary(Checker &c) {
  if (!c.stated("vocabulary")) {
    c.missing("vocabulary", "Loom reads bytes: vocabulary { kind: BLT_BYTES }");
    return;
  }
  Vocabulary &v = *c.spec().mutable_vocabulary();
  if (v.kind() != Vocabulary::BLT_BYTES) {
    if (!c.stated("vocabulary.kind") || v.kind() == Vocabulary::KIND_UNSPECIFIED)
      c.missing("vocabulary.kind", "set kind: BLT_BYTES");
    else
      c.error("vocabulary.kind", std::to_string(v.kind()) + " is not a kind Loom knows (BLT_BYTES)");
    return;  // sizes and ids mean nothing without a kind
  }

  if (!c.stated("vocabulary.size"))
    v.set_size(kBltVocabularySize);
  else if (v.size() != kBltVocabularySize)
    c.error("vocabulary.size", "BLT_BYTES has 260 ids (4 special ids, then the 256 bytes), not " +
                                   std::to_string(v.size()));

  // Defaults: the schema's layout of the special ids.
  struct Id {
    const char *path;
    int64_t value;
    bool stated;
  };
  Id ids[] = {{"vocabulary.pad_id", v.pad_id(), c.stated("vocabulary.pad_id")},
              {"vocabulary.bos_id", v.bos_id(), c.stated("vocabulary.bos_id")},
              {"vocabulary.eos_id", v.eos_id(), c.stated("vocabulary.eos_id")}};
  const int64_t defaults[] = {0, 1, 2};
  for (int i = 0; i < 3; ++i) {
    if (!ids[i].stated) ids[i].value = defaults[i];
    if (ids[i].value < 0 || ids[i].value >= kBltSpecialIds)
      c.error(ids[i].path, std::to_string(ids[i].value) +
                               " is not a special id of BLT_BYTES (0..3; 4..259 are bytes)");
    for (int j = 0; j < i; ++j)
      if (ids[i].value == ids[j].value)
        c.error(ids[i].stated ? ids[i].path : ids[j].path,
                std::to_string(ids[i].value) + " is used by both " + ids[j].path + " and " +
                    ids[i].path);
  }
  v.set_pad_id(ids[0].value);
  v.set_bos_id(ids[1].value);
  v.set_eos_id(ids[2].value);
}

// Returns whether the numbers the parameter table and sizes depend on are all valid.
bool checkTransformer(Checker &c) {
  if (!c.stated("transformer")) {
    c.missing("transformer", "a spec must state the architecture (num_layers, dim, ...)");
    return false;
  }
  Transformer &t = *c.spec().mutable_transformer();
  bool ok = c.requirePositive("transformer.num_layers", t.num_layers());
  if (ok && t.num_layers() > kMaxLayers) {
    c.error("transformer.num_layers", std::to_string(t.num_layers()) + " exceeds Loom's limit of " +
                                          std::to_string(kMaxLayers) + " layers");
    ok = false;
  }
  bool dimOk = c.requirePositive("transformer.dim", t.dim());
  bool headsOk = c.requirePositive("transformer.num_heads", t.num_heads());
  ok &= c.requirePositive("transformer.ffn_hidden", t.ffn_hidden()) && dimOk && headsOk;

  bool kvOk = true;
  if (!c.stated("transformer.num_kv_heads")) {
    t.set_num_kv_heads(t.num_heads());
  } else if (t.num_kv_heads() <= 0) {
    c.error("transformer.num_kv_heads", "must be > 0, not " + std::to_string(t.num_kv_heads()));
    kvOk = false;
  }
  if (dimOk && headsOk) {
    if (t.dim() % t.num_heads() != 0) {
      c.error("transformer.num_heads", std::to_string(t.num_heads()) +
                                           " does not divide transformer.dim (" +
                                           std::to_string(t.dim()) + ")");
      ok = false;
    } else if ((t.dim() / t.num_heads()) % 2 != 0) {
      c.error("transformer.num_heads",
              "head dim transformer.dim / num_heads = " + std::to_string(t.dim()) + " / " +
                  std::to_string(t.num_heads()) + " = " + std::to_string(t.dim() / t.num_heads()) +
                  " is odd; RoPE rotates pairs of channels");
      ok = false;
    }
  }
  if (headsOk && kvOk && t.num_heads() % t.num_kv_heads() != 0) {
    c.error("transformer.num_kv_heads", std::to_string(t.num_kv_heads()) +
                                            " does not divide transformer.num_heads (" +
                                            std::to_string(t.num_heads()) + ")");
    kvOk = false;
  }
  ok &= kvOk;

  c.requirePositiveFinite("transformer.norm_eps", t.norm_eps());
  if (!c.stated("transformer.rope")) {
    c.missing("transformer.rope", "state theta and layout (e.g. rope { theta: 10000 layout: HALF_SPLIT })");
  } else {
    c.requirePositiveFinite("transformer.rope.theta", t.rope().theta());
    Rope::Layout layout = t.rope().layout();
    if (!c.stated("transformer.rope.layout") || layout == Rope::LAYOUT_UNSPECIFIED)
      c.missing("transformer.rope.layout",
                "INTERLEAVED (Meta's reference, BLT) or HALF_SPLIT (Hugging Face checkpoints)");
    else if (!Rope::Layout_IsValid(layout))
      c.error("transformer.rope.layout", std::to_string(layout) + " is not INTERLEAVED or HALF_SPLIT");
  }
  return ok;
}

// Returns whether batch and the lengths are valid.
bool checkShape(Checker &c) {
  if (!c.stated("shape")) {
    c.missing("shape", "state the batch and sequence the program is compiled for");
    return false;
  }
  Shape &s = *c.spec().mutable_shape();
  bool ok = c.requirePositive("shape.batch", s.batch());
  bool sequenceOk = c.requirePositive("shape.sequence", s.sequence());
  ok &= sequenceOk;
  if (!c.stated("shape.max_decode_length")) {
    s.set_max_decode_length(s.sequence());
  } else if (sequenceOk && s.max_decode_length() < s.sequence()) {
    c.error("shape.max_decode_length", std::to_string(s.max_decode_length()) +
                                           " is shorter than shape.sequence (" +
                                           std::to_string(s.sequence()) + ")");
    ok = false;
  }
  return ok;
}

}  // namespace

bool Checker::requirePositiveFinite(std::string_view path, double value) {
  if (!stated(path)) {
    missing(path, "the spec must state it");
    return false;
  }
  if (!(value > 0) || !std::isfinite(value)) {
    error(path, "must be finite and > 0, not " + number(value));
    return false;
  }
  return true;
}

void checkAndDefault(ParsedModelSpec &parsed, Diagnostics &diagnostics) {
  Checker c(parsed, diagnostics);
  checkTop(c, parsed.file);
  checkVocabulary(c);
  bool vocabularyOk = c.spec().vocabulary().kind() == Vocabulary::BLT_BYTES &&
                      c.spec().vocabulary().size() == kBltVocabularySize;
  bool transformerOk = checkTransformer(c);
  bool shapeOk = checkShape(c);
  if (transformerOk && vocabularyOk) checkSizes(c, shapeOk);
  checkParameterRules(c);
  checkTraining(c);
}

}  // namespace loom::spec::detail
