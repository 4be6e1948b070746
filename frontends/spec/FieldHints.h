// Hints appended to protobuf's parse errors: the field or enum value the user probably meant.
// protobuf says 'Message type "loom.spec.Transformer" has no field named "num_head".'; Loom adds
// ' Did you mean "num_heads"?' or lists the fields there are.
#ifndef LOOM_FRONTENDS_SPEC_FIELDHINTS_H_
#define LOOM_FRONTENDS_SPEC_FIELDHINTS_H_

#include <string>

namespace loom::spec::detail {

// " Did you mean ...?" / " Fields of T: ..." / " Values: ..." for the unknown-field and
// unknown-enum-value messages of protobuf's text parser; "" for any other message.
std::string hintFor(const std::string &protobufMessage);

// The name an error is about (an unknown field or enum value, a field given twice), which
// protobuf locates at the token after it; empty for other messages.
struct Subject {
  std::string name;
  bool isField = false;  // a field's name, not an enum value
};
Subject subjectOf(const std::string &protobufMessage);

}  // namespace loom::spec::detail

#endif  // LOOM_FRONTENDS_SPEC_FIELDHINTS_H_
