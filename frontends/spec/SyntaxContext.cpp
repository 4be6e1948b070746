#include "frontends/spec/SyntaxContext.h"

#include <cctype>
#include <map>
#include <vector>

#include "frontends/spec/model_spec.pb.h"

namespace loom::spec::detail {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// One open message: the path that leads to it, its type (null once a name is unknown) and how
// many times each repeated field has been opened in it so far.
struct Frame {
  std::string path;
  std::string name;  // the field that opened it
  const Descriptor *type;
  std::map<std::string, int> seen;
};

bool identStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A small tokenizer for textproto: comments (#), strings, identifiers, numbers and punctuation.
// It only has to be right on text protobuf's parser accepted up to the error.
class Walker {
 public:
  explicit Walker(std::string_view text) : text_(text) {
    frames_.push_back({"", "", ModelSpec::descriptor(), {}});
  }

  std::string run() {
    while (skipSpace()) {
      char c = text_[pos_];
      if (identStart(c)) {
        size_t begin = pos_;
        while (pos_ < text_.size() && identChar(text_[pos_])) ++pos_;
        word(std::string(text_.substr(begin, pos_ - begin)));
      } else if (c == '"' || c == '\'') {
        skipString(c);
        value();
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '+') {
        while (pos_ < text_.size() && (identChar(text_[pos_]) || text_[pos_] == '.' ||
                                       text_[pos_] == '-' || text_[pos_] == '+'))
          ++pos_;
        value();
      } else {
        ++pos_;
        punct(c);
      }
    }
    // Between fields, the error is about the message they are in.
    return expect_ == Expect::kField ? frames_.back().path : field_;
  }

 private:
  enum class Expect { kField, kColonOrMessage, kValue };

  bool skipSpace() {
    while (pos_ < text_.size()) {
      if (text_[pos_] == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(text_[pos_]))) {
        ++pos_;
      } else {
        return true;
      }
    }
    return false;
  }
  void skipString(char quote) {
    for (++pos_; pos_ < text_.size() && text_[pos_] != quote && text_[pos_] != '\n'; ++pos_)
      if (text_[pos_] == '\\') ++pos_;
    ++pos_;
  }

  void word(const std::string &name) {
    if (expect_ != Expect::kField) return value();
    Frame &frame = frames_.back();
    const FieldDescriptor *field = frame.type ? frame.type->FindFieldByName(name) : nullptr;
    fieldName_ = name;
    fieldType_ = field ? field->message_type() : nullptr;
    std::string base = frame.path.empty() ? name : frame.path + "." + name;
    field_ = field && field->is_repeated() ? base + "[" + std::to_string(frame.seen[name]++) + "]"
                                           : base;
    expect_ = Expect::kColonOrMessage;
  }
  void value() {
    if (!inList_) expect_ = Expect::kField;
  }
  void punct(char c) {
    if (c == ':' && expect_ == Expect::kColonOrMessage) {
      expect_ = Expect::kValue;
    } else if (c == '[' && expect_ == Expect::kValue) {
      inList_ = true;
    } else if (c == ']') {
      inList_ = false;
      expect_ = Expect::kField;
    } else if (c == ',' && inList_ && !field_.empty()) {
      // The next element of a repeated field written as a list: a fresh index.
      std::string base = field_.substr(0, field_.rfind('['));
      if (base.size() != field_.size())
        field_ = base + "[" + std::to_string(frames_.back().seen[fieldName_]++) + "]";
    } else if (c == '{' || c == '<') {
      frames_.push_back({field_, fieldName_, fieldType_, {}});
      inLists_.push_back(inList_);
      inList_ = false;
      field_.clear();
      expect_ = Expect::kField;
    } else if ((c == '}' || c == '>') && frames_.size() > 1) {
      field_ = frames_.back().path;
      fieldName_ = frames_.back().name;
      fieldType_ = frames_.back().type;
      frames_.pop_back();
      inList_ = inLists_.back();
      inLists_.pop_back();
      expect_ = inList_ ? Expect::kValue : Expect::kField;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<Frame> frames_;
  std::vector<bool> inLists_;
  bool inList_ = false;
  Expect expect_ = Expect::kField;
  std::string field_;      // path of the field being written ("" right after an opening brace)
  std::string fieldName_;  // its last name, for list elements
  const Descriptor *fieldType_ = nullptr;
};

}  // namespace

std::string syntaxContext(std::string_view textBefore) { return Walker(textBefore).run(); }

}  // namespace loom::spec::detail
