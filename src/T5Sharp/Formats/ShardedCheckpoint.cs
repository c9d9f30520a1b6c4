using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace T5Sharp.Formats;

/// <summary>
/// Checkpoints split over several files, as transformers writes them past `max_shard_size`:
/// `model-00001-of-00003.safetensors` … plus `model.safetensors.index.json`
/// ({"metadata": {"total_size": bytes}, "weight_map": {tensor name: shard file}}); the same for `pytorch_model.bin`.
/// </summary>
public static class ShardedCheckpoint
{
    /// <summary>The weight map of an index file: tensor name → shard file name (relative to the index's folder).</summary>
    public static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        if (!File.Exists(indexPath)) throw new CheckpointException($"{indexPath}: file not found");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(indexPath));
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{indexPath}: invalid JSON: {e.Message}", e);
        }
        if (root?["weight_map"] is not JsonObject map)
            throw new CheckpointException($"{indexPath}: missing key 'weight_map' (expected an object of tensor name → shard file)");
        var result = new Dictionary<string, string>();
        foreach (var (name, file) in map)
        {
            if (file is not JsonValue v || !v.TryGetValue<string>(out var fileName))
                throw new CheckpointException($"{indexPath}: weight_map['{name}'] should be a file name, found {file?.ToJsonString() ?? "null"}");
            result[name] = fileName;
        }
        return result;
    }

    /// <summary>Loads every shard an index names (each with <paramref name="loadShard"/>) and checks each listed tensor was found.</summary>
    public static Dictionary<string, Tensor> Load(string indexPath, Func<string, Dictionary<string, Tensor>> loadShard)
    {
        var weightMap = ReadWeightMap(indexPath);
        string dir = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (string shard in weightMap.Values.Distinct())
            {
                string shardPath = Path.Combine(dir, shard);
                if (!File.Exists(shardPath))
                    throw new CheckpointException($"{indexPath}: lists shard '{shard}', but {shardPath} does not exist");
                // Like transformers, everything a shard holds is loaded, listed or not.
                foreach (var (name, t) in loadShard(shardPath))
                {
                    if (result.Remove(name, out var earlier)) earlier.Dispose();
                    result[name] = t;
                }
            }
            foreach (var (name, shard) in weightMap)
                if (!result.ContainsKey(name))
                    throw new CheckpointException($"{indexPath}: weight_map puts '{name}' in '{shard}', but that shard has no such tensor");
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>
    /// Splits tensors into safetensors shards of at most <paramref name="maxShardBytes"/> (a tensor larger than that gets a
    /// shard of its own), in the given order, the way transformers does. Returns the shards: file name → tensor names.
    /// One shard is named `model.safetensors` and gets no index; more are `model-0000k-of-0000n.safetensors` with an index.
    /// </summary>
    public static List<(string File, List<string> Names)> SaveSafeTensors(
        string dir, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, long maxShardBytes,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (maxShardBytes <= 0) throw new ArgumentOutOfRangeException(nameof(maxShardBytes), "must be positive");
        var groups = new List<List<KeyValuePair<string, Tensor>>> { new() };
        long current = 0, total = 0;
        foreach (var kv in tensors)
        {
            long size = kv.Value.numel() * SafeTensors.ElementSize(kv.Value.dtype);
            if (groups[^1].Count > 0 && current + size > maxShardBytes)
            {
                groups.Add(new());
                current = 0;
            }
            groups[^1].Add(kv);
            current += size;
            total += size;
        }

        var shards = new List<(string, List<string>)>();
        if (groups.Count == 1)
        {
            SafeTensors.Save(Path.Combine(dir, ModelFiles.SafeTensors), groups[0], metadata);
            shards.Add((ModelFiles.SafeTensors, groups[0].Select(kv => kv.Key).ToList()));
            return shards;
        }
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < groups.Count; i++)
        {
            string file = $"model-{i + 1:D5}-of-{groups.Count:D5}.safetensors";
            SafeTensors.Save(Path.Combine(dir, file), groups[i], metadata);
            foreach (var kv in groups[i]) weightMap[kv.Key] = file;
            shards.Add((file, groups[i].Select(kv => kv.Key).ToList()));
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = total },
            ["weight_map"] = new JsonObject(weightMap.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        AtomicFile.WriteAllText(Path.Combine(dir, ModelFiles.SafeTensorsIndex),
            index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return shards;
    }
}
