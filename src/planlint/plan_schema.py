"""The plan format's JSON Schema (schemas/plan.schema.json, the published source) as a Python
literal, so that a check reads it without importing json. Generated: edit the JSON file, then
run ``python scripts/update_schema_module.py`` (tests/test_schema_module.py fails until then).
"""

# fmt: off
SCHEMA = {'$schema': 'https://json-schema.org/draft/2020-12/schema',
 'title': 'planlint training plan, format version 1',
 'description': 'An LLM pre-training plan: model size, training tokens, unique data and its mix, compute budget '
                'and hardware, post-training budget and serving target. Unknown keys are errors, except keys '
                'starting with x-.',
 'type': 'object',
 'properties': {'planlint': {'description': 'Format version of the plan. Required; always 1 for this format.',
                             'const': 1},
                'name': {'description': 'Name of the plan or model, for reports.',
                         'type': 'string',
                         'minLength': 1},
                'goal': {'description': 'What the model is for. base: a base model others will adapt; assistant: '
                                        'it will face users or follow instructions; research: an experiment. A '
                                        'plan without a goal is read as assistant by the alignment rule.',
                         'enum': ['base', 'assistant', 'research']},
                'sizing': {'description': 'How the model size was chosen. compute-optimal: the Chinchilla split '
                                          'for the compute; inference-optimal: over-training is deliberate, to '
                                          'serve a smaller model (Sardana et al. 2023).',
                           'enum': ['compute-optimal', 'inference-optimal']},
                'launch': {'type': 'object',
                           'description': "The framework config this plan's run is launched from (a Megatron-LM "
                                          'script, a NeMo, OLMo, GPT-NeoX, LitGPT, MaxText, levanter or nanotron '
                                          'YAML, a torchtitan TOML, a Hugging Face config.json). planlint reads it '
                                          'without running it: what it says fills the plan where the plan is '
                                          'silent, and where the plan says something else PL501 reports the drift. '
                                          '`planlint import CONFIG` writes a plan from one.',
                           'properties': {'config': {'description': "The config's path, relative to this plan's "
                                                                    'folder (inside the same repository).',
                                                     'type': 'string',
                                                     'minLength': 1,
                                                     'examples': ['../scripts/train_8b.sh']},
                                          'framework': {'description': 'The adapter that reads it (`planlint '
                                                                       'plugins` lists them: megatron, nemo, neox, '
                                                                       'torchtitan, olmo, litgpt, maxtext, '
                                                                       'levanter, nanotron, huggingface, or a '
                                                                       "plugin's). Default: the one that "
                                                                       'recognises the file.',
                                                        'type': 'string',
                                                        'pattern': '^[a-z0-9][a-z0-9-]*$'}},
                           'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                        'ignores it.'}},
                           'additionalProperties': False,
                           'required': ['config']},
                'model': {'type': 'object',
                          'description': 'The model to pre-train.',
                          'properties': {'params': {'description': 'Total parameters, embeddings included (the '
                                                                   'Chinchilla convention). For a mixture of '
                                                                   'experts, every expert counts. 1.3B, 1.3e9 or '
                                                                   '1300000000; at least 1M (no real run is '
                                                                   'smaller).',
                                                    '$ref': '#/$defs/count',
                                                    'x-quantity': 'count',
                                                    'maximum': 100000000000000.0,
                                                    'minimum': 1000000.0},
                                         'active_params': {'description': 'Parameters active per token, for a '
                                                                          'mixture of experts (embeddings '
                                                                          "included, as Mixtral's 12.9B and "
                                                                          "DeepSeek-V2's 21B count them). Defaults "
                                                                          'to params.',
                                                           '$ref': '#/$defs/count',
                                                           'x-quantity': 'count',
                                                           'maximum': 100000000000000.0,
                                                           'minimum': 1000000.0},
                                         'layers': {'description': 'Number of transformer layers (optional shape, '
                                                                   'used to cross-check params and to size the KV '
                                                                   'cache).',
                                                    '$ref': '#/$defs/count',
                                                    'x-quantity': 'integer',
                                                    'minimum': 1,
                                                    'maximum': 100000},
                                         'd_model': {'description': 'Hidden size of the residual stream.',
                                                     '$ref': '#/$defs/count',
                                                     'x-quantity': 'integer',
                                                     'minimum': 1,
                                                     'maximum': 10000000},
                                         'heads': {'description': 'Number of attention (query) heads.',
                                                   '$ref': '#/$defs/count',
                                                   'x-quantity': 'integer',
                                                   'minimum': 1,
                                                   'maximum': 100000},
                                         'kv_heads': {'description': 'Number of key/value heads (grouped-query '
                                                                     'attention). Defaults to heads.',
                                                      '$ref': '#/$defs/count',
                                                      'x-quantity': 'integer',
                                                      'minimum': 1,
                                                      'maximum': 100000},
                                         'head_dim': {'description': 'Width of one attention head. Defaults to '
                                                                     'd_model / heads; set it where the model '
                                                                     'differs (Gemma: 256 with d_model 3072 and 16 '
                                                                     'heads).',
                                                      '$ref': '#/$defs/count',
                                                      'x-quantity': 'integer',
                                                      'minimum': 1,
                                                      'maximum': 100000},
                                         'vocab_size': {'description': 'Vocabulary size of the tokenizer.',
                                                        '$ref': '#/$defs/count',
                                                        'x-quantity': 'integer',
                                                        'minimum': 1,
                                                        'maximum': 100000000},
                                         'context_length': {'description': 'Training context length in tokens.',
                                                            '$ref': '#/$defs/count',
                                                            'x-quantity': 'integer',
                                                            'minimum': 1,
                                                            'maximum': 1000000000},
                                         'ffn_dim': {'description': 'Hidden size of the feed-forward block '
                                                                    '(optional; of the dense layers in a mixture '
                                                                    'of experts). Without it planlint assumes 4 x '
                                                                    'd_model, and says so.',
                                                     '$ref': '#/$defs/count',
                                                     'x-quantity': 'integer',
                                                     'minimum': 1,
                                                     'maximum': 100000000},
                                         'ffn_gated': {'description': 'The feed-forward block is gated (SwiGLU, '
                                                                      'GeGLU: three weight matrices instead of '
                                                                      'two). Default false.',
                                                       'type': 'boolean'},
                                         'tied_embeddings': {'description': 'The output projection shares the '
                                                                            'input embedding matrix (GPT-2 and '
                                                                            'GPT-3 style). Default false: '
                                                                            'embeddings counted twice.',
                                                             'type': 'boolean'},
                                         'experts': {'description': 'Mixture of experts: routed experts in each '
                                                                    'MoE layer (Mixtral 8x7B: 8; DeepSeek-V2: '
                                                                    '160). Without it the model is dense.',
                                                     '$ref': '#/$defs/count',
                                                     'x-quantity': 'integer',
                                                     'minimum': 1,
                                                     'maximum': 1000000},
                                         'experts_per_token': {'description': 'Mixture of experts: routed experts '
                                                                              'each token is sent to (top-k; '
                                                                              'Mixtral: 2, DeepSeek-V2: 6). '
                                                                              'Default 1.',
                                                               '$ref': '#/$defs/count',
                                                               'x-quantity': 'integer',
                                                               'minimum': 1,
                                                               'maximum': 1000000},
                                         'shared_experts': {'description': 'Mixture of experts: experts every '
                                                                           'token uses beside the routed ones '
                                                                           '(DeepSeekMoE; DeepSeek-V2: 2). Default '
                                                                           '0.',
                                                            '$ref': '#/$defs/count',
                                                            'x-quantity': 'integer',
                                                            'minimum': 0,
                                                            'maximum': 1000000},
                                         'expert_ffn_dim': {'description': 'Mixture of experts: hidden width of '
                                                                           "one expert's feed-forward block "
                                                                           '(Mixtral: 14336, DeepSeek-V2: 1536). '
                                                                           'Defaults to ffn_dim.',
                                                            '$ref': '#/$defs/count',
                                                            'x-quantity': 'integer',
                                                            'minimum': 1,
                                                            'maximum': 100000000},
                                         'moe_layers': {'type': 'object',
                                                        'description': 'Mixture of experts: which layers have '
                                                                       'experts. Default: every layer. '
                                                                       '`{first_dense: 1}`: the first layer keeps '
                                                                       'a dense feed-forward (DeepSeek-V2); '
                                                                       '`{every: 2}`: every other layer has '
                                                                       'experts (GShard).',
                                                        'properties': {'first_dense': {'description': 'Layers at '
                                                                                                      'the bottom '
                                                                                                      'that keep a '
                                                                                                      'dense '
                                                                                                      'feed-forward '
                                                                                                      '(of width '
                                                                                                      'ffn_dim).',
                                                                                       '$ref': '#/$defs/count',
                                                                                       'x-quantity': 'integer',
                                                                                       'minimum': 0,
                                                                                       'maximum': 100000},
                                                                       'every': {'description': 'After those, '
                                                                                                'every n-th layer '
                                                                                                'has experts (1: '
                                                                                                'every layer).',
                                                                                 '$ref': '#/$defs/count',
                                                                                 'x-quantity': 'integer',
                                                                                 'minimum': 1,
                                                                                 'maximum': 100000}},
                                                        'patternProperties': {'^x-': {'description': 'Free for '
                                                                                                     'users and '
                                                                                                     'plugins; '
                                                                                                     'planlint '
                                                                                                     'ignores '
                                                                                                     'it.'}},
                                                        'additionalProperties': False},
                                         'mla': {'type': 'object',
                                                 'description': 'Multi-head latent attention (DeepSeek-V2, V3): '
                                                                'keys and values are cached as one compressed '
                                                                'latent per token. head_dim is then the width of a '
                                                                "head's non-rotary part (qk_nope_head_dim).",
                                                 'properties': {'kv_lora_rank': {'description': 'Width of the '
                                                                                                'compressed '
                                                                                                'key-value latent '
                                                                                                '(DeepSeek-V2: '
                                                                                                '512).',
                                                                                 '$ref': '#/$defs/count',
                                                                                 'x-quantity': 'integer',
                                                                                 'minimum': 1,
                                                                                 'maximum': 1000000},
                                                                'rope_head_dim': {'description': 'Width of the '
                                                                                                 'rotary key '
                                                                                                 'shared by all '
                                                                                                 'heads '
                                                                                                 '(qk_rope_head_dim; '
                                                                                                 'DeepSeek-V2: '
                                                                                                 '64).',
                                                                                  '$ref': '#/$defs/count',
                                                                                  'x-quantity': 'integer',
                                                                                  'minimum': 0,
                                                                                  'maximum': 1000000},
                                                                'q_lora_rank': {'description': 'Width of the '
                                                                                               'compressed query '
                                                                                               'latent '
                                                                                               '(DeepSeek-V2: '
                                                                                               '1536); without it '
                                                                                               'queries are '
                                                                                               'projected at full '
                                                                                               'rank.',
                                                                                '$ref': '#/$defs/count',
                                                                                'x-quantity': 'integer',
                                                                                'minimum': 1,
                                                                                'maximum': 1000000},
                                                                'v_head_dim': {'description': 'Width of one value '
                                                                                              'head (DeepSeek-V2: '
                                                                                              '128). Defaults to '
                                                                                              'head_dim.',
                                                                               '$ref': '#/$defs/count',
                                                                               'x-quantity': 'integer',
                                                                               'minimum': 1,
                                                                               'maximum': 1000000}},
                                                 'patternProperties': {'^x-': {'description': 'Free for users and '
                                                                                              'plugins; planlint '
                                                                                              'ignores it.'}},
                                                 'additionalProperties': False,
                                                 'required': ['kv_lora_rank', 'rope_head_dim']}},
                          'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                       'ignores it.'}},
                          'additionalProperties': False,
                          'required': ['params']},
                'data': {'type': 'object',
                         'description': 'The pre-training data.',
                         'properties': {'train_tokens': {'description': 'Tokens seen in pre-training, repeats '
                                                                        'included. 40B, 4e10 or 40_000_000_000; at '
                                                                        'least 1M.',
                                                         '$ref': '#/$defs/count',
                                                         'x-quantity': 'count',
                                                         'maximum': 1e+16,
                                                         'minimum': 1000000.0},
                                        'unique_tokens': {'description': 'Distinct tokens available after '
                                                                         'deduplication; train_tokens / '
                                                                         'unique_tokens is the number of epochs.',
                                                          '$ref': '#/$defs/count',
                                                          'x-quantity': 'count',
                                                          'maximum': 1e+16,
                                                          'minimum': 1000.0},
                                        'deduplicated': {'description': 'The data was deduplicated before '
                                                                        'training.',
                                                         'type': 'boolean'},
                                        'filtered': {'description': 'The data was quality-filtered (heuristic or '
                                                                    'classifier filters) before training.',
                                                     'type': 'boolean'},
                                        'decontaminated': {'description': 'Evaluation benchmarks were removed from '
                                                                          'the training data.',
                                                           'type': 'boolean'},
                                        'mix': {'description': 'The data mix: one entry per source, each with its '
                                                               'share of train_tokens.',
                                                'type': 'array',
                                                'items': {'type': 'object',
                                                          'description': 'One source of the data mix.',
                                                          'properties': {'source': {'description': 'Name of the '
                                                                                                   'source; unique '
                                                                                                   'within the '
                                                                                                   'mix.',
                                                                                    'type': 'string',
                                                                                    'minLength': 1},
                                                                         'share': {'description': 'Share of '
                                                                                                  'train_tokens '
                                                                                                  'drawn from this '
                                                                                                  'source: 55% or '
                                                                                                  '0.55.',
                                                                                   '$ref': '#/$defs/share',
                                                                                   'x-quantity': 'share',
                                                                                   'minimum': 0,
                                                                                   'maximum': 1},
                                                                         'unique_tokens': {'description': 'Distinct '
                                                                                                          'tokens '
                                                                                                          'in this '
                                                                                                          'source; '
                                                                                                          'lets '
                                                                                                          'planlint '
                                                                                                          'count '
                                                                                                          'repeats '
                                                                                                          'per '
                                                                                                          'source.',
                                                                                           '$ref': '#/$defs/count',
                                                                                           'x-quantity': 'count',
                                                                                           'maximum': 1e+16,
                                                                                           'minimum': 1000.0},
                                                                         'synthetic': {'description': 'The source '
                                                                                                      'is '
                                                                                                      'model-generated.',
                                                                                       'type': 'boolean'},
                                                                         'revision': {'description': 'Dataset '
                                                                                                     'revision or '
                                                                                                     'content '
                                                                                                     'hash, for '
                                                                                                     'reproducibility.',
                                                                                      'type': 'string',
                                                                                      'minLength': 1},
                                                                         'kind': {'description': 'What the source '
                                                                                                 'is (PL106 checks '
                                                                                                 'the mix against '
                                                                                                 "the plan's "
                                                                                                 'capabilities).',
                                                                                  'enum': ['web',
                                                                                           'code',
                                                                                           'math',
                                                                                           'books',
                                                                                           'academic',
                                                                                           'encyclopedia',
                                                                                           'conversation',
                                                                                           'multilingual',
                                                                                           'synthetic',
                                                                                           'other']},
                                                                         'language': {'description': "The source's "
                                                                                                     'language: an '
                                                                                                     'ISO 639-1 '
                                                                                                     'code (en, '
                                                                                                     'zh, ...) or '
                                                                                                     'multi.',
                                                                                      'type': 'string',
                                                                                      'pattern': '^([a-z]{2,3}|multi)$'}},
                                                          'patternProperties': {'^x-': {'description': 'Free for '
                                                                                                       'users and '
                                                                                                       'plugins; '
                                                                                                       'planlint '
                                                                                                       'ignores '
                                                                                                       'it.'}},
                                                          'additionalProperties': False,
                                                          'required': ['source', 'share']}},
                                        'stages': {'description': 'Pre-training in stages (main, annealing or '
                                                                  'cool-down, long-context extension), in order; '
                                                                  'their tokens add up to train_tokens. Compute, '
                                                                  'time and memory sum over them; a long-context '
                                                                  'stage carries its own attention cost.',
                                                   'type': 'array',
                                                   'items': {'type': 'object',
                                                             'description': 'One pre-training stage.',
                                                             'properties': {'name': {'description': 'A name for '
                                                                                                    'the stage.',
                                                                                     'type': 'string',
                                                                                     'minLength': 1},
                                                                            'kind': {'description': 'What the '
                                                                                                    'stage is for.',
                                                                                     'enum': ['main',
                                                                                              'anneal',
                                                                                              'long-context',
                                                                                              'other']},
                                                                            'tokens': {'description': 'Tokens seen '
                                                                                                      'in this '
                                                                                                      'stage.',
                                                                                       '$ref': '#/$defs/count',
                                                                                       'x-quantity': 'count',
                                                                                       'minimum': 1000.0,
                                                                                       'maximum': 1e+16},
                                                                            'context_length': {'description': 'Sequence '
                                                                                                              'length '
                                                                                                              'of '
                                                                                                              'this '
                                                                                                              'stage '
                                                                                                              '(default '
                                                                                                              'model.context_length).',
                                                                                               '$ref': '#/$defs/count',
                                                                                               'x-quantity': 'integer',
                                                                                               'minimum': 1,
                                                                                               'maximum': 1000000000.0},
                                                                            'mix': {'type': 'array',
                                                                                    'description': "This stage's "
                                                                                                   'mix: shares of '
                                                                                                   "the stage's "
                                                                                                   'tokens by '
                                                                                                   'source (the '
                                                                                                   'sources of '
                                                                                                   'data.mix, '
                                                                                                   'whose '
                                                                                                   'unique_tokens '
                                                                                                   'count the '
                                                                                                   'repeats across '
                                                                                                   'stages).',
                                                                                    'items': {'type': 'object',
                                                                                              'description': 'One '
                                                                                                             "source's "
                                                                                                             'share '
                                                                                                             'of '
                                                                                                             'the '
                                                                                                             'stage.',
                                                                                              'properties': {'source': {'description': 'A '
                                                                                                                                       'source '
                                                                                                                                       'of '
                                                                                                                                       'data.mix '
                                                                                                                                       '(or '
                                                                                                                                       'another '
                                                                                                                                       'name).',
                                                                                                                        'type': 'string',
                                                                                                                        'minLength': 1},
                                                                                                             'share': {'description': 'Share '
                                                                                                                                      'of '
                                                                                                                                      'the '
                                                                                                                                      "stage's "
                                                                                                                                      'tokens: '
                                                                                                                                      '55% '
                                                                                                                                      'or '
                                                                                                                                      '0.55.',
                                                                                                                       '$ref': '#/$defs/share',
                                                                                                                       'x-quantity': 'share',
                                                                                                                       'minimum': 0,
                                                                                                                       'maximum': 1}},
                                                                                              'patternProperties': {'^x-': {'description': 'Free '
                                                                                                                                           'for '
                                                                                                                                           'users '
                                                                                                                                           'and '
                                                                                                                                           'plugins; '
                                                                                                                                           'planlint '
                                                                                                                                           'ignores '
                                                                                                                                           'it.'}},
                                                                                              'additionalProperties': False,
                                                                                              'required': ['source',
                                                                                                           'share']}}},
                                                             'patternProperties': {'^x-': {'description': 'Free '
                                                                                                          'for '
                                                                                                          'users '
                                                                                                          'and '
                                                                                                          'plugins; '
                                                                                                          'planlint '
                                                                                                          'ignores '
                                                                                                          'it.'}},
                                                             'additionalProperties': False,
                                                             'required': ['tokens']}}},
                         'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                      'ignores it.'}},
                         'additionalProperties': False,
                         'required': ['train_tokens']},
                'compute': {'type': 'object',
                            'description': 'The pre-training compute budget and hardware. Its absence is itself a '
                                           'finding (PL201).',
                            'properties': {'flops': {'description': 'Total pre-training compute budget in FLOPs '
                                                                    '(3e21), counted by compute.flops_convention '
                                                                    '(default 6ND); at least 1e12.',
                                                     '$ref': '#/$defs/count',
                                                     'x-quantity': 'count',
                                                     'maximum': 1e+30,
                                                     'minimum': 1000000000000.0},
                                           'gpu_hours': {'description': 'Accelerator-hours budget for '
                                                                        'pre-training.',
                                                         '$ref': '#/$defs/count',
                                                         'x-quantity': 'count',
                                                         'maximum': 10000000000.0,
                                                         'minimum': 0.01},
                                           'accelerator': {'description': 'Accelerator name from the built-in '
                                                                          'catalogue (a100-80gb, h100-sxm, '
                                                                          'tpu-v5p, ... see `planlint '
                                                                          'accelerators`) or from '
                                                                          'custom_accelerators.',
                                                           'type': 'string',
                                                           'minLength': 1},
                                           'accelerators': {'description': 'How many accelerators run the job.',
                                                            '$ref': '#/$defs/count',
                                                            'x-quantity': 'integer',
                                                            'minimum': 1,
                                                            'maximum': 10000000},
                                           'zero_stage': {'description': 'How model states are sharded across the '
                                                                         'accelerators: ZeRO stage 0 (none), 1 '
                                                                         '(optimizer states), 2 (and gradients; '
                                                                         'FSDP SHARD_GRAD_OP) or 3 (and weights; '
                                                                         'FSDP FULL_SHARD).',
                                                          '$ref': '#/$defs/count',
                                                          'x-quantity': 'integer',
                                                          'minimum': 0,
                                                          'maximum': 3},
                                           'tensor_parallel': {'description': "Tensor-parallel size: each layer's "
                                                                              'weights and activations are split '
                                                                              'this many ways (Megatron). Default '
                                                                              '1.',
                                                               '$ref': '#/$defs/count',
                                                               'x-quantity': 'integer',
                                                               'minimum': 1,
                                                               'maximum': 100000},
                                           'pipeline_parallel': {'description': 'Pipeline-parallel size: the '
                                                                                'layers are split into this many '
                                                                                'stages. Default 1.',
                                                                 '$ref': '#/$defs/count',
                                                                 'x-quantity': 'integer',
                                                                 'minimum': 1,
                                                                 'maximum': 100000},
                                           'micro_batch_size': {'description': 'Sequences per accelerator per '
                                                                               'step, for activation memory. '
                                                                               'Default 1.',
                                                                '$ref': '#/$defs/count',
                                                                'x-quantity': 'integer',
                                                                'minimum': 1,
                                                                'maximum': 1000000},
                                           'recompute': {'description': 'Activation recomputation (Korthikanti et '
                                                                        'al. 2022): none (default), selective (the '
                                                                        'attention scores are recomputed) or full '
                                                                        "(each layer's activations are recomputed "
                                                                        'from its input).',
                                                         'enum': ['none', 'selective', 'full']},
                                           'flash_attention': {'description': 'Attention runs in a fused kernel '
                                                                              'that never stores the T x T scores '
                                                                              '(FlashAttention). Default true, as '
                                                                              "in today's training stacks.",
                                                               'type': 'boolean'},
                                           'mfu': {'description': 'Expected model FLOPs utilization, 0.001 <= mfu '
                                                                  '<= 1 (0.40 or 40%): model FLOPs over the '
                                                                  "accelerator's dense 16-bit peak, the FLOPs "
                                                                  'counted by compute.flops_convention (default '
                                                                  '6nd: 6 x active params per token).',
                                                   '$ref': '#/$defs/fraction',
                                                   'x-quantity': 'fraction',
                                                   'maximum': 1,
                                                   'minimum': 0.001},
                                           'flops_convention': {'description': 'How the plan counts FLOPs, for '
                                                                               'compute.flops and compute.mfu '
                                                                               'alike. 6nd (default): 6 x active '
                                                                               'params x tokens (Kaplan et al. '
                                                                               "2020), as Chinchilla's and Llama "
                                                                               "3.1's budgets are stated; "
                                                                               '6nd+causal-attention: plus the '
                                                                               'attention scores a causal kernel '
                                                                               'computes; palm-mfu: plus the full '
                                                                               'T x T attention, 12 x layers x '
                                                                               'heads x head_dim x context per '
                                                                               "token (PaLM's MFU); "
                                                                               'hoffmann-exact: the exact count of '
                                                                               'Hoffmann et al. 2022, App. F. All '
                                                                               'but 6nd need the shape (layers, '
                                                                               'heads, context_length; '
                                                                               'hoffmann-exact also d_model and '
                                                                               'vocab_size).',
                                                                'enum': ['6nd',
                                                                         '6nd+causal-attention',
                                                                         'palm-mfu',
                                                                         'hoffmann-exact']},
                                           'precision': {'description': 'Precision of the training matmuls: bf16 '
                                                                        '(default), fp16, fp8 (FP8 mixed '
                                                                        'precision, as DeepSeek-V3) or fp32.',
                                                         'enum': ['bf16', 'fp16', 'fp8', 'fp32']},
                                           'mfu_peak': {'description': 'The peak compute.mfu is measured against: '
                                                                       'bf16 (the dense 16-bit peak, default, '
                                                                       'comparable with published runs) or fp8 '
                                                                       '(the dense FP8 peak, about twice it). '
                                                                       'torchtitan reports no MFU with FP8 for '
                                                                       'this reason.',
                                                        'enum': ['bf16', 'fp8']},
                                           'usd_per_gpu_hour': {'description': 'Price of one accelerator-hour in '
                                                                               'US dollars: 1.80 or "$1.80".',
                                                                '$ref': '#/$defs/usd',
                                                                'x-quantity': 'usd',
                                                                'minimum': 0,
                                                                'maximum': 1000000},
                                           'deadline_days': {'description': 'Wall-clock days the run must finish '
                                                                            'in.',
                                                             '$ref': '#/$defs/count',
                                                             'x-quantity': 'count',
                                                             'maximum': 36500,
                                                             'minimum': 0.01}},
                            'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                         'ignores it.'}},
                            'additionalProperties': False},
                'alignment': {'type': 'object',
                              'description': 'Post-training (SFT, preference tuning, RL, distillation) and its '
                                             'budget.',
                              'properties': {'stages': {'description': 'The post-training stages, in order.',
                                                        'type': 'array',
                                                        'items': {'type': 'object',
                                                                  'description': 'One post-training stage.',
                                                                  'properties': {'kind': {'description': 'Kind of '
                                                                                                         'stage.',
                                                                                          'enum': ['sft',
                                                                                                   'preference',
                                                                                                   'rl',
                                                                                                   'distillation',
                                                                                                   'other']},
                                                                                 'tokens': {'description': 'Tokens '
                                                                                                           'trained '
                                                                                                           'on in '
                                                                                                           'this '
                                                                                                           'stage.',
                                                                                            '$ref': '#/$defs/count',
                                                                                            'x-quantity': 'count',
                                                                                            'maximum': 1e+16,
                                                                                            'minimum': 1},
                                                                                 'gpu_hours': {'description': 'Accelerator-hours '
                                                                                                              'for '
                                                                                                              'this '
                                                                                                              'stage.',
                                                                                               '$ref': '#/$defs/count',
                                                                                               'x-quantity': 'count',
                                                                                               'minimum': 0,
                                                                                               'maximum': 10000000000.0}},
                                                                  'patternProperties': {'^x-': {'description': 'Free '
                                                                                                               'for '
                                                                                                               'users '
                                                                                                               'and '
                                                                                                               'plugins; '
                                                                                                               'planlint '
                                                                                                               'ignores '
                                                                                                               'it.'}},
                                                                  'additionalProperties': False,
                                                                  'required': ['kind']}},
                                             'gpu_hours': {'description': 'Total accelerator-hours for '
                                                                          'post-training, instead of or beside '
                                                                          'per-stage hours.',
                                                           '$ref': '#/$defs/count',
                                                           'x-quantity': 'count',
                                                           'minimum': 0,
                                                           'maximum': 10000000000.0}},
                              'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                           'ignores it.'}},
                              'additionalProperties': False},
                'serving': {'type': 'object',
                            'description': 'The serving target: what the model will run on and what it may cost.',
                            'properties': {'params': {'description': 'Parameters of the served model (after '
                                                                     'distillation). Defaults to model.params.',
                                                      '$ref': '#/$defs/count',
                                                      'x-quantity': 'count',
                                                      'maximum': 100000000000000.0,
                                                      'minimum': 1000000.0},
                                           'precision': {'description': 'Precision of the served weights.',
                                                         'enum': ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'int4']},
                                           'accelerator': {'description': 'Accelerator name for serving, from the '
                                                                          'catalogue or custom_accelerators.',
                                                           'type': 'string',
                                                           'minLength': 1},
                                           'accelerators': {'description': 'Accelerators per serving replica.',
                                                            '$ref': '#/$defs/count',
                                                            'x-quantity': 'integer',
                                                            'minimum': 1,
                                                            'maximum': 100000},
                                           'batch_size': {'description': 'Sequences decoded together per replica.',
                                                          '$ref': '#/$defs/count',
                                                          'x-quantity': 'integer',
                                                          'minimum': 1,
                                                          'maximum': 1000000},
                                           'context_length': {'description': 'Tokens of context held per sequence '
                                                                             'while serving. Defaults to '
                                                                             'model.context_length.',
                                                              '$ref': '#/$defs/count',
                                                              'x-quantity': 'integer',
                                                              'minimum': 1,
                                                              'maximum': 1000000000},
                                           'usd_per_gpu_hour': {'description': 'Price of one serving '
                                                                               'accelerator-hour in US dollars.',
                                                                '$ref': '#/$defs/usd',
                                                                'x-quantity': 'usd',
                                                                'minimum': 0,
                                                                'maximum': 1000000},
                                           'max_usd_per_million_tokens': {'description': 'The serving budget: the '
                                                                                         'most one million '
                                                                                         'generated tokens may '
                                                                                         'cost, in US dollars.',
                                                                          '$ref': '#/$defs/usd',
                                                                          'x-quantity': 'usd',
                                                                          'exclusiveMinimum': 0,
                                                                          'maximum': 1000000},
                                           'lifetime_tokens': {'description': 'Tokens expected to be served over '
                                                                              "the model's life.",
                                                               '$ref': '#/$defs/count',
                                                               'x-quantity': 'count',
                                                               'maximum': 1e+20,
                                                               'minimum': 1}},
                            'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                         'ignores it.'}},
                            'additionalProperties': False},
                'evaluation': {'type': 'object',
                               'description': 'How the model will be evaluated.',
                               'properties': {'metrics': {'description': 'Metrics tracked, e.g. validation_loss, '
                                                                         'sql_exact_match.',
                                                          'type': 'array',
                                                          'items': {'type': 'string', 'minLength': 1}},
                                              'smooth_metrics': {'description': 'Metrics that change smoothly with '
                                                                                'scale (validation loss, '
                                                                                'perplexity, calibrated '
                                                                                'probabilities of the right '
                                                                                'answer), evaluated beside task '
                                                                                'pass rates.',
                                                                 'type': 'array',
                                                                 'items': {'type': 'string', 'minLength': 1}},
                                              'task_metrics': {'description': 'Task pass rates or accuracies '
                                                                              '(exact match, pass@k), which can '
                                                                              'jump with scale where the smooth '
                                                                              'metrics do not.',
                                                               'type': 'array',
                                                               'items': {'type': 'string', 'minLength': 1}},
                                              'loss_tracking': {'type': 'object',
                                                                'description': 'How validation loss is tracked '
                                                                               'against training tokens, and what '
                                                                               'the run does when the curve '
                                                                               'flattens.',
                                                                'properties': {'every_tokens': {'description': 'Validation '
                                                                                                               'loss '
                                                                                                               'is '
                                                                                                               'measured '
                                                                                                               'every '
                                                                                                               'this '
                                                                                                               'many '
                                                                                                               'training '
                                                                                                               'tokens.',
                                                                                                '$ref': '#/$defs/count',
                                                                                                'x-quantity': 'count',
                                                                                                'exclusiveMinimum': 0,
                                                                                                'maximum': 1e+16},
                                                                               'on_knee': {'description': 'What '
                                                                                                          'the run '
                                                                                                          'does '
                                                                                                          'when '
                                                                                                          'the '
                                                                                                          'loss '
                                                                                                          'curve '
                                                                                                          'knees '
                                                                                                          '(stops '
                                                                                                          'improving '
                                                                                                          'at the '
                                                                                                          'rate it '
                                                                                                          'did): '
                                                                                                          'stop, '
                                                                                                          'or '
                                                                                                          'lower '
                                                                                                          'the '
                                                                                                          'learning '
                                                                                                          'rate.',
                                                                                           'enum': ['stop',
                                                                                                    'lower-lr']},
                                                                               'rule': {'description': 'The rule '
                                                                                                       'in words, '
                                                                                                       'e.g. less '
                                                                                                       'than 0.5% '
                                                                                                       'lower loss '
                                                                                                       'over the '
                                                                                                       'last 4B '
                                                                                                       'tokens.',
                                                                                        'type': 'string',
                                                                                        'minLength': 1}},
                                                                'patternProperties': {'^x-': {'description': 'Free '
                                                                                                             'for '
                                                                                                             'users '
                                                                                                             'and '
                                                                                                             'plugins; '
                                                                                                             'planlint '
                                                                                                             'ignores '
                                                                                                             'it.'}},
                                                                'additionalProperties': False},
                                              'benchmarks': {'description': 'Public benchmarks the model will be '
                                                                            'evaluated on (mmlu, gsm8k, humaneval, '
                                                                            '...); PL105 asks for decontamination '
                                                                            'when they are named.',
                                                             'type': 'array',
                                                             'items': {'type': 'string', 'minLength': 1}}},
                               'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                            'ignores it.'}},
                               'additionalProperties': False},
                'rationale': {'type': 'object',
                              'description': 'Why pre-train at all: the alternatives weighed first, and the data '
                                             'advantage that justifies pre-training.',
                              'properties': {'alternatives_considered': {'description': 'What was weighed before '
                                                                                        'pre-training: fine-tuning '
                                                                                        'an existing model, '
                                                                                        'retrieval, prompting, '
                                                                                        'distillation.',
                                                                         'type': 'array',
                                                                         'items': {'enum': ['fine-tuning',
                                                                                            'retrieval',
                                                                                            'prompting',
                                                                                            'distillation',
                                                                                            'other']}},
                                             'data_advantage': {'description': 'The unique data that justifies '
                                                                               'pre-training over fine-tuning plus '
                                                                               'retrieval.',
                                                                'type': 'string',
                                                                'minLength': 1}},
                              'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                           'ignores it.'}},
                              'additionalProperties': False},
                'capabilities': {'description': 'What the model must be good at, beside general language: code, '
                                                'math, reasoning, multilingual (PL106 checks the mix against '
                                                'them).',
                                 'type': 'array',
                                 'items': {'enum': ['code',
                                                    'math',
                                                    'reasoning',
                                                    'multilingual',
                                                    'long-context',
                                                    'tool-use']}},
                'training': {'type': 'object',
                             'description': 'How the run is optimized: batch size and learning rate (PL207 '
                                            "compares them with DeepSeek LLM's compute fits).",
                             'properties': {'global_batch_tokens': {'description': 'Tokens per optimizer step '
                                                                                   '(global batch size x sequence '
                                                                                   'length).',
                                                                    '$ref': '#/$defs/count',
                                                                    'x-quantity': 'count',
                                                                    'minimum': 1000.0,
                                                                    'maximum': 10000000000.0},
                                            'peak_lr': {'description': 'Peak learning rate (3e-4).',
                                                        '$ref': '#/$defs/count',
                                                        'x-quantity': 'count',
                                                        'minimum': 1e-07,
                                                        'maximum': 10},
                                            'warmup_tokens': {'description': 'Tokens of learning-rate warm-up.',
                                                              '$ref': '#/$defs/count',
                                                              'x-quantity': 'count',
                                                              'minimum': 0,
                                                              'maximum': 1e+16},
                                            'schedule': {'description': 'Learning-rate schedule.',
                                                         'enum': ['cosine',
                                                                  'linear',
                                                                  'wsd',
                                                                  'constant',
                                                                  'multi-step',
                                                                  'inverse-sqrt',
                                                                  'other']}},
                             'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                          'ignores it.'}},
                             'additionalProperties': False},
                'distillation': {'type': 'object',
                                 'description': 'Pre-training the model by distillation from a teacher (Busbridge '
                                                'et al. 2025): what the teacher costs, and whether it exists '
                                                'already or serves other students.',
                                 'properties': {'teacher_params': {'description': 'Parameters of the teacher.',
                                                                   '$ref': '#/$defs/count',
                                                                   'x-quantity': 'count',
                                                                   'minimum': 1000000.0,
                                                                   'maximum': 100000000000000.0},
                                                'teacher_tokens': {'description': 'Tokens the teacher is (or was) '
                                                                                  'pre-trained on.',
                                                                   '$ref': '#/$defs/count',
                                                                   'x-quantity': 'count',
                                                                   'minimum': 1000000.0,
                                                                   'maximum': 1e+16},
                                                'teacher_exists': {'description': 'The teacher is already trained '
                                                                                  '(its pre-training is not this '
                                                                                  "plan's cost).",
                                                                   'type': 'boolean'},
                                                'students': {'description': 'How many students this teacher is '
                                                                            'trained for (its pre-training is '
                                                                            'shared between them). Default 1.',
                                                             '$ref': '#/$defs/count',
                                                             'x-quantity': 'integer',
                                                             'minimum': 1,
                                                             'maximum': 1000000.0}},
                                 'patternProperties': {'^x-': {'description': 'Free for users and plugins; '
                                                                              'planlint ignores it.'}},
                                 'additionalProperties': False,
                                 'required': ['teacher_params']},
                'loss_fit': {'type': 'object',
                             'description': "The plan's own loss fit L = E + A/N^alpha + B/D^beta, fitted on the "
                                            "team's data and tokenizer; planlint then prices the plan with it "
                                            '(unless the configuration or --fit chooses another), naming it and '
                                            'its source.',
                             'properties': {'name': {'description': 'A name for the fit, shown with every number '
                                                                    'it gives (e.g. acme-web-v3).',
                                                     'type': 'string',
                                                     'minLength': 1,
                                                     'pattern': '^[a-z0-9][a-z0-9._-]*$'},
                                            'E': {'description': 'Irreducible loss, nats per token.',
                                                  '$ref': '#/$defs/count',
                                                  'x-quantity': 'count',
                                                  'minimum': 0,
                                                  'maximum': 100},
                                            'A': {'description': 'Parameter term coefficient.',
                                                  '$ref': '#/$defs/count',
                                                  'x-quantity': 'count',
                                                  'minimum': 0,
                                                  'maximum': 1000000000000.0},
                                            'B': {'description': 'Data term coefficient.',
                                                  '$ref': '#/$defs/count',
                                                  'x-quantity': 'count',
                                                  'minimum': 0,
                                                  'maximum': 1000000000000.0},
                                            'alpha': {'description': 'Parameter exponent.',
                                                      '$ref': '#/$defs/count',
                                                      'x-quantity': 'count',
                                                      'minimum': 0.01,
                                                      'maximum': 2},
                                            'beta': {'description': 'Data exponent.',
                                                     '$ref': '#/$defs/count',
                                                     'x-quantity': 'count',
                                                     'minimum': 0.01,
                                                     'maximum': 2},
                                            'source': {'description': 'Where the constants come from (a report, a '
                                                                      'run, a notebook).',
                                                       'type': 'string',
                                                       'minLength': 1},
                                            'data': {'description': 'What the loss is measured on: the data and '
                                                                    'tokenizer (losses are nats per token of it).',
                                                     'type': 'string',
                                                     'minLength': 1},
                                            'max_params': {'description': 'The largest model the fit was made on: '
                                                                          'beyond it losses are extrapolations.',
                                                           '$ref': '#/$defs/count',
                                                           'x-quantity': 'count',
                                                           'minimum': 1000000.0,
                                                           'maximum': 100000000000000.0},
                                            'max_tokens': {'description': 'The most tokens a run of the fit saw.',
                                                           '$ref': '#/$defs/count',
                                                           'x-quantity': 'count',
                                                           'minimum': 1000000.0,
                                                           'maximum': 1e+16}},
                             'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint '
                                                                          'ignores it.'}},
                             'additionalProperties': False,
                             'required': ['name', 'E', 'A', 'B', 'alpha', 'beta', 'source']},
                'custom_accelerators': {'description': 'Accelerators that are not in the catalogue, by name. Refer '
                                                       'to them from compute.accelerator or serving.accelerator. A '
                                                       'catalogue name (or one that differs from it only in case, '
                                                       'spaces, invisible characters or Unicode form) is an error: '
                                                       'a plan cannot redefine a catalogue entry.',
                                        'type': 'object',
                                        'additionalProperties': {'type': 'object',
                                                                 'description': "One accelerator's datasheet "
                                                                                'figures.',
                                                                 'properties': {'peak_tflops': {'description': 'Dense '
                                                                                                               '16-bit '
                                                                                                               'tensor '
                                                                                                               'peak '
                                                                                                               'in '
                                                                                                               'TFLOP/s, '
                                                                                                               'without '
                                                                                                               '2:4 '
                                                                                                               'sparsity.',
                                                                                                '$ref': '#/$defs/count',
                                                                                                'x-quantity': 'count',
                                                                                                'maximum': 1000000.0,
                                                                                                'minimum': 0.001},
                                                                                'fp8_tflops': {'description': 'Dense '
                                                                                                              'FP8 '
                                                                                                              'tensor '
                                                                                                              'peak '
                                                                                                              'in '
                                                                                                              'TFLOP/s, '
                                                                                                              'without '
                                                                                                              'sparsity '
                                                                                                              '(for '
                                                                                                              'compute.precision: '
                                                                                                              'fp8).',
                                                                                               '$ref': '#/$defs/count',
                                                                                               'x-quantity': 'count',
                                                                                               'minimum': 0.001,
                                                                                               'maximum': 10000000.0},
                                                                                'memory_gb': {'description': 'Accelerator '
                                                                                                             'memory '
                                                                                                             'in '
                                                                                                             'GB '
                                                                                                             '(1e9 '
                                                                                                             'bytes).',
                                                                                              '$ref': '#/$defs/count',
                                                                                              'x-quantity': 'count',
                                                                                              'maximum': 1000000.0,
                                                                                              'minimum': 0.001},
                                                                                'memory_bandwidth_gbps': {'description': 'Memory '
                                                                                                                         'bandwidth '
                                                                                                                         'in '
                                                                                                                         'GB/s '
                                                                                                                         '(1e9 '
                                                                                                                         'bytes '
                                                                                                                         'per '
                                                                                                                         'second).',
                                                                                                          '$ref': '#/$defs/count',
                                                                                                          'x-quantity': 'count',
                                                                                                          'maximum': 10000000.0,
                                                                                                          'minimum': 0.001},
                                                                                'source': {'description': 'Where '
                                                                                                          'the '
                                                                                                          'figures '
                                                                                                          'come '
                                                                                                          'from '
                                                                                                          '(datasheet, '
                                                                                                          'URL).',
                                                                                           'type': 'string'}},
                                                                 'patternProperties': {'^x-': {'description': 'Free '
                                                                                                              'for '
                                                                                                              'users '
                                                                                                              'and '
                                                                                                              'plugins; '
                                                                                                              'planlint '
                                                                                                              'ignores '
                                                                                                              'it.'}},
                                                                 'additionalProperties': False,
                                                                 'required': ['peak_tflops',
                                                                              'memory_gb',
                                                                              'memory_bandwidth_gbps']}}},
 'patternProperties': {'^x-': {'description': 'Free for users and plugins; planlint ignores it.'}},
 'additionalProperties': False,
 'required': ['planlint', 'name', 'model', 'data'],
 '$defs': {'count': {'description': 'A count: a number, a string with a K, M, B or T suffix (1.3B, 8k), scientific '
                                    'notation (3e21) or digits with underscores (1_300).',
                     'anyOf': [{'type': 'number', 'minimum': 0},
                               {'type': 'string',
                                'pattern': '^\\s*(?=\\.?\\d)(\\d(_?\\d)*)?(\\.\\d(_?\\d)*)?([eE][+-]?\\d+)?(\\s?[kKMBT])?\\s*$'}]},
           'share': {'description': 'A share: 55% or 0.55.',
                     'anyOf': [{'type': 'number', 'minimum': 0, 'maximum': 1},
                               {'type': 'string',
                                'pattern': '^\\s*\\d+(\\.\\d+)?\\s*%\\s*$|^\\s*(0(\\.\\d+)?|1(\\.0+)?|\\.\\d+)\\s*$'}]},
           'usd': {'description': 'US dollars: 1.80 or "$1.80".',
                   'anyOf': [{'type': 'number', 'minimum': 0},
                             {'type': 'string', 'pattern': '^\\s*\\$?\\s*\\d[\\d,]*(\\.\\d+)?\\s*$'}]},
           'fraction': {'description': 'A fraction: 0.40 or 40%.',
                        'anyOf': [{'type': 'number'},
                                  {'type': 'string',
                                   'pattern': '^\\s*\\d+(\\.\\d+)?\\s*%\\s*$|^\\s*\\d*\\.?\\d+\\s*$'}]}}}
