// The two halves of ValidateManifest (bundle.h): the tables, then the entry points' plans,
// which refer to the tables by index.
#ifndef LOOM_RUNTIME_BUNDLE_VALIDATE_TABLES_H_
#define LOOM_RUNTIME_BUNDLE_VALIDATE_TABLES_H_

#include "runtime/bundle/validate_util.h"

namespace loom::rt::bundle_internal {

// Versions, target, arenas, parameters, kernels, checksums and the kernel library.
Status CheckTables(const Checker& c);
// Entry points: names, signatures and every command of every plan.
Status CheckEntryPoints(const Checker& c);

}  // namespace loom::rt::bundle_internal

#endif  // LOOM_RUNTIME_BUNDLE_VALIDATE_TABLES_H_
