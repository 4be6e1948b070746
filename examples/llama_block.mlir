// A Llama-shaped decoder layer over BLT byte ids, written by hand in the loom
// dialect: batch 2, sequence 64, width 64, 4 query heads sharing 2 KV heads,
// SwiGLU hidden 192, half-split RoPE (Hugging Face layout), causal attention
// whose mask is the interval [p_j, +inf) of query positions per key.
// `scripts/run-main.sh` compiles it through the phases that exist.

func.func @layer(%x: tensor<2x64x64xf32>, %pos: tensor<2x64xi64>,
                 %attn_norm: tensor<64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<32x64xf32>,
                 %wv: tensor<32x64xf32>, %wo: tensor<64x64xf32>, %ffn_norm: tensor<64xf32>,
                 %w_gate: tensor<192x64xf32>, %w_up: tensor<192x64xf32>,
                 %w_down: tensor<64x192xf32>) -> tensor<2x64x64xf32> {
  // Attention sub-layer: h = x + Wo·attn(rope(Wq·n), rope(Wk·n), Wv·n).
  %n, %rstd = loom.rms_norm %x weight(%attn_norm : tensor<64xf32>) {epsilon = 1.0e-05 : f64} : tensor<2x64x64xf32>
  %q = loom.linear %n, %wq acc(f32) : tensor<2x64x64xf32>, tensor<64x64xf32>
  %k = loom.linear %n, %wk acc(f32) : tensor<2x64x64xf32>, tensor<32x64xf32>
  %v = loom.linear %n, %wv acc(f32) : tensor<2x64x64xf32>, tensor<32x64xf32>
  %qh = loom.reshape %q : tensor<2x64x64xf32> -> tensor<2x64x4x16xf32>
  %kh = loom.reshape %k : tensor<2x64x32xf32> -> tensor<2x64x2x16xf32>
  %vh = loom.reshape %v : tensor<2x64x32xf32> -> tensor<2x64x2x16xf32>
  %qr = loom.rope %qh positions(%pos : tensor<2x64xi64>) layout(half_split) {theta = 5.0e+05 : f64} : tensor<2x64x4x16xf32>
  %kr = loom.rope %kh positions(%pos : tensor<2x64xi64>) layout(half_split) {theta = 5.0e+05 : f64} : tensor<2x64x2x16xf32>
  // Causal: key j is visible to queries at positions [p_j, +inf).
  %never = loom.constant dense<9223372036854775807> : tensor<2x64xi64>
  %o, %lse = loom.attention %qr, %kr, %vh query_positions(%pos) key_positions(%pos) visible(%pos, %never)
      : tensor<2x64x4x16xf32>, tensor<2x64x2x16xf32>, tensor<2x64x2x16xf32>, tensor<2x64xi64>, tensor<2x64xi64>
  %of = loom.reshape %o : tensor<2x64x4x16xf32> -> tensor<2x64x64xf32>
  %a = loom.linear %of, %wo acc(f32) : tensor<2x64x64xf32>, tensor<64x64xf32>
  %h = loom.binary add %x, %a : tensor<2x64x64xf32>

  // FFN sub-layer: out = h + W_down·(silu(W_gate·m) ⊙ W_up·m).
  %m, %rstd2 = loom.rms_norm %h weight(%ffn_norm : tensor<64xf32>) {epsilon = 1.0e-05 : f64} : tensor<2x64x64xf32>
  %g = loom.linear %m, %w_gate acc(f32) : tensor<2x64x64xf32>, tensor<192x64xf32>
  %u = loom.linear %m, %w_up acc(f32) : tensor<2x64x64xf32>, tensor<192x64xf32>
  %sg = loom.unary silu %g : tensor<2x64x192xf32>
  %gu = loom.binary mul %sg, %u : tensor<2x64x192xf32>
  %d = loom.linear %gu, %w_down acc(f32) : tensor<2x64x192xf32>, tensor<64x192xf32>
  %out = loom.binary add %h, %d : tensor<2x64x64xf32>
  return %out : tensor<2x64x64xf32>
}
