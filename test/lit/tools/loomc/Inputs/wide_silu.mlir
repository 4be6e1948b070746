// One elementwise op over 1024 x 1024 f32 (silu: 8 units of work an
// element): its grid is the target's (cuda-grids.test).
func.func @forward(%x: tensor<1024x1024xf32> {loom.input = "x"})
    -> (tensor<1024x1024xf32> {loom.output = "y"}) {
  %y = loom.unary silu %x : tensor<1024x1024xf32>
  return %y : tensor<1024x1024xf32>
}
