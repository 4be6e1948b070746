// RUN: loom-opt %s --loom-fuse="explain=true" -o /dev/null 2>&1 | FileCheck %s

/// [Rule: sibling ropes merge, and the remark says why; a rope that depends
/// on the other (through a linear) does not, and the remark says why not]
// CHECK: remark: fusion: groups 0 and 1 merge (ropes over the same positions 2x8: one launch reads them once)
// CHECK: remark: fusion: no merge: groups 0 and 1 depend on each other through an op outside them (a cycle)
module attributes {loom.target = "cpu"} {
  func.func @siblings(%q: tensor<2x8x1x16xf32>, %k: tensor<2x8x1x16xf32>, %p: tensor<2x8xi64>)
      -> (tensor<2x8x1x16xf32>, tensor<2x8x1x16xf32>) {
    %rq = loom.rope %q positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x1x16xf32>
    %rk = loom.rope %k positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x1x16xf32>
    return %rq, %rk : tensor<2x8x1x16xf32>, tensor<2x8x1x16xf32>
  }
  func.func @dependent(%q: tensor<2x8x1x16xf32>, %w: tensor<16x16xf32>, %p: tensor<2x8xi64>)
      -> tensor<2x8x1x16xf32> {
    %rq = loom.rope %q positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x1x16xf32>
    %l = loom.linear %rq, %w acc(f32) : tensor<2x8x1x16xf32>, tensor<16x16xf32>
    %r2 = loom.rope %l positions(%p : tensor<2x8xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x8x1x16xf32>
    return %r2 : tensor<2x8x1x16xf32>
  }
}
