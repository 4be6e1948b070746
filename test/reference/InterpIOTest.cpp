//===- InterpIOTest.cpp - loom-interp's input layer on good and bad files --===//

#include "tools/loom-interp/InterpIO.h"

#include "test/reference/TestUtil.h"

#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <cstring>
#include <fstream>

using namespace mlir;
using namespace loom;
using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

const char *kModule = R"(
func.func @f(%w: tensor<2x3xf32> {loom.param = "w"}, %t: tensor<?xi64, #loom.bounds<[4]>> {loom.input = "tokens"},
             %n: index, %h: tensor<2xbf16>, %g: tensor<2xf16>) -> (tensor<2x3xf32>, tensor<?xi64, #loom.bounds<[4]>>, tensor<2xbf16>) {
  return %w, %t, %h : tensor<2x3xf32>, tensor<?xi64, #loom.bounds<[4]>>, tensor<2xbf16>
})";

class InterpIOTest : public InterpreterTest {
protected:
  void SetUp() override {
    module = parseSourceString<ModuleOp>(kModule, &context);
    ASSERT_TRUE(module);
    fn = module->lookupSymbol<func::FuncOp>("f");
    dir = ::testing::TempDir();
  }

  static rt::HostTensor host(rt::DType dtype, rt::Shape shape, const void *data) {
    rt::HostTensor t = std::move(rt::HostTensor::Allocate(dtype, std::move(shape)).value());
    std::memcpy(t.data(), data, t.size_bytes());
    return t;
  }

  std::string writeNpy(const std::string &name, const rt::HostTensor &t) {
    std::string path = dir + name;
    EXPECT_TRUE(rt::WriteNpyFile(path, t).ok());
    return path;
  }

  std::string writeBytes(const std::string &name, const std::string &bytes) {
    std::string path = dir + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  /// Valid files for every argument of @f.
  std::vector<std::string> goodNpys() {
    float w[6] = {1, 2, 3, 4, 5, 6};
    int64_t t[3] = {7, 8, 9}, n = 3;
    uint16_t g[2] = {0x3c00, 0xc000}; // f16 1.0, -2.0
    return {writeNpy("w.npy", host(rt::DType::kF32, {2, 3}, w)),
            writeNpy("t.npy", host(rt::DType::kI64, {3}, t)),
            writeNpy("n.npy", host(rt::DType::kI64, {}, &n)), "",
            writeNpy("g.npy", host(rt::DType::kF16, {2}, g))};
  }

  OwningOpRef<ModuleOp> module;
  func::FuncOp fn;
  std::string dir;
};

TEST_F(InterpIOTest, ArgumentNames) {
  EXPECT_EQ(interp::argumentName(fn, 0), "w");
  EXPECT_EQ(interp::argumentName(fn, 1), "tokens");
  EXPECT_EQ(interp::argumentName(fn, 2), "arg2");
}

TEST_F(InterpIOTest, ConversionsCheckDtypeShapeAndBound) {
  std::string error;
  float w[6] = {1, 2, 3, 4, 5, 6};
  auto ok = interp::toArgument(host(rt::DType::kF32, {2, 3}, w), fn, 0, "w.npy", error);
  ASSERT_TRUE(succeeded(ok)) << error;
  expectFloats(*ok, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(failed(interp::toArgument(host(rt::DType::kF32, {3, 2}, w), fn, 0, "x", error)));
  EXPECT_NE(error.find("has size 3 in dim 0, expected 2"), std::string::npos) << error;
  double wd[6] = {};
  EXPECT_TRUE(failed(interp::toArgument(host(rt::DType::kF64, {2, 3}, wd), fn, 0, "x", error)));
  EXPECT_NE(error.find("x: dtype f64 for argument #0 (w: tensor<2x3xf32>), which needs f32"),
            std::string::npos)
      << error;
  int64_t t[5] = {};
  EXPECT_TRUE(failed(interp::toArgument(host(rt::DType::kI64, {5}, t), fn, 1, "t", error)));
  EXPECT_NE(error.find("outside its bound [0, 4]"), std::string::npos) << error;
  int64_t n = 2;
  auto idx = interp::toArgument(host(rt::DType::kI64, {}, &n), fn, 2, "n", error);
  ASSERT_TRUE(succeeded(idx)) << error;
  EXPECT_TRUE(idx->elementType.isIndex());
  uint16_t h[2] = {0x3f80, 0x7fc0}; // bf16 1.0, NaN
  auto bf = interp::toArgument(host(rt::DType::kBF16, {2}, h), fn, 3, "h", error);
  ASSERT_TRUE(succeeded(bf)) << error;
  expectFloats(*bf, {1.0, NAN});
}

TEST_F(InterpIOTest, NpyArgumentsInOrderAndTheirFaults) {
  std::vector<std::string> paths = goodNpys();
  std::string error;
  paths[3] = writeNpy("h.npy", host(rt::DType::kF16, {2}, "\0\0\0\0"));
  // bf16 has no .npy dtype, so an f16 file for the bf16 argument is a dtype error.
  EXPECT_TRUE(failed(interp::readNpyArguments(fn, paths, error)));
  EXPECT_NE(error.find("dtype f16 for argument #3"), std::string::npos) << error;
  EXPECT_TRUE(failed(interp::readNpyArguments(fn, {paths[0]}, error)));
  EXPECT_NE(error.find("takes 5 arguments, got 1 --input files"), std::string::npos) << error;
  paths[0] = dir + "missing.npy";
  EXPECT_TRUE(failed(interp::readNpyArguments(fn, paths, error)));
  EXPECT_NE(error.find("missing.npy"), std::string::npos) << error;
}

TEST_F(InterpIOTest, MutatedNpyFilesNeverCrash) {
  float w[6] = {1, 2, 3, 4, 5, 6};
  std::string good = rt::EncodeNpy(host(rt::DType::kF32, {2, 3}, w)).value();
  auto single = parseSourceString<ModuleOp>(R"(func.func @g(%w: tensor<2x3xf32>) -> tensor<2x3xf32> {
    return %w : tensor<2x3xf32>
  })", &context);
  auto g = single->lookupSymbol<func::FuncOp>("g");
  std::vector<std::string> paths(1);
  int accepted = 0;
  for (size_t cut = 0; cut <= good.size(); cut += 7) { // truncations
    paths[0] = writeBytes("cut.npy", good.substr(0, cut));
    std::string error;
    if (succeeded(interp::readNpyArguments(g, paths, error)))
      ++accepted;
    else
      EXPECT_FALSE(error.empty());
  }
  for (size_t at = 0; at < good.size(); ++at) // one corrupted byte at a time
    for (unsigned char value : {0x00, 0x20, 0x7f, 0xff}) {
      std::string bytes = good;
      bytes[at] = static_cast<char>(value);
      paths[0] = writeBytes("mut.npy", bytes);
      std::string error;
      if (succeeded(interp::readNpyArguments(g, paths, error)))
        ++accepted;
      else
        EXPECT_FALSE(error.empty());
    }
  EXPECT_GT(accepted, 0); // bytes in the data or padding still make a valid file
}

TEST_F(InterpIOTest, SafetensorsArgumentsByName) {
  float w[6] = {1, 2, 3, 4, 5, 6};
  int64_t t[2] = {1, 2}, n = 2;
  uint16_t h[2] = {0x3f80, 0x4000}, g[2] = {0x3c00, 0x3c00};
  rt::SafetensorsFile a, b;
  a.tensors.emplace("w", host(rt::DType::kF32, {2, 3}, w));
  a.tensors.emplace("tokens", host(rt::DType::kI64, {2}, t));
  b.tensors.emplace("arg2", host(rt::DType::kI64, {}, &n));
  b.tensors.emplace("arg3", host(rt::DType::kBF16, {2}, h));
  b.tensors.emplace("arg4", host(rt::DType::kF16, {2}, g));
  std::string pa = dir + "a.safetensors", pb = dir + "b.safetensors";
  ASSERT_TRUE(rt::WriteSafetensorsFile(pa, a).ok());
  ASSERT_TRUE(rt::WriteSafetensorsFile(pb, b).ok());
  std::string error;
  auto args = interp::readSafetensorsArguments(fn, {pa, pb}, error);
  ASSERT_TRUE(succeeded(args)) << error;
  expectFloats((*args)[3], {1, 2});
  // Each tensor once, every argument named, no stray tensors.
  EXPECT_TRUE(failed(interp::readSafetensorsArguments(fn, {pa}, error)));
  EXPECT_NE(error.find("no tensor 'arg2' for argument #2"), std::string::npos) << error;
  EXPECT_TRUE(failed(interp::readSafetensorsArguments(fn, {pa, pb, pa}, error)));
  EXPECT_NE(error.find("tensor 'tokens' is also in"), std::string::npos) << error;
  b.tensors.emplace("extra", host(rt::DType::kI64, {}, &n));
  ASSERT_TRUE(rt::WriteSafetensorsFile(pb, b).ok());
  EXPECT_TRUE(failed(interp::readSafetensorsArguments(fn, {pa, pb}, error)));
  EXPECT_NE(error.find("tensor 'extra' matches no argument"), std::string::npos) << error;
  std::string junk = writeBytes("junk.safetensors", "\x08\0\0\0\0\0\0\0{\"a\":1}x");
  EXPECT_TRUE(failed(interp::readSafetensorsArguments(fn, {junk}, error)));
  EXPECT_FALSE(error.empty());
}

TEST_F(InterpIOTest, OutputsRoundTripAndBF16NeedsSafetensors) {
  std::vector<Tensor> results = {F(f32, {2}, {1.5, -2}), I(i1, {2}, {1, 0}),
                                 F(bf16, {1}, {3.0})};
  std::string error;
  EXPECT_TRUE(failed(interp::writeNpyOutputs(results, {dir + "o0.npy", dir + "o1.npy",
                                                       dir + "o2.npy"},
                                             false, error)));
  EXPECT_NE(error.find("bf16 has no .npy dtype"), std::string::npos) << error;
  EXPECT_TRUE(failed(interp::writeNpyOutputs(results, {dir + "o0.npy"}, false, error)));
  EXPECT_NE(error.find("returns 3 results, got 1 --output files"), std::string::npos) << error;
  std::string path = dir + "out.safetensors";
  ASSERT_TRUE(succeeded(interp::writeSafetensorsOutputs(results, path, false, error))) << error;
  auto file = rt::ReadSafetensorsFile(path);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->tensors.at("out2").dtype(), rt::DType::kBF16);
  EXPECT_EQ(file->tensors.at("out2").data_as<uint16_t>()[0], 0x4040); // bf16 3.0
  EXPECT_EQ(file->tensors.at("out1").dtype(), rt::DType::kI1);
  // Wide floats: everything float becomes f64.
  ASSERT_TRUE(succeeded(interp::writeSafetensorsOutputs(results, path, true, error))) << error;
  file = rt::ReadSafetensorsFile(path);
  EXPECT_EQ(file->tensors.at("out0").dtype(), rt::DType::kF64);
  EXPECT_EQ(file->tensors.at("out0").data_as<double>()[1], -2.0);
}

} // namespace
