"""bench/agent_llama.py - llama.cpp's JSON Schema -> GBNF converter on the same schema files.

Usage: python3 bench/agent_llama.py SCHEMA_DIR OUT_DIR LLAMA_GRAMMAR_PY
Writes OUT_DIR/<Category>/<name>.gbnf for every schema the converter accepts (nothing for
the ones it rejects); build/bench/agent_schemas --gbnf OUT_DIR then checks those grammars
on the labelled instances with the same matcher. LLAMA_GRAMMAR_PY is llama_cpp/llama_grammar.py
from the llama-cpp-python sdist (pure Python; bench/agent.sh fetches it with pip download).
"""
import importlib.util, json, os, sys, signal

def main():
    src, out, mod_path = sys.argv[1], sys.argv[2], sys.argv[3]
    spec = importlib.util.spec_from_file_location("llama_grammar", mod_path)
    lg = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lg)
    def timeout(*_):
        raise TimeoutError()
    signal.signal(signal.SIGALRM, timeout)
    for cat in sorted(os.listdir(src)):
        d = os.path.join(src, cat)
        if not os.path.isdir(d):
            continue
        os.makedirs(os.path.join(out, cat), exist_ok=True)
        ok = n = 0
        for name in sorted(os.listdir(d)):
            if not name.endswith(".json"):
                continue
            n += 1
            with open(os.path.join(d, name), "rb") as f:
                schema = json.loads(f.read())["schema"]
            try:
                signal.alarm(10)
                g = lg.json_schema_to_gbnf(json.dumps(schema))
                signal.alarm(0)
            except BaseException:
                signal.alarm(0)
                continue
            with open(os.path.join(out, cat, name[:-5] + ".gbnf"), "w") as f:
                f.write(g)
            ok += 1
        print(f"{cat}: {ok}/{n} converted", file=sys.stderr)

if __name__ == "__main__":
    main()
