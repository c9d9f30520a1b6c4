using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using T5Sharp.Formats;
using T5Sharp.Modeling;
using static TorchSharp.torch;

namespace T5Sharp.Pretrained;

/// <summary>
/// Writes and describes Hugging Face model folders: what save_pretrained of a T5 model and its tokenizer writes,
/// so that transformers' from_pretrained reads our output back.
/// </summary>
public static partial class ModelFolder
{
    /// <summary>The tokenizer files a T5 tokenizer's save_pretrained may write; those present are copied.</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles =
        ["spiece.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

    // T5's tied parameters (transformers' _tied_weights_keys): save_pretrained stores only shared.weight for them.
    static readonly string[] EmbeddingCopies = ["encoder.embed_tokens.weight", "decoder.embed_tokens.weight"];
    const string SharedKey = "shared.weight", LmHeadKey = "lm_head.weight";

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$")]
    private static partial Regex ShardName();

    /// <summary>
    /// Writes config.json, generation_config.json (<paramref name="generationConfigJson"/>, or the one transformers derives
    /// from the config), the weights (model.safetensors with {"format": "pt"} metadata, or shards plus an index when
    /// <paramref name="maxShardBytes"/> is exceeded) and the tokenizer files found in <paramref name="tokenizerSourceDir"/>,
    /// each atomically. Copies of shared.weight under the tied names are left out, as transformers does; the reader side
    /// (the model's state-dict loader) re-ties them. Weight files of an earlier save that would now be stale are removed.
    /// config.json is removed first and written LAST, so that a save cut short (a full disk, a kill) leaves a folder that
    /// visibly isn't a model: from_pretrained and our loader both refuse a folder without config.json. (Chosen over a
    /// temporary folder renamed into place because model folders are saved into folders that hold other files — final/
    /// gets trainer_state.json, a user's folder a README — which a folder swap would have to carry over; checkpoints,
    /// which must appear whole, are written under a temporary name by the trainer.)
    /// </summary>
    public static void Save(string dir, T5Config config, IEnumerable<KeyValuePair<string, Tensor>> stateDict,
        string? generationConfigJson = null, string? tokenizerSourceDir = null, long? maxShardBytes = null)
    {
        if (tokenizerSourceDir is not null && !Directory.Exists(tokenizerSourceDir))
            throw new CheckpointException($"{tokenizerSourceDir}: tokenizer folder not found");
        Directory.CreateDirectory(dir);
        var tensors = WithoutTiedCopies(stateDict.ToList(), config);

        var saved = config.Clone();
        // transformers records the dtype the weights are stored in.
        saved.TorchDtype = PythonDTypeName(tensors.Select(kv => kv.Value.dtype).FirstOrDefault(IsFloating, ScalarType.Float32));
        string configPath = Path.Combine(dir, ModelFiles.Config);
        if (File.Exists(configPath)) File.Delete(configPath);
        AtomicFile.WriteAllText(Path.Combine(dir, ModelFiles.GenerationConfig),
            generationConfigJson ?? DerivedGenerationConfig.ToJson(saved));

        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        var shards = ShardedCheckpoint.SaveSafeTensors(dir, tensors, maxShardBytes ?? long.MaxValue, metadata);
        RemoveStaleWeights(dir, shards.Select(s => s.File).ToHashSet());

        if (tokenizerSourceDir is not null)
            foreach (var name in TokenizerFiles)
            {
                string source = Path.Combine(tokenizerSourceDir, name);
                if (!File.Exists(source)) continue;
                AtomicFile.Write(Path.Combine(dir, name), output =>
                {
                    using var input = File.OpenRead(source);
                    input.CopyTo(output);
                });
            }
        AtomicFile.WriteAllText(configPath, JsonFiles.ToSortedJson(ConfigJson(saved)));
    }

    /// <summary>The folder's files, sizes and tensor summary, from headers only: no tensor data is loaded.</summary>
    public static ModelFolderDescription Describe(string dir)
    {
        if (!Directory.Exists(dir)) throw new CheckpointException($"{dir}: model folder not found");
        var files = Directory.EnumerateFiles(dir)
            .Select(f => new ModelFolderFile(Path.GetFileName(f), new FileInfo(f).Length))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        string weights = CheckpointReader.FindWeights(dir);
        var weightFiles = weights.EndsWith(".index.json", StringComparison.Ordinal)
            ? ShardedCheckpoint.ReadWeightMap(weights).Values.Distinct().Select(s => Path.Combine(dir, s)).ToList()
            : [weights];

        int count = 0;
        long parameters = 0;
        var perDType = new Dictionary<ScalarType, int>();
        foreach (var file in weightFiles)
        {
            foreach (var t in CheckpointReader.ReadHeader(file))
            {
                count++;
                perDType[t.DType] = perDType.GetValueOrDefault(t.DType) + 1;
            }
            parameters += UniqueParameterCount(file);
        }
        string configPath = Path.Combine(dir, ModelFiles.Config);
        var config = File.Exists(configPath) ? T5Config.Load(configPath) : null;
        var incomplete = new List<string>();
        if (config is null) incomplete.Add($"no {ModelFiles.Config} (it is written last: a save was interrupted, or this is not a model folder)");
        incomplete.AddRange(files.Where(f => f.Name.Contains(AtomicFile.TemporaryMarker, StringComparison.Ordinal))
            .Select(f => $"{f.Name} is a file whose write did not finish"));
        return new ModelFolderDescription(Path.GetFullPath(dir), files, Path.GetFileName(weights), count, parameters, perDType, config)
            { Incomplete = incomplete };
    }

    static long UniqueParameterCount(string file)
    {
        if (!PyTorchCheckpoint.LooksLikeTorchZip(file))
            return CheckpointReader.ReadHeader(file).Sum(t => t.Numel);
        // Tied entries of a .bin are views of one storage: count each distinct view once.
        return PyTorchCheckpoint.ReadPickledTensors(file)
            .Select(kv => kv.Value)
            .DistinctBy(p => (p.Storage.Key, p.Offset, string.Join(",", p.Size), string.Join(",", p.Stride)))
            .Sum(p => p.Numel);
    }

    static List<KeyValuePair<string, Tensor>> WithoutTiedCopies(List<KeyValuePair<string, Tensor>> tensors, T5Config config)
    {
        var shared = tensors.FirstOrDefault(kv => kv.Key == SharedKey).Value;
        if (shared is null) return tensors;
        var tied = EmbeddingCopies.Concat(config.TieWordEmbeddings ? [LmHeadKey] : []).ToHashSet();
        // Only a true copy is dropped: a tensor under a tied name that differs from shared.weight is kept, never lost.
        return tensors.Where(kv => !(tied.Contains(kv.Key) && SameValues(kv.Value, shared))).ToList();
    }

    /// <summary>
    /// config.json as transformers writes it. Its to_diff_dict leaves out settings equal to PretrainedConfig's defaults;
    /// of the keys T5Config always serializes, only tie_word_embeddings (default true) is such a one, so a T5 v1.0 config
    /// that had no such key doesn't gain one.
    /// </summary>
    static JsonNode ConfigJson(T5Config config)
    {
        var json = JsonNode.Parse(config.ToJson())!.AsObject();
        if (json["tie_word_embeddings"] is JsonValue tie && tie.GetValueKind() == System.Text.Json.JsonValueKind.True)
            json.Remove("tie_word_embeddings");
        return json;
    }

    static bool SameValues(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var scope = NewDisposeScope();
        return a.eq(b).all().item<bool>();
    }

    static void RemoveStaleWeights(string dir, HashSet<string> written)
    {
        var stale = Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>()
            .Where(name => name == ModelFiles.SafeTensors || name == ModelFiles.SafeTensorsIndex || ShardName().IsMatch(name))
            .Where(name => !written.Contains(name) && !(name == ModelFiles.SafeTensorsIndex && written.Count > 1));
        foreach (var name in stale.ToList()) File.Delete(Path.Combine(dir, name));
    }

    static bool IsFloating(ScalarType t) =>
        t is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64;

    static string PythonDTypeName(ScalarType t) => t switch
    {
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float64 => "float64",
        _ => "float32",
    };
}
