"""Writes src/main/resources/dev/modelsummary/hf-config-keys.txt: per model_type, the keys its config class
defines in transformers (its to_dict() keys and attribute_map aliases, without PretrainedConfig's own, which
ConfigKeys lists), so that `--arg` warns on a key the config class does not define and names the nearest one.

Run with the transformers the families are ported from (4.57.6):
    /work/venv/bin/python tools/hf_config_keys.py > src/main/resources/dev/modelsummary/hf-config-keys.txt
"""
import importlib.util
import sys

_find_spec = importlib.util.find_spec
# transformers imports torchvision when present; these keys do not need it
importlib.util.find_spec = lambda n, p=None: None if n == 'torchvision' or n.startswith('torchvision.') \
    else _find_spec(n, p)

import transformers  # noqa: E402
from transformers import CONFIG_MAPPING, PretrainedConfig  # noqa: E402

MODEL_TYPES = ["albert", "bart", "bert", "bloom", "clip", "clip_text_model", "clip_vision_model", "deberta-v2",
               "deepseek_v3", "distilbert", "falcon", "gemma", "gemma2", "gemma3_text", "gemma3", "gpt2", "gptj",
               "gpt_neo", "gpt_neox", "gpt_oss", "granite", "llama", "mt5", "mistral", "mixtral", "mobilenet_v1",
               "mobilenet_v2", "modernbert", "olmo2", "opt", "phi", "phi3", "qwen2", "qwen2_moe", "qwen3",
               "qwen3_moe", "resnet", "roberta", "smollm3", "starcoder2", "t5", "vit", "whisper", "xlnet",
               "xlm-roberta"]

common = set(PretrainedConfig().to_dict())
print(f"# transformers {transformers.__version__}: model_type, then the keys its config class defines beyond "
      "PretrainedConfig's (tools/hf_config_keys.py)")
for model_type in MODEL_TYPES:
    cls = CONFIG_MAPPING[model_type]
    keys = set(cls().to_dict()) | set(getattr(cls, "attribute_map", {}))
    print(model_type + " " + " ".join(sorted(k for k in keys - common if not k.startswith("_"))))
