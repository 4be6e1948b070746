// A plan whose launch disagrees with its kernel's grid: @k0 has no
// loom.workgroups (one workgroup, one block) but is launched over two.
module attributes {loom.target = "cuda"} {
  loomrt.arena @activations activations size(128) alignment(64)
  loomrt.entry @forward {
    %x = loomrt.view @activations[0] : memref<8xf32>
    %y = loomrt.view @activations[64] : memref<8xf32>
    loomrt.input "x" %x : memref<8xf32>
    loomrt.launch @kernels::@k0 grid [2, 1, 1] (%x, %y) : memref<8xf32>, memref<8xf32>
    loomrt.output "y" %y : memref<8xf32>
  }
  module @kernels {
    func.func @k0(%a: tensor<8xf32>) -> tensor<8xf32> {
      %r = loom.unary exp %a : tensor<8xf32>
      return %r : tensor<8xf32>
    }
  }
}
