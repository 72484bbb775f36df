/* aieng_run_gpu.cu - `aieng-run --gpu`: text generation with aieng_cuda.h's Llama forward pass.

   The model is loaded by aieng_transformer.h on the host as usual (tokenizer, chat
   template, sampler); its GGUF weights are then uploaded once, in their blocks, and
   every token runs on the GPU (aieng_cuda_llama_eval). Logits come back to the host
   and go through aieng_transformer.h's sampler, so the options of aieng-run (sampling,
   stop strings, streaming, -i) behave as on the CPU. Prefill runs n_batch tokens at a
   time as quantized matrix products plus flash attention over the KV cache; decode
   runs the quantized matrix-vector products and the paged decode kernel.

   Built by nvcc into an object linked with examples/aieng-run.c (which implements
   aieng_transformer.h; this file only declares it):
       nvcc -O3 -arch=native -I. -c examples/aieng_run_gpu.cu -o build/aieng_run_gpu.o
       cc -std=c99 -O2 -march=native -I. -DAIENG_RUN_GPU examples/aieng-run.c build/aieng_run_gpu.o \
          -o build/aieng-run -lm -pthread -L/usr/local/cuda/lib64 -lcudart -lstdc++          */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "aieng_transformer.h"
#define AIENG_CUDA_IMPLEMENTATION
#include "aieng_cuda.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static aieng_cuda aieng_run_gpu_cu;
static aieng_cuda_llama *aieng_run_gpu_llama;
static const aieng_model *aieng_run_gpu_model;

static double aieng_run_gpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* bytes at the end of s[0..n) that start an unfinished UTF-8 character */
static size_t aieng_run_gpu_utf8_tail(const char *s, size_t n) {
    size_t k;
    for (k = 1; k <= 3 && k <= n; k++) {
        unsigned char c = (unsigned char)s[n - k];
        if ((c & 0xC0) == 0x80) continue; /* continuation byte: look further back */
        if (c >= 0xF0) return k < 4 ? k : 0;
        if (c >= 0xE0) return k < 3 ? k : 0;
        if (c >= 0xC0) return k < 2 ? k : 0;
        return 0;
    }
    return 0;
}

extern "C" void aieng_run_gpu_free(void) {
    aieng_cuda_llama_free(aieng_run_gpu_llama);
    aieng_run_gpu_llama = NULL;
    aieng_run_gpu_model = NULL;
    aieng_cuda_release(&aieng_run_gpu_cu);
}

/* Evaluates the prompt after what the GPU's cache holds and generates, as
   aieng_model_generate does on the CPU. The first call (or a new model) uploads the
   weights. Returns 0, or prints the error to stderr and returns 1. */
extern "C" int aieng_run_gpu_generate(aieng_model *m, const int32_t *prompt, int64_t n_prompt,
                                      const aieng_generate_config *cfg, aieng_generate_stats *stats) {
    const aieng_model_hparams *hp = aieng_model_get_hparams(m);
    aieng_generate_config c;
    aieng_generate_stats st;
    aieng_sampler smp;
    aieng_result r;
    float *logits;
    char *out = NULL;
    size_t len = 0, cap = 0, emitted = 0;
    int stop = -1;
    int64_t i;
    double t0;
    if (!m || !hp || !prompt || n_prompt <= 0) {
        fprintf(stderr, "aieng-run: --gpu: empty prompt\n");
        return 1;
    }
    if (aieng_run_gpu_model != m) {
        int n = 0;
        double t = aieng_run_gpu_now();
        aieng_run_gpu_free();
        aieng_cuda_device_count(&n);
        if (n <= 0) {
            fprintf(stderr, "aieng-run: --gpu: no CUDA device (%s)\n", aieng_last_error());
            return 1;
        }
        if (aieng_cuda_init(&aieng_run_gpu_cu, NULL) != AIENG_OK ||
            aieng_cuda_llama_from_model(&aieng_run_gpu_cu, m, aieng_model_n_ctx(m), 0, &aieng_run_gpu_llama) != AIENG_OK) {
            fprintf(stderr, "aieng-run: --gpu: %s\n", aieng_last_error());
            aieng_run_gpu_free();
            return 1;
        }
        aieng_run_gpu_model = m;
        fprintf(stderr, "gpu: %s (sm_%d, %d SMs), weights + KV cache + buffers %.1f MiB on the device, uploaded in %.2f s\n",
                aieng_run_gpu_cu.name, aieng_run_gpu_cu.cc, aieng_run_gpu_cu.sm_count,
                (double)aieng_cuda_llama_device_bytes(aieng_run_gpu_llama) / 1048576.0, aieng_run_gpu_now() - t);
    }
    if (cfg) c = *cfg;
    else memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    logits = (float *)malloc((size_t)hp->n_vocab * sizeof(float));
    if (!logits || aieng_sampler_init(&smp, &c.sampler, hp->n_vocab, NULL) != AIENG_OK) {
        fprintf(stderr, "aieng-run: --gpu: out of memory\n");
        free(logits);
        return 1;
    }
    for (i = 0; i < n_prompt; i++) aieng_sampler_accept(&smp, prompt[i]);
    st.n_prompt = n_prompt;
    t0 = aieng_run_gpu_now();
    r = aieng_cuda_llama_eval(aieng_run_gpu_llama, prompt, n_prompt, logits);
    st.prefill_seconds = aieng_run_gpu_now() - t0;
    t0 = aieng_run_gpu_now();
    while (r == AIENG_OK) {
        const char *piece = NULL;
        size_t plen = 0, safe;
        int32_t id;
        if (c.max_tokens > 0 && st.n_generated >= c.max_tokens) { stop = 0; break; }
        id = aieng_sampler_sample(&smp, logits, c.logit_processor, c.logit_user);
        aieng_sampler_accept(&smp, id);
        st.n_generated++;
        if (!c.ignore_eos && aieng_model_is_eog(m, id)) { stop = 1; break; }
        if (!aieng_model_is_control(m, id) && aieng_model_token_bytes(m, id, &piece, &plen) != AIENG_OK) plen = 0;
        if (len + plen + 1 > cap) {
            size_t nc = (len + plen + 1) * 2;
            char *nb = (char *)realloc(out, nc);
            if (!nb) { r = aieng_set_error(AIENG_ERR_OOM, "out of memory"); break; }
            out = nb;
            cap = nc;
        }
        if (plen) memcpy(out + len, piece, plen);
        len += plen;
        /* stop strings: cut at the first one, else hold back a tail that may become one
           and an unfinished UTF-8 character */
        safe = len;
        for (i = 0; i < c.n_stop; i++) {
            const char *ss = c.stop ? c.stop[i] : NULL;
            size_t sl = ss ? strlen(ss) : 0, pos;
            if (!sl) continue;
            for (pos = emitted > sl ? emitted - sl : 0; pos + sl <= len; pos++)
                if (memcmp(out + pos, ss, sl) == 0) {
                    if (stop != 2 || pos < safe) safe = pos;
                    stop = 2;
                    break;
                }
        }
        if (stop == 2) {
            len = safe < emitted ? emitted : safe;
            safe = len;
        } else {
            for (i = 0; i < c.n_stop; i++) {
                const char *ss = c.stop ? c.stop[i] : NULL;
                size_t sl = ss ? strlen(ss) : 0, k;
                for (k = sl ? sl - 1 : 0; k > 0; k--)
                    if (k <= len && memcmp(out + len - k, ss, k) == 0) {
                        if (len - k < safe) safe = len - k;
                        break;
                    }
            }
            if (safe == len) safe -= aieng_run_gpu_utf8_tail(out, len);
        }
        if (safe > emitted) {
            if (c.on_text && c.on_text(out + emitted, safe - emitted, id, c.user) && stop < 0) stop = 3;
            emitted = safe;
        }
        if (stop >= 0) break;
        if (aieng_cuda_llama_n_past(aieng_run_gpu_llama) >= aieng_cuda_llama_n_ctx(aieng_run_gpu_llama)) { stop = 4; break; }
        r = aieng_cuda_llama_eval(aieng_run_gpu_llama, &id, 1, logits);
    }
    if (r == AIENG_OK && stop != 2 && stop != 3 && len > emitted && c.on_text)
        c.on_text(out + emitted, len - emitted, -1, c.user);
    st.decode_seconds = aieng_run_gpu_now() - t0;
    st.stopped_by = stop < 0 ? 0 : stop;
    free(out);
    free(logits);
    aieng_sampler_free(&smp);
    if (stats) *stats = st;
    if (r != AIENG_OK) {
        fprintf(stderr, "aieng-run: --gpu: %s\n", aieng_last_error());
        return 1;
    }
    return 0;
}

/* Tokens in the GPU's KV cache (0 before the first generation). */
extern "C" int64_t aieng_run_gpu_n_past(void) { return aieng_cuda_llama_n_past(aieng_run_gpu_llama); }
