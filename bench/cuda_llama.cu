/* cuda_llama.cu - SmolLM2 (or any Llama GGUF with Q4_0/Q4_1/Q5_0/Q5_1/Q8_0/Q4_K/Q6_K matrices) on the GPU
   through aieng_cuda.h against aieng_transformer.h's CPU path: greedy tokens of a few
   chat prompts, and aieng-run --gpu's generation function, with their speed.

   For each prompt: CPU greedy N tokens (aieng_model_eval, argmax) and GPU greedy N
   tokens (aieng_cuda_llama_eval, argmax) from the same prompt ids. The sequences must
   be identical up to near-ties: at the first divergence the CPU's logits of the two
   candidate tokens must be within --tie (default 0.5; the CPU path itself is within
   about 1 of llama.cpp's logits). Then aieng_run_gpu_generate (examples/aieng_run_gpu.cu,
   what aieng-run --gpu calls) against aieng_model_generate: greedy, ignore EOS, same text
   up to the same divergence. Prints prefill and decode tokens/s of both paths and
   RESULT lines for tools/gpu_session.sh's table. Exit status 1 on a real mismatch.
   --time-layers L: also times prefill (--time-prompt tokens) and decode (--time-gen
   tokens, with and without CUDA graphs, medians of 3) with the file's layers repeated up to L (a 12-layer cut of SmolLM2, see
   tools/llama_truncate.c, repeated to 30 does the full model's work per token).
     nvcc -std=c++14 -O3 -arch=native -I. bench/cuda_llama.cu -o build/cuda_llama
     ./build/cuda_llama [-m MODEL] [-n N] [--prompts K] [--tie T] [--no-generate]
                        [--time-layers L] [--time-prompt P] [--time-gen G] [--raw]
   Runs on the CPU too, through tools/cuda_emu (slow: keep -n and --prompts small; --raw
   skips the chat template, so the prompt is a few tokens):
     EMU_SRC=bench/cuda_llama.cu EMU_ARGS="-n 3 --prompts 1 --no-generate --raw" bash tools/cuda_emu/run.sh */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#include "examples/aieng_run_gpu.cu"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <algorithm>
#include <string>
#include <vector>

static const char *k_prompts[] = {
    "What is the capital of France?",
    "Write a short poem about the sea.",
    "Explain in two sentences why the sky is blue.",
    "List three uses of a paper clip.",
};

static int32_t argmax(const float *x, int64_t n) {
    int64_t b = 0;
    for (int64_t i = 1; i < n; i++)
        if (x[i] > x[b]) b = i; /* lowest id on ties, as the greedy sampler */
    return (int32_t)b;
}
static int collect(const char *text, size_t len, int32_t tok, void *user) {
    (void)tok;
    ((std::string *)user)->append(text, len);
    return 0;
}

int main(int argc, char **argv) {
    const char *path = "models/SmolLM2-135M-Instruct.Q4_1.gguf";
    int n_gen = 32, n_prompts = 3, do_generate = 1, bad = 0, time_layers = 0, time_prompt = 128, time_gen = 128, raw = 0;
    double tie = 0.5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-m") && i + 1 < argc) path = argv[++i];
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) n_gen = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--prompts") && i + 1 < argc) n_prompts = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--tie") && i + 1 < argc) tie = atof(argv[++i]);
        else if (!strcmp(argv[i], "--no-generate")) do_generate = 0;
        else if (!strcmp(argv[i], "--raw")) raw = 1; /* the prompts as plain text, no chat template */
        else if (!strcmp(argv[i], "--time-layers") && i + 1 < argc) time_layers = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--time-prompt") && i + 1 < argc) time_prompt = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--time-gen") && i + 1 < argc) time_gen = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: cuda_llama [-m MODEL] [-n N] [--prompts K] [--tie T] [--no-generate] [--time-layers L]\n"
                            "                  [--time-prompt P] [--time-gen G] [--raw]\n");
            return 2;
        }
    }
    if (n_prompts > (int)(sizeof k_prompts / sizeof *k_prompts)) n_prompts = (int)(sizeof k_prompts / sizeof *k_prompts);
    aieng_model *m = NULL;
    aieng_model_config mc = aieng_model_config_default();
    mc.n_ctx = 1024;
    if (aieng_model_load_file(&m, path, &mc) != AIENG_OK) {
        fprintf(stderr, "cuda_llama: %s (make model fetches SmolLM2)\n", aieng_last_error());
        return 1;
    }
    int ndev = 0;
    aieng_cuda_device_count(&ndev);
    aieng_cuda cu;
    aieng_cuda_llama *g = NULL;
    if (ndev <= 0 || aieng_cuda_init(&cu, NULL) != AIENG_OK) {
        fprintf(stderr, "cuda_llama: no usable CUDA device: %s\n", aieng_last_error());
        return 1;
    }
    double t = aieng_run_gpu_now();
    if (aieng_cuda_llama_from_model(&cu, m, 1024, 0, &g) != AIENG_OK) {
        fprintf(stderr, "cuda_llama: %s\n", aieng_last_error());
        return 1;
    }
    const aieng_model_hparams *hp = aieng_model_get_hparams(m);
    printf("DEVICE %s (sm_%d, %d SMs)\n", cu.name, cu.cc, cu.sm_count);
    printf("model %s: %lld layers, n_embd %lld, vocab %lld; on the device %.1f MiB, uploaded in %.2f s\n", path,
           (long long)hp->n_layer, (long long)hp->n_embd, (long long)hp->n_vocab,
           (double)aieng_cuda_llama_device_bytes(g) / 1048576.0, aieng_run_gpu_now() - t);
    std::vector<float> lg((size_t)hp->n_vocab);
    double gpu_pre = 0, gpu_dec = 0, cpu_pre = 0, cpu_dec = 0;
    int64_t n_pre = 0, n_dec = 0;
    for (int p = 0; p < n_prompts; p++) {
        aieng_chat_message msg = {"user", k_prompts[p]};
        char text[2048];
        size_t tl = 0;
        int32_t ids[512];
        int64_t n = 0;
        if (raw) snprintf(text, sizeof text, "%s", k_prompts[p]), tl = strlen(text);
        else aieng_model_chat_render(m, &msg, 1, 1, text, sizeof text, &tl);
        aieng_model_tokenize(m, text, tl, 1, !raw, ids, 512, &n);
        std::vector<int32_t> tc, tg;
        std::vector<std::vector<float>> cpu_logits;
        const float *lc = NULL;
        aieng_model_kv_truncate(m, 0);
        t = aieng_run_gpu_now();
        aieng_model_eval(m, ids, n, &lc);
        cpu_pre += aieng_run_gpu_now() - t;
        t = aieng_run_gpu_now();
        for (int i = 0; i < n_gen; i++) {
            cpu_logits.emplace_back(lc, lc + hp->n_vocab);
            tc.push_back(argmax(lc, hp->n_vocab));
            if (i + 1 < n_gen) aieng_model_eval(m, &tc.back(), 1, &lc);
        }
        cpu_dec += aieng_run_gpu_now() - t;
        aieng_cuda_llama_kv_truncate(g, 0);
        t = aieng_run_gpu_now();
        aieng_result r = aieng_cuda_llama_eval(g, ids, n, lg.data());
        gpu_pre += aieng_run_gpu_now() - t;
        t = aieng_run_gpu_now();
        for (int i = 0; i < n_gen && r == AIENG_OK; i++) {
            tg.push_back(argmax(lg.data(), hp->n_vocab));
            if (i + 1 < n_gen) r = aieng_cuda_llama_eval(g, &tg.back(), 1, lg.data());
        }
        gpu_dec += aieng_run_gpu_now() - t;
        n_pre += n;
        n_dec += n_gen;
        if (r != AIENG_OK) {
            printf("prompt %d: GPU error: %s\n", p, aieng_last_error());
            bad = 1;
            continue;
        }
        int first = -1;
        for (int i = 0; i < n_gen; i++)
            if (tc[i] != tg[i]) { first = i; break; }
        /* the GPU's logits of the last step against the CPU's, while the tokens agree */
        double dmax = 0, amax = 0;
        if (first < 0) {
            const std::vector<float> &cl = cpu_logits.back();
            for (int64_t i = 0; i < hp->n_vocab; i++) {
                dmax = fmax(dmax, fabs(lg[i] - cl[i]));
                amax = fmax(amax, fabs(cl[i]));
            }
        }
        if (first < 0) {
            printf("prompt %d (%lld tokens): %d greedy tokens identical; last step max |gpu - cpu logit| %.3f (max |logit| %.1f)\n",
                   p, (long long)n, n_gen, dmax, amax);
        } else {
            const std::vector<float> &cl = cpu_logits[first];
            double gap = fabs((double)cl[tc[first]] - cl[tg[first]]);
            int near = gap <= tie;
            printf("prompt %d (%lld tokens): tokens identical up to %d of %d; there the CPU gives %d (%.3f) and the GPU %d "
                   "(CPU logit %.3f): %s\n", p, (long long)n, first, n_gen, tc[first], cl[tc[first]], tg[first], cl[tg[first]],
                   near ? "a near-tie" : "MISMATCH");
            if (!near) bad = 1;
        }
        if (do_generate) { /* aieng-run --gpu's function against aieng_model_generate, greedy */
            aieng_generate_config gc;
            aieng_generate_stats sc, sg;
            std::string oc, og;
            memset(&gc, 0, sizeof gc);
            gc.max_tokens = n_gen;
            gc.ignore_eos = 1;
            gc.on_text = collect;
            gc.user = &oc;
            aieng_model_kv_truncate(m, 0);
            aieng_model_generate(m, ids, n, &gc, &sc);
            gc.user = &og;
            if (aieng_run_gpu_model == m && aieng_run_gpu_llama) aieng_cuda_llama_kv_truncate(aieng_run_gpu_llama, 0);
            if (aieng_run_gpu_generate(m, ids, n, &gc, &sg) != 0) { bad = 1; continue; }
            size_t same = 0;
            while (same < oc.size() && same < og.size() && oc[same] == og[same]) same++;
            printf("  generate: %s (%zu of %zu bytes the same)\n    cpu: %.*s\n    gpu: %.*s\n",
                   oc == og ? "same text" : first >= 0 ? "texts differ after the near-tie" : "TEXTS DIFFER", same, oc.size(),
                   (int)oc.size(), oc.c_str(), (int)og.size(), og.c_str());
            if (oc != og && first < 0) bad = 1;
            printf("  aieng-run --gpu figures: prompt %lld tokens in %.3f s (%.1f tok/s), generated %lld tokens in %.3f s (%.1f tok/s)\n",
                   (long long)sg.n_prompt, sg.prefill_seconds, sg.prefill_seconds > 0 ? sg.n_prompt / sg.prefill_seconds : 0.0,
                   (long long)sg.n_generated, sg.decode_seconds, sg.decode_seconds > 0 ? sg.n_generated / sg.decode_seconds : 0.0);
        }
    }
    printf("GPU: prefill %.1f tok/s, decode %.1f tok/s; CPU (%d threads): prefill %.1f tok/s, decode %.1f tok/s\n",
           gpu_pre > 0 ? n_pre / gpu_pre : 0.0, gpu_dec > 0 ? n_dec / gpu_dec : 0.0, aieng_get_threads(),
           cpu_pre > 0 ? n_pre / cpu_pre : 0.0, cpu_dec > 0 ? n_dec / cpu_dec : 0.0);
    const char *chk = bad ? "MISMATCH" : "ok";
    printf("RESULT llama_%dL_prefill ms=%.3f value=%.1f unit=tok/s check=%s\n", (int)hp->n_layer,
           1e3 * gpu_pre / (n_pre ? n_pre : 1), gpu_pre > 0 ? n_pre / gpu_pre : 0.0, chk);
    printf("RESULT llama_%dL_decode ms=%.3f value=%.1f unit=tok/s check=%s\n", (int)hp->n_layer,
           1e3 * gpu_dec / (n_dec ? n_dec : 1), gpu_dec > 0 ? n_dec / gpu_dec : 0.0, chk);
    if (time_layers > 0) { /* the file's layers repeated up to time_layers: speed only */
        std::vector<aieng_cuda_llama_layer> L((size_t)hp->n_layer), R((size_t)time_layers);
        aieng_cuda_llama_desc d;
        aieng_cuda_llama *gt = NULL;
        std::vector<int32_t> ids((size_t)time_prompt);
        for (int i = 0; i < time_prompt; i++) ids[i] = (int32_t)((i * 7919 + 13) % hp->n_vocab);
        aieng_result r = aieng_cuda_llama_desc_from_model(&d, L.data(), m);
        for (int l = 0; l < time_layers; l++) R[l] = L[l % hp->n_layer];
        d.layers = R.data();
        d.n_layer = time_layers;
        d.n_ctx = time_prompt + time_gen + 1;
        if (r == AIENG_OK) r = aieng_cuda_llama_new(&cu, &d, &gt);
        /* decode with each step replayed from its CUDA graph (the default) and launched kernel
           by kernel (config.no_graphs), alternating, the first round a warm-up; medians of 3 */
        std::vector<double> tps, tds[2];
        for (int rep = 0; rep < 7 && r == AIENG_OK; rep++) {
            const int nog = rep & 1;
            cu.cfg.no_graphs = nog;
            aieng_cuda_llama_kv_truncate(gt, 0);
            t = aieng_run_gpu_now();
            r = aieng_cuda_llama_eval(gt, ids.data(), time_prompt, lg.data());
            const double tp = aieng_run_gpu_now() - t;
            t = aieng_run_gpu_now();
            for (int i = 0; i < time_gen && r == AIENG_OK; i++) {
                int32_t id = argmax(lg.data(), hp->n_vocab);
                r = aieng_cuda_llama_eval(gt, &id, 1, lg.data());
            }
            const double td = aieng_run_gpu_now() - t;
            if (rep >= 1) {
                tps.push_back(tp);
                tds[nog].push_back(td);
            }
        }
        cu.cfg.no_graphs = 0;
        if (r == AIENG_OK) {
            std::sort(tps.begin(), tps.end());
            std::sort(tds[0].begin(), tds[0].end());
            std::sort(tds[1].begin(), tds[1].end());
            const double tp = tps[tps.size() / 2], td = tds[0][tds[0].size() / 2], tn = tds[1][tds[1].size() / 2];
            printf("%d layers (the file's %lld repeated): prefill %d tokens %.1f tok/s, decode %d tokens %.1f tok/s with CUDA graphs, "
                   "%.1f tok/s kernel by kernel (%.2fx)\n", time_layers, (long long)hp->n_layer, time_prompt, time_prompt / tp,
                   time_gen, time_gen / td, time_gen / tn, tn / td);
            printf("RESULT llama_%dL_prefill%d ms=%.3f value=%.1f unit=tok/s check=timing\n", time_layers, time_prompt,
                   1e3 * tp / time_prompt, time_prompt / tp);
            printf("RESULT llama_%dL_decode ms=%.3f value=%.1f unit=tok/s check=timing\n", time_layers, 1e3 * td / time_gen,
                   time_gen / td);
            printf("RESULT llama_%dL_decode_nographs ms=%.3f value=%.1f unit=tok/s check=timing\n", time_layers,
                   1e3 * tn / time_gen, time_gen / tn);
        }
        if (r != AIENG_OK) { printf("timing: %s\n", aieng_last_error()); bad = 1; }
        aieng_cuda_llama_free(gt);
    }
    printf("%s\n", bad ? "FAILED: greedy tokens differ beyond near-ties" : "OK: greedy tokens identical up to near-ties");
    aieng_cuda_llama_free(g);
    aieng_run_gpu_free();
    aieng_cuda_release(&cu);
    aieng_model_free(m);
    return bad;
}
