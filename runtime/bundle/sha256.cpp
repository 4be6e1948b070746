// OpenSSL's EVP interface (libcrypto from Debian's libssl-dev): a vetted, accelerated SHA-256
// rather than one of our own.
#include "runtime/bundle/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace loom::rt {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

std::string ToHex(const unsigned char* digest, unsigned int size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 15];
  }
  return hex;
}

}  // namespace

Result<std::string> Sha256HexOfFile(const std::string& path) {
  std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    int err = errno;
    return MakeStatus(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError, path,
                      ": cannot open: ", std::strerror(err));
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return MakeStatus(StatusCode::kInternal, path, ": OpenSSL could not start SHA-256");
  }
  std::vector<unsigned char> block(1 << 20);
  while (true) {
    size_t n = std::fread(block.data(), 1, block.size(), file.get());
    if (n > 0) EVP_DigestUpdate(ctx.get(), block.data(), n);
    if (n < block.size()) {
      if (std::ferror(file.get())) return MakeStatus(StatusCode::kIoError, path, ": read failed");
      break;
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &size);
  return ToHex(digest, size);
}

std::string Sha256HexOfBytes(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  return ToHex(digest, size);
}

}  // namespace loom::rt
