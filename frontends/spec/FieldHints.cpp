#include "frontends/spec/FieldHints.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "frontends/spec/model_spec.pb.h"

namespace loom::spec::detail {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The text between the quotes that follow `marker` in `message`, or "" when absent.
std::string quotedAfter(const std::string &message, std::string_view marker) {
  size_t at = message.find(marker);
  if (at == std::string::npos) return "";
  size_t begin = at + marker.size();
  size_t end = message.find('"', begin);
  return end == std::string::npos ? "" : message.substr(begin, end - begin);
}

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// Closest of `candidates` within a third of the written name's length (at most two edits, so
// "bad" does not become "std"), else the whole list.
std::string suggest(const std::string &written, const std::vector<std::string> &candidates,
                    const std::string &listIntro) {
  const std::string *best = nullptr;
  size_t bestDistance = std::min<size_t>(2, written.size() / 3) + 1;
  for (const std::string &candidate : candidates) {
    size_t d = editDistance(written.substr(0, 64), candidate);
    if (d < bestDistance) bestDistance = d, best = &candidate;
  }
  if (best) return " Did you mean \"" + *best + "\"?";
  std::string list;
  for (const std::string &candidate : candidates) list += (list.empty() ? "" : ", ") + candidate;
  return " " + listIntro + list + ".";
}

// Every message type of model_spec.proto, nested ones included.
void allMessages(const Descriptor *d, std::vector<const Descriptor *> &out) {
  out.push_back(d);
  for (int i = 0; i < d->nested_type_count(); ++i) allMessages(d->nested_type(i), out);
}

}  // namespace

std::string hintFor(const std::string &message) {
  const auto *file = ModelSpec::descriptor()->file();
  std::vector<const Descriptor *> messages;
  for (int i = 0; i < file->message_type_count(); ++i) allMessages(file->message_type(i), messages);

  if (std::string field = quotedAfter(message, "has no field named \""); !field.empty()) {
    const Descriptor *type = file->pool()->FindMessageTypeByName(quotedAfter(message, "type \""));
    if (!type) return "";
    std::vector<std::string> names;
    for (int i = 0; i < type->field_count(); ++i) names.push_back(type->field(i)->name());
    return suggest(field, names, "Its fields: ");
  }

  // 'Unknown enumeration value of "X" for field "layout".': the schema's enum field names
  // (family, kind, layout, init) are unique, so the field name finds the enum.
  if (std::string value = quotedAfter(message, "Unknown enumeration value of \""); !value.empty()) {
    std::string fieldName = quotedAfter(message, "for field \"");
    for (const Descriptor *type : messages) {
      const FieldDescriptor *field = type->FindFieldByName(fieldName);
      if (!field || field->enum_type() == nullptr) continue;
      std::vector<std::string> values;
      for (int i = 0; i < field->enum_type()->value_count(); ++i)
        if (field->enum_type()->value(i)->number() != 0)  // *_UNSPECIFIED is never meant
          values.push_back(field->enum_type()->value(i)->name());
      return suggest(value, values, "Values: ");
    }
  }
  return "";
}

Subject subjectOf(const std::string &message) {
  for (std::string_view marker : {"has no field named \"", "Non-repeated field \""})
    if (std::string field = quotedAfter(message, marker); !field.empty()) return {field, true};
  return {quotedAfter(message, "Unknown enumeration value of \""), false};
}

}  // namespace loom::spec::detail
