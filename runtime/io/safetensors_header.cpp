#include "runtime/io/safetensors_header.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace loom::rt {
namespace {

using nlohmann::json;

constexpr std::string_view kMetadataKey = "__metadata__";
// A valid header nests three deep (root, tensor entry, shape array). The limit leaves room for
// precise messages about wrong structures while bounding what a hostile header can build.
constexpr size_t kMaxNesting = 16;

Status Invalid(const std::string& file, const std::string& what) {
  return MakeStatus(StatusCode::kInvalidFormat, file, ": ", what);
}

// Duplicate keys and nesting depth, which nlohmann's DOM does not report, observed through
// its parser callback while it builds the DOM.
class StructureWatcher {
 public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        keys_.emplace_back();
        Open();
        break;
      case json::parse_event_t::array_start:
        keys_.emplace_back();  // arrays have no keys; keeps the stack aligned with nesting
        Open();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!keys_.empty()) keys_.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys_.empty() && !keys_.back().insert(parsed.get<std::string>()).second &&
            duplicate_.empty()) {
          duplicate_ = parsed.get<std::string>();
        }
        break;
      case json::parse_event_t::value:
        break;
    }
    return true;
  }
  const std::string& duplicate() const { return duplicate_; }
  bool too_deep() const { return too_deep_; }

 private:
  void Open() {
    if (keys_.size() > kMaxNesting) too_deep_ = true;
  }
  std::vector<std::set<std::string>> keys_;
  std::string duplicate_;
  bool too_deep_ = false;
};

// A JSON value that must be a non-negative integer below 2^63.
bool AsIndex(const json& value, uint64_t* out) {
  if (!value.is_number_unsigned()) return false;
  uint64_t v = value.get<uint64_t>();
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  *out = v;
  return true;
}

std::string SupportedDTypes() {
  std::string names;
  for (DType dtype : kAllDTypes) {
    if (!names.empty()) names += ' ';
    names += SafetensorsDTypeName(dtype);
  }
  return names;
}

Result<SafetensorsEntry> ParseEntry(const std::string& name, const json& value,
                                    const std::string& file) {
  const std::string where = "tensor '" + name + "'";
  if (!value.is_object()) return Invalid(file, where + ": entry is not a JSON object");
  for (const auto& [key, unused] : value.items()) {
    if (key != "dtype" && key != "shape" && key != "data_offsets") {
      return Invalid(file, where + ": unknown field '" + key +
                               "' (an entry holds dtype, shape and data_offsets)");
    }
  }
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    if (!value.contains(key)) return Invalid(file, where + ": missing field '" + key + "'");
  }
  SafetensorsEntry entry;
  const json& dtype = value["dtype"];
  if (!dtype.is_string()) return Invalid(file, where + ": dtype is not a string");
  std::optional<DType> parsed = DTypeFromSafetensorsName(dtype.get<std::string>());
  if (!parsed) {
    return MakeStatus(StatusCode::kUnsupported, file, ": ", where, ": dtype '",
                      dtype.get<std::string>(), "' is unknown or unsupported (Loom reads ",
                      SupportedDTypes(), ")");
  }
  entry.dtype = *parsed;
  const json& shape = value["shape"];
  if (!shape.is_array()) return Invalid(file, where + ": shape is not an array");
  for (const json& dim : shape) {
    uint64_t d;
    if (!AsIndex(dim, &d)) {
      return Invalid(file, where + ": shape " + shape.dump() +
                               " must hold integers in [0, 2^63)");
    }
    entry.shape.push_back(static_cast<int64_t>(d));
  }
  const json& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !AsIndex(offsets[0], &entry.begin) ||
      !AsIndex(offsets[1], &entry.end)) {
    return Invalid(file, where + ": data_offsets " + offsets.dump() +
                             " must be two integers [begin, end] in [0, 2^63)");
  }
  std::optional<uint64_t> bytes = CheckedByteSize(entry.dtype, entry.shape);
  if (!bytes) {
    return Invalid(file, where + ": shape " + ShapeToString(entry.shape) + " of " +
                             std::string(SafetensorsDTypeName(entry.dtype)) +
                             " overflows: its size exceeds 2^63 bytes");
  }
  if (entry.end < entry.begin) {
    return Invalid(file, where + ": data_offsets " + offsets.dump() + " end before they begin");
  }
  if (entry.end - entry.begin != *bytes) {
    return Invalid(file, where + ": data_offsets " + offsets.dump() + " hold " +
                             std::to_string(entry.end - entry.begin) + " bytes, but shape " +
                             ShapeToString(entry.shape) + " of " +
                             std::string(SafetensorsDTypeName(entry.dtype)) + " needs " +
                             std::to_string(*bytes));
  }
  return entry;
}

Status ParseMetadata(const json& value, const std::string& file,
                     std::map<std::string, std::string>* out) {
  if (!value.is_object()) return Invalid(file, "__metadata__ is not a JSON object of strings");
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) {
      return Invalid(file, "__metadata__ entry '" + key + "' is not a string");
    }
    (*out)[key] = item.get<std::string>();
  }
  return OkStatus();
}

// The entries, sorted by offsets, must tile [0, data_size) exactly.
Status CheckTiling(const std::map<std::string, SafetensorsEntry>& tensors, uint64_t data_size,
                   const std::string& file) {
  std::vector<std::pair<const std::string*, const SafetensorsEntry*>> order;
  for (const auto& [name, entry] : tensors) order.emplace_back(&name, &entry);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return std::pair(a.second->begin, a.second->end) < std::pair(b.second->begin, b.second->end);
  });
  uint64_t next = 0;
  for (const auto& [name, entry] : order) {
    if (entry->begin != next) {
      return Invalid(file, "tensor '" + *name + "': data_offsets [" +
                               std::to_string(entry->begin) + ", " + std::to_string(entry->end) +
                               "] " + (entry->begin < next ? "overlap" : "leave a gap after") +
                               " the data before them, which ends at offset " +
                               std::to_string(next) +
                               "; tensors must be contiguous and non-overlapping");
    }
    next = entry->end;
  }
  if (next != data_size) {
    return Invalid(file, "tensors cover " + std::to_string(next) +
                             " bytes of data, but the file holds " + std::to_string(data_size) +
                             " bytes after the header; the data must be covered exactly");
  }
  return OkStatus();
}

}  // namespace

Result<SafetensorsIndex> ParseSafetensorsHeader(std::string_view text, uint64_t data_size,
                                                const std::string& file) {
  if (text.empty() || text.front() != '{') {
    return Invalid(file, "header does not start with '{' (byte 8 of the file)");
  }
  StructureWatcher watcher;
  json root;
  try {
    root = json::parse(text.begin(), text.end(), std::ref(watcher), /*allow_exceptions=*/true,
                       /*ignore_comments=*/false);
  } catch (const json::exception& e) {
    return Invalid(file, std::string("header is not valid JSON: ") + e.what());
  } catch (const std::bad_alloc&) {
    return MakeStatus(StatusCode::kResourceExhausted, file, ": out of memory parsing the header");
  }
  if (watcher.too_deep()) {
    return Invalid(file, "header nests deeper than " + std::to_string(kMaxNesting) + " levels");
  }
  if (!watcher.duplicate().empty()) {
    return Invalid(file, "header has the key '" + watcher.duplicate() + "' more than once");
  }
  // A document that starts with '{' and parses is an object: no further check needed.
  SafetensorsIndex index;
  for (const auto& [name, value] : root.items()) {
    if (name == kMetadataKey) {
      LOOM_RETURN_IF_ERROR(ParseMetadata(value, file, &index.metadata));
      continue;
    }
    LOOM_ASSIGN_OR_RETURN(SafetensorsEntry entry, ParseEntry(name, value, file));
    index.tensors.emplace(name, std::move(entry));
  }
  LOOM_RETURN_IF_ERROR(CheckTiling(index.tensors, data_size, file));
  return index;
}

Result<std::string> FormatSafetensorsHeader(
    const std::map<std::string, std::string>& metadata,
    const std::vector<std::pair<std::string, SafetensorsEntry>>& ordered,
    const std::string& file) {
  // ordered_json keeps insertion order, which is the layout order the reader sorts back to.
  nlohmann::ordered_json root = nlohmann::ordered_json::object();
  if (!metadata.empty()) root[std::string(kMetadataKey)] = metadata;
  for (const auto& [name, entry] : ordered) {
    nlohmann::ordered_json item = nlohmann::ordered_json::object();
    item["dtype"] = std::string(SafetensorsDTypeName(entry.dtype));
    item["shape"] = entry.shape;
    item["data_offsets"] = {entry.begin, entry.end};
    root[name] = std::move(item);
  }
  std::string text;
  try {
    text = root.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::strict);
  } catch (const json::exception& e) {
    return MakeStatus(StatusCode::kInvalidArgument, file,
                      ": a tensor name or metadata string is not valid UTF-8: ", e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

}  // namespace loom::rt
