# aieng - make (examples) | make test | make bench | make demo | make model
# Everything is discovered by name, so a new header needs no edit here:
#   examples/NAME.c      -> build/NAME             (command-line tools too)
#   tests/test_MOD.c     -> one test program per header, built in 4 variants
#   tests/fuzz/fuzz_X.c  -> libFuzzer harness (make fuzz)
#   bench/NAME.c         -> build/bench/NAME;  bench/*.sh run by make bench
CC      ?= cc
CXX     ?= g++
ARCH    ?= -march=native
WARN     = -Wall -Wextra -Werror -pedantic
CFLAGS  ?= -O2 -g
BASE     = -std=c99 $(WARN) -I. -D_POSIX_C_SOURCE=200809L
LDLIBS   = -lm -pthread
HEADERS  = $(wildcard aieng_*.h)
EXAMPLES = $(patsubst examples/%.c,build/%,$(wildcard examples/*.c))
TESTS    = $(patsubst tests/%.c,%,$(foreach f,$(wildcard tests/test_*.c),$(if $(findstring _ref_,$f),,$f)))
BENCHES  = $(patsubst bench/%.c,build/bench/%,$(wildcard bench/*.c))
AARCH64_CC ?= aarch64-linux-gnu-gcc

.PHONY: all test test-build bench demo model fuzz clean setup fashion-mnist
all: $(EXAMPLES)

build/%: examples/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(CFLAGS) $(ARCH) -o $@ $< $(LDLIBS)

# ---- tests: native (full data), asan+ubsan, scalar (AIENG_NO_SIMD), aarch64 under qemu
# tests/test_MOD_ref_*.c are extra translation units linked into test_MOD
# (e.g. the scalar reference path compiled apart, to compare SIMD with it).
.SECONDEXPANSION:
TEST_SRCS = tests/%.c $$(wildcard tests/$$*_ref_*.c) $(HEADERS) tests/aieng_test.h $(wildcard tests/fuzz/*.c)
TEST_IN = $(filter %.c,$(filter-out tests/fuzz/%,$^))
build/test/native/%: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -O2 -g $(ARCH) -o $@ $(TEST_IN) $(LDLIBS)
build/test/sanitize/%: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -O1 -g $(ARCH) -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -o $@ $(TEST_IN) $(LDLIBS)
build/test/scalar/%: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -O2 -g -DAIENG_NO_SIMD -o $@ $(TEST_IN) $(LDLIBS)
build/test/aarch64/%: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(BASE) -O2 -static -o $@ $(TEST_IN) $(LDLIBS)

# tests that mention AIENG_TEST_TSAN also run under ThreadSanitizer
build/test/tsan/%: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -O1 -g $(ARCH) -fsanitize=thread -o $@ $(TEST_IN) $(LDLIBS)
TSAN_TESTS = $(patsubst tests/%.c,%,$(shell grep -l AIENG_TEST_TSAN $(addprefix tests/,$(addsuffix .c,$(TESTS))) /dev/null))

VARIANTS = native sanitize scalar aarch64
test-build: $(foreach v,$(VARIANTS),$(addprefix build/test/$(v)/,$(TESTS))) $(addprefix build/test/tsan/,$(TSAN_TESTS))

test:
	@bash tools/setup.sh test
	@$(MAKE) --no-print-directory -j2 test-build
	@bash tools/run_tests.sh

# ---- fuzzing (clang libFuzzer); FUZZ_SECONDS per harness
FUZZ_SECONDS ?= 60
build/fuzz/%: tests/fuzz/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	clang -std=c99 -I. -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $< -lm -pthread
fuzz: $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
	@for f in $^; do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) build/fuzz/corpus-$$n tests/fuzz/corpus/$$n 2>&1 | tail -3; done

# ---- benchmarks
BENCH_LIBS_sgemm = -lopenblas
build/bench/%: bench/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -O3 $(ARCH) -o $@ $< $(BENCH_LIBS_$*) $(LDLIBS)
bench:
	@bash tools/setup.sh bench
	@$(MAKE) --no-print-directory $(BENCHES)
	@for s in bench/*.sh; do [ -f "$$s" ] && { echo "== $$s"; bash "$$s" || exit 1; }; done; true

demo:
	@bash tools/demo.sh

model:
	@bash tools/get_model.sh

# Fashion-MNIST for build/mnist_mlp (Debian's dataset-fashion-mnist, unpacked into build/data/)
fashion-mnist:
	@bash tools/get_fashion_mnist.sh

clean:
	rm -rf build

# ---- CUDA (aieng_cuda.h): make test only compiles tests/*.cu (tools/cuda_compile_check.sh);
#      make test-gpu builds them for this machine's GPU (CUDA_ARCH=native) and runs them
#      (sm_90a on an H100/H200: the wgmma GEMM and attention kernels need it)
NVCC      ?= nvcc
CUDA_CC   := $(shell nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1)
CUDA_GENCODE ?= $(if $(filter 9.0,$(CUDA_CC)),-gencode arch=compute_90a$(comma)code=sm_90a,-arch=native)
comma := ,
CUDA_TESTS = $(patsubst tests/%.cu,build/test/gpu/%,$(wildcard tests/test_*.cu))
build/test/gpu/%: tests/%.cu $(HEADERS) tests/aieng_test.h
	@mkdir -p $(dir $@)
	$(NVCC) -std=c++14 -O2 $(CUDA_GENCODE) -I. -Xcompiler -Wall,-Wextra -Xcudafe --diag_suppress=1675 -o $@ $<
.PHONY: test-gpu
test-gpu: $(CUDA_TESTS)
	@for t in $(CUDA_TESTS); do echo "== $$t"; ./$$t || exit 1; done

# ---- aieng-run --gpu: build/aieng-run-gpu is aieng-run linked with examples/aieng_run_gpu.cu
#      (aieng_cuda.h's Llama forward pass; nvcc links, cudart static). Where nvcc and a GPU are
#      found (nvidia-smi), build/aieng-run is that program; elsewhere build/aieng-run is the plain
#      build and its --gpu says it was built without CUDA. RUN_GPU_ARCH: the GPU's own (sm_90a on
#      Hopper) with a GPU, sm_75/80/90a (+ compute_90 PTX) without one.
NVCC_BIN  := $(shell command -v $(NVCC) 2>/dev/null || { [ -x /usr/local/cuda/bin/nvcc ] && echo /usr/local/cuda/bin/nvcc; })
AIENG_GPU ?= $(shell nvidia-smi -L 2>/dev/null | grep -q GPU && echo 1)
ifeq ($(AIENG_GPU),1)
RUN_GPU_ARCH ?= $(CUDA_GENCODE)
else
RUN_GPU_ARCH ?= -gencode arch=compute_75,code=sm_75 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90a,code=sm_90a -gencode arch=compute_90,code=compute_90
endif
build/aieng_run_gpu.o: examples/aieng_run_gpu.cu $(HEADERS)
	@mkdir -p $(dir $@)
	$(NVCC_BIN) -std=c++14 -O3 $(RUN_GPU_ARCH) -I. -Xcompiler -Wall,-Wextra -Xcudafe --diag_suppress=1675 -c $< -o $@
build/aieng-run-gpu: examples/aieng-run.c build/aieng_run_gpu.o $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(CFLAGS) $(ARCH) -DAIENG_RUN_GPU -c $< -o build/aieng-run-gpu.o
	$(NVCC_BIN) -o $@ build/aieng-run-gpu.o build/aieng_run_gpu.o -lm -lpthread
ifeq ($(AIENG_GPU)$(if $(NVCC_BIN),y),1y)
build/aieng-run: build/aieng-run-gpu
	cp $< $@
endif
