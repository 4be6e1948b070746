// The two halves of ValidateManifest (bundle.h): the tables, then the entry points' plans,
// which refer to the tables by index; and the checks of the larger commands, in files of their
// own.
#ifndef LOOM_RUNTIME_BUNDLE_VALIDATE_TABLES_H_
#define LOOM_RUNTIME_BUNDLE_VALIDATE_TABLES_H_

#include "runtime/bundle/validate_util.h"

namespace loom::rt::bundle_internal {

// Versions, target, arenas, parameters, kernels, checksums and the kernel library.
Status CheckTables(const Checker& c);
// Entry points: names, signatures and every command of every plan.
Status CheckEntryPoints(const Checker& c);
// An ATTENTION_F32 or ATTENTION_GRAD_F32 call at `where` (validate_attention.cpp).
Status CheckAttention(const Checker& c, const std::string& where,
                      const loom::bundle::LibraryCall& call);

}  // namespace loom::rt::bundle_internal

#endif  // LOOM_RUNTIME_BUNDLE_VALIDATE_TABLES_H_
