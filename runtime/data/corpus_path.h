// The training bytes of `loom-run train --data PATH`: one file, or a folder of files.
//
// A folder contributes its regular files (symbolic links followed), found recursively and taken
// in the byte order of their paths relative to the folder, skipping every entry whose name starts
// with '.' (.git, editor swap files). The files are concatenated with one separator byte,
// kCorpusFileSeparator ('\n'), between consecutive files and none after the last, so the last
// line of one file never runs into the first line of the next. Empty files contribute nothing
// (no separator either). The result is one ByteCorpus: batches are windows of that stream
// (byte_corpus.h), and a window may span a file boundary, as in packed pre-training.
#ifndef LOOM_RUNTIME_DATA_CORPUS_PATH_H_
#define LOOM_RUNTIME_DATA_CORPUS_PATH_H_

#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/data/byte_corpus.h"

namespace loom::rt {

inline constexpr char kCorpusFileSeparator = '\n';

// The bytes of `path` as described above. Errors name the path: kNotFound when it does not
// exist, kIoError for an unreadable file or folder, kInvalidArgument when it holds no bytes (an
// empty file, or a folder with no non-empty file). `files`, when given, receives the files
// read, in order.
Result<std::string> ReadCorpusBytes(const std::string& path,
                                    std::vector<std::string>* files = nullptr);
// ReadCorpusBytes as a ByteCorpus named `path`.
Result<ByteCorpus> LoadByteCorpusPath(const std::string& path,
                                      std::vector<std::string>* files = nullptr);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_DATA_CORPUS_PATH_H_
