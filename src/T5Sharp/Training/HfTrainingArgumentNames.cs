using System.Text.Json;

namespace T5Sharp.Training;

/// <summary>
/// The fields of transformers' Seq2SeqTrainingArguments (4.44) that T5Sharp does not implement, so that a run option
/// naming one is reported by name instead of being ignored or called a misspelling. Those that would change what a run
/// computes (precision, optimizer, data order, what is trained, distributed backends) are errors unless they hold
/// transformers' default; the rest (logging, loaders, reporting, hardware placement) are warnings. When T5Sharp
/// implements one, it becomes a property of <see cref="TrainingArguments"/> and known from there; its entry here is
/// then unused.
/// </summary>
public static class HfTrainingArgumentNames
{
    /// <summary>Changes results: an error unless the value is the default given here (JSON).</summary>
    public static readonly IReadOnlyDictionary<string, string> ChangesResults = new Dictionary<string, string>
    {
        ["fp16"] = "false", ["fp16_full_eval"] = "false", ["bf16_full_eval"] = "false",
        ["tf32"] = "null", ["fp16_opt_level"] = "\"O1\"", ["half_precision_backend"] = "\"auto\"", ["fp16_backend"] = "\"auto\"",
        ["adafactor"] = "false", ["optim_args"] = "null", ["optim_target_modules"] = "null", ["lr_scheduler_kwargs"] = "{}",
        ["data_seed"] = "null", ["full_determinism"] = "false", ["ignore_data_skip"] = "false", ["dataloader_drop_last"] = "false",
        ["sortish_sampler"] = "false", ["length_column_name"] = "\"length\"", ["label_names"] = "null",
        ["remove_unused_columns"] = "true", ["prediction_loss_only"] = "false", ["eval_delay"] = "0",
        ["generation_config"] = "null", ["neftune_noise_alpha"] = "null", ["auto_find_batch_size"] = "false",
        ["past_index"] = "-1", ["deepspeed"] = "null", ["fsdp"] = "\"\"",
        ["fsdp_min_num_params"] = "0", ["fsdp_transformer_layer_cls_to_wrap"] = "null", ["torch_compile"] = "false",
        ["torch_compile_backend"] = "null", ["torch_compile_mode"] = "null", ["use_liger_kernel"] = "false",
        ["per_gpu_train_batch_size"] = "null", ["per_gpu_eval_batch_size"] = "null", ["resume_from_checkpoint"] = "null",
        ["batch_eval_metrics"] = "false", ["include_inputs_for_metrics"] = "false", ["eval_accumulation_steps"] = "null",
        ["split_batches"] = "null", ["dispatch_batches"] = "null", ["jit_mode_eval"] = "false",
        ["use_ipex"] = "false", ["evaluation_strategy"] = "null", ["restore_callback_states_from_checkpoint"] = "false",
    };

    /// <summary>Changes nothing a run computes (or has no meaning on one CPU process): a warning that names it.</summary>
    public static readonly IReadOnlySet<string> NoEffectOnResults = new HashSet<string>
    {
        "do_train", "do_eval", "do_predict", "gradient_checkpointing", "gradient_checkpointing_kwargs", "log_level",
        "log_level_replica", "log_on_each_node", "logging_nan_inf_filter", "save_safetensors", "save_on_each_node",
        "no_cuda", "use_cpu", "use_mps_device", "local_rank", "ddp_backend", "tpu_num_cores", "tpu_metrics_debug", "debug",
        "dataloader_num_workers", "dataloader_prefetch_factor", "dataloader_pin_memory", "dataloader_persistent_workers",
        "run_name", "disable_tqdm", "ddp_find_unused_parameters", "ddp_bucket_cap_mb", "ddp_broadcast_buffers",
        "ddp_timeout", "skip_memory_metrics", "use_legacy_prediction_loop", "push_to_hub_model_id",
        "push_to_hub_organization", "push_to_hub_token", "mp_parameters", "torchdynamo", "ray_scope",
        "include_tokens_per_second", "include_num_input_tokens_seen", "eval_do_concat_batches", "eval_use_gather_object",
        "torch_empty_cache_steps",
        // what checkpoints hold (ours always hold everything) and settings of features that fsdp / several devices enable
        "save_only_model", "fsdp_config", "accelerator_config",
    };

    public static bool Contains(string name) => ChangesResults.ContainsKey(name) || NoEffectOnResults.Contains(name);

    /// <summary>
    /// True when <paramref name="value"/> is transformers' default for a result-changing <paramref name="name"/>, or
    /// empty (null, "", [], {}: to_dict writes fsdp's "" as []), which turns nothing on.
    /// </summary>
    public static bool IsDefault(string name, JsonElement value) =>
        ChangesResults.TryGetValue(name, out var json) &&
        (JsonElement.DeepEquals(JsonDocument.Parse(json).RootElement, value) || IsEmpty(value));

    static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => true,
        JsonValueKind.String => value.GetString()!.Length == 0,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        _ => false,
    };
}
